/**
 * `npm run emulator` as a user runs it: the compiled CLI in its own process,
 * its banner, and the console it starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { builtPath } from "./support/built";

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

/** Starts the CLI on a free port and resolves with its banner once it is listening. */
function startCli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [builtPath("emulator/cli.js"), "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Press Ctrl+C to stop.")) resolve(output);
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => reject(new Error(`emulator CLI exited with ${code}: ${output}`)));
  });
}

/** A Compute request to the console the banner describes, with its Basic credentials. */
function computeRequest(banner: string, method: string, path: string, body?: unknown): Promise<Response> {
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  const username = /^ {2}username (.+)$/m.exec(banner)?.[1];
  const password = /^ {2}password (.+)$/m.exec(banner)?.[1];
  if (!url || !username || !password) throw new Error(`unexpected banner:\n${banner}`);
  return fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function registryEntries(banner: string): Promise<Record<string, unknown>[]> {
  const response = await computeRequest(banner, "GET", "/api/v1/settings/registry");
  expect(response.status).toBe(200);
  return ((await response.json()) as { specifications: Record<string, unknown>[] }).specifications;
}

describe("npm run emulator", () => {
  it("starts the console with one entry added by someone else, and says so", async () => {
    const banner = await startCli([]);
    expect(banner).toMatch(/registry entries: 1, added in the console by someone else: docker\.io\/library\/alpine:3\.20 .*--empty/);
    const entries = await registryEntries(banner);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ version: "2", repository: "library/alpine", tag: "3.20", id: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it("holds the credential the seed entry names, so --strict-credential-ids accepts the seed entry back", async () => {
    const banner = await startCli(["--strict-credential-ids"]);
    expect(banner).toContain("credentialID: checked against the credential store (--strict-credential-ids)");
    const credentials = (await (await computeRequest(banner, "GET", "/api/v1/credentials")).json()) as Record<string, unknown>[];
    expect(credentials).toEqual([expect.objectContaining({ _id: "dockerhub", type: "basic", secret: { encrypted: expect.any(String) } })]);

    const entries = await registryEntries(banner);
    expect((await computeRequest(banner, "PUT", "/api/v1/settings/registry", { specifications: entries })).status).toBe(200);
    const refused = await computeRequest(banner, "POST", "/api/v1/settings/registry", { ...entries[0], credentialID: "nobody" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { err: string }).err).toContain('credential "nobody" is not in the credential store');
  });

  it("starts it empty with --empty", async () => {
    const banner = await startCli(["--empty"]);
    expect(banner).toContain("registry entries: none (started with --empty)");
    expect(await registryEntries(banner)).toEqual([]);
    expect(await (await computeRequest(banner, "GET", "/api/v1/credentials")).json()).toEqual([]);
  });

  it("lists --empty in its usage", async () => {
    const child = spawn(process.execPath, [builtPath("emulator/cli.js"), "--help"], { stdio: ["ignore", "pipe", "ignore"] });
    started.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    await new Promise((resolve) => child.once("exit", resolve));
    expect(output).toMatch(/--empty\s+start the console with no registry entries/);
    expect(output).toMatch(/--strict-credential-ids\s+refuse registry entries naming a credential the store does not hold/);
  });
});
