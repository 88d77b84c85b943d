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

async function registryEntries(banner: string): Promise<Record<string, unknown>[]> {
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  const username = /^ {2}username (.+)$/m.exec(banner)?.[1];
  const password = /^ {2}password (.+)$/m.exec(banner)?.[1];
  if (!url || !username || !password) throw new Error(`unexpected banner:\n${banner}`);
  const response = await fetch(`${url}/api/v1/settings/registry`, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
  });
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

  it("starts it empty with --empty", async () => {
    const banner = await startCli(["--empty"]);
    expect(banner).toContain("registry entries: none (started with --empty)");
    expect(await registryEntries(banner)).toEqual([]);
  });

  it("lists --empty in its usage", async () => {
    const child = spawn(process.execPath, [builtPath("emulator/cli.js"), "--help"], { stdio: ["ignore", "pipe", "ignore"] });
    started.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    await new Promise((resolve) => child.once("exit", resolve));
    expect(output).toMatch(/--empty\s+start the console with no registry entries/);
  });
});
