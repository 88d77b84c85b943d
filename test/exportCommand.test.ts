/**
 * `pulumi-registry-scanning export`: a live console (seeded with unknown
 * fields, duplicates and every registry type) written as a program, whose
 * preview adopts every entry with no field changed and whose up leaves the
 * console as it was, field by field.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../emulator";
import { Engine } from "../harness";
import { withoutServerStatus } from "../provider/compute/registryEntry";
import { builtPath } from "./support/built";
import { varietyConsole } from "./support/consoleSeeds";
import { leaksSecret } from "./support/secretTraces";

const run = promisify(execFile);
const CLI = builtPath("cli/main.js");
const ENTRY_COUNT = 240;
const CREDENTIAL_PASSWORD = "robot-password-export-5e2a";

let emulator: Emulator;
let outDir: string;
beforeAll(async () => {
  emulator = await startEmulator({
    compute: {
      entries: varietyConsole(ENTRY_COUNT),
      credentials: [
        { _id: "team-registry", type: "basic", accountID: "robot", secret: { plain: CREDENTIAL_PASSWORD } },
        { _id: "cluster-config", type: "kubeconfig", secret: { plain: "apiVersion: v1" } },
      ],
    },
  });
  // Inside the repository, so the program resolves the package and @pulumi/pulumi as a user's project would.
  outDir = fs.mkdtempSync(path.join(__dirname, "..", "dist", "export-"));
});
afterAll(async () => {
  await emulator?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

function environment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PRISMA_CLOUD_COMPUTE_") && !key.startsWith("CORTEX_")));
  return {
    ...clean,
    PRISMA_CLOUD_COMPUTE_URL: emulator.computeUrl,
    PRISMA_CLOUD_COMPUTE_USERNAME: emulator.credentials.compute.username,
    PRISMA_CLOUD_COMPUTE_PASSWORD: emulator.credentials.compute.password,
    ...overrides,
  };
}

async function cli(args: string[], env = environment()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The exported TypeScript, compiled as the user's project would, as a program the harness runs. */
function exportedProgram(): () => void {
  const source = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const file = path.join(outDir, `program-${Date.now()}.js`);
  fs.writeFileSync(file, outputText);
  return () => void require(file);
}

describe("export compute", () => {
  it("writes a program whose preview adopts every entry with no field changed, and whose up leaves the console as it was", async () => {
    const before = emulator.compute.entries().map(withoutServerStatus);
    const result = await cli(["export", "compute", "--out", outDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`${ENTRY_COUNT + 2} entries read`));
    expect(result.stderr).toMatch(new RegExp(`index\\.ts: ${ENTRY_COUNT} entries, 1 credentials`));
    expect(result.stderr).toMatch(/Skipped 2 duplicate entries/);
    expect(result.stderr).toMatch(/Skipped 1 credentials of a type ComputeCredential does not cover: cluster-config \(type kubeconfig\)/);
    expect(result.stderr).toMatch(/pulumi config set --secret team-registry-password/);
    const written = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
    expect(leaksSecret(written, CREDENTIAL_PASSWORD)).toBe(false);
    expect(leaksSecret(result.stderr, emulator.credentials.compute.password)).toBe(false);

    const engine = await Engine.start({
      config: {
        "prismaCloudCompute:url": emulator.computeUrl,
        "prismaCloudCompute:username": emulator.credentials.compute.username,
        "prismaCloudCompute:password": emulator.credentials.compute.password,
        "registry-scanning-test:team-registry-password": CREDENTIAL_PASSWORD,
      },
      secretConfigKeys: ["prismaCloudCompute:password", "registry-scanning-test:team-registry-password"],
    });
    try {
      const program = exportedProgram();
      const preview = await engine.preview(program);
      const settings = preview.steps.find((step) => step.type.endsWith(":RegistrySettings"));
      const rows = Object.values((settings?.news?.consoleChanges ?? {}) as Record<string, string>);
      expect(rows).toHaveLength(ENTRY_COUNT);
      expect(rows.filter((row) => /^adopt: .*, unchanged; put back as it was when released/.test(row))).toHaveLength(ENTRY_COUNT);

      await engine.up(program);
      const after = emulator.compute.entries().map(withoutServerStatus);
      expect(after).toEqual(before);
      expect(emulator.compute.credentials().find((c) => c._id === "team-registry")).toMatchObject({ accountID: "robot", secret: expect.objectContaining({ plain: CREDENTIAL_PASSWORD }) });
    } finally {
      await engine.stop();
    }
  });

  it("writes the entries the bulk-inventory CSV can hold, and names those it cannot", async () => {
    const result = await cli(["export", "compute", "--out", outDir, "--skip-credentials"]);
    expect(result.code).toBe(0);
    const csv = fs.readFileSync(path.join(outDir, "registry-entries.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("name,version,registry,repository,tag,os,cap,scanners,collections,credentialId");
    const held = Number(/registry-entries\.csv: (\d+) entries/.exec(result.stderr)?.[1]);
    expect(csv).toHaveLength(held + 1);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(ENTRY_COUNT);
  });

  it("explains itself with --help, and exits 2 on bad usage and 1 when the console cannot be read", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/pulumi-registry-scanning export compute/);
    expect((await cli(["export", "nowhere"])).code).toBe(2);
    expect((await cli(["export", "cortex", "--out", outDir])).code).toBe(2);
    const wrong = await cli(["export", "compute", "--out", outDir], environment({ PRISMA_CLOUD_COMPUTE_PASSWORD: "not-the-password-1f" }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/export failed: Prisma Cloud Compute POST .*authenticate failed with HTTP 401/);
    expect(wrong.stderr).not.toContain("not-the-password-1f");
  });
});

describe("export cortex", () => {
  it("writes the named connectors as a program that imports each by id; up adopts them and creates none", async () => {
    const body = (name: string) => ({
      vendor: "HARBOR", name, url: `https://${name}.example.com`, username: "robot", password: `pw-of-${name}-71c2`, auth_token: `token-of-${name}-0d8e`,
      scanning_mode: "CLOUD", cloud_provider: "AWS", region: "eu-west-1", insecure_pull: false, initial_scan_configuration: { mode: "LATEST_TAG" },
      // As a tenant holds them: its defaults filled in.
      enabled: true, filter_type: "INCLUDE",
    });
    const ids = [emulator.cortex.put(body("harbor-a")), emulator.cortex.put(body("harbor-b"))];
    const key = emulator.credentials.cortex.advanced;
    const env = environment({ CORTEX_API_URL: emulator.cortexUrl, CORTEX_API_KEY: key.apiKey, CORTEX_API_KEY_ID: key.apiKeyId, CORTEX_API_KEY_TYPE: "advanced" });
    const result = await cli(["export", "cortex", "--out", outDir, "--connector-id", ids[0], "--connector-id", ids[1]], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/index\.ts: 2 connectors/);
    const written = fs.readFileSync(path.join(outDir, "index.ts"), "utf8");
    for (const name of ["harbor-a", "harbor-b"]) expect(leaksSecret(written, `pw-of-${name}-71c2`)).toBe(false);

    const secrets = Object.fromEntries(
      ids.flatMap((id, i) => [
        [`registry-scanning-test:${id}-password`, `pw-of-harbor-${"ab"[i]}-71c2`],
        [`registry-scanning-test:${id}-authToken`, `token-of-harbor-${"ab"[i]}-0d8e`],
      ]),
    );
    const engine = await Engine.start({
      config: { "cortex:apiUrl": emulator.cortexUrl, "cortex:apiKey": key.apiKey, "cortex:apiKeyId": key.apiKeyId, ...secrets },
      secretConfigKeys: ["cortex:apiKey", ...Object.keys(secrets)],
    });
    try {
      const before = emulator.cortex.connectors();
      emulator.clearRequests();
      await engine.up(exportedProgram());
      // The SDK turns the import option into an adoption by id: the connectors are read and written as they are, none is created.
      expect(emulator.requests().filter((r) => r.api === "cortex" && r.method === "POST")).toEqual([]);
      expect(emulator.cortex.connectors()).toEqual(before);
      expect(engine.resources.map((r) => r.id).sort()).toEqual([...ids].sort());
    } finally {
      await engine.stop();
    }
  });

  it("writes nothing and exits 1 when an id is not in the tenant", async () => {
    const key = emulator.credentials.cortex.advanced;
    const env = environment({ CORTEX_API_URL: emulator.cortexUrl, CORTEX_API_KEY: key.apiKey, CORTEX_API_KEY_ID: key.apiKeyId });
    const result = await cli(["export", "cortex", "--out", outDir, "--connector-id", "no-such-connector"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no connector with id no-such-connector/);
  });
});
