/**
 * The policy pack as a user runs it from their own repo: the three-file pack
 * project of examples/policy-pack (installed with the package from the
 * tarball), passed to the real CLI's `pulumi preview --policy-pack`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleOnlyEntry } from "../support/computeSession";
import { emulatorConfig, useEmulator, writes } from "./support/engineSession";
import { EXAMPLES_DIR, UserProject } from "../../harness/userProject";

const session = useEmulator();
const nexusSecrets = { nexusPassword: "nexus-password-61", nexusToken: "nexus-token-0b" };

/** A pack project beside the stack's project, as a user keeps it in their repo. */
function packProject(): UserProject {
  const files: Record<string, string> = {};
  for (const file of ["index.ts", "package.json", "PulumiPolicy.yaml"]) files[file] = fs.readFileSync(path.join(EXAMPLES_DIR, "policy-pack", file), "utf8");
  const pack = UserProject.create("registry-scanning-policy-pack", files);
  fs.rmSync(path.join(pack.dir, "Pulumi.yaml"));
  return pack;
}

describe("the policy pack under the real CLI", () => {
  let pack: UserProject;
  let stack: UserProject;
  let policyArgs: string[];
  beforeAll(async () => {
    session.emulator.reset();
    pack = packProject();
    stack = UserProject.fromExample("policy-gating");
    await stack.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await stack.initStack("ci", config, { ...secrets, ...nexusSecrets });
    policyArgs = ["--policy-pack", pack.dir, "--policy-pack-config", path.join(stack.dir, "policy-config.json")];
  });
  afterAll(() => {
    pack?.remove();
    stack?.remove();
  });

  it("passes a valid stack", async () => {
    const preview = await stack.pulumi(["preview", ...policyArgs]);
    expect(preview.output).not.toMatch(/mandatory/);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/\+ 3 to create/);
  });

  it("stops 19,500 entries on one console against the team's maxEntries 19000, with the policy's message", async () => {
    await stack.ok(["config", "set", "entryCount", "19500"]);
    session.emulator.clearRequests();
    const preview = await stack.pulumi(["preview", ...policyArgs]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/registry-settings-max-entries/);
    expect(preview.output).toMatch(/RegistrySettings "compute" declares 19500 registry entries in specifications/);
    expect(preview.output).toMatch(/more than maxEntries 19000/);
    expect(writes(session.emulator.requests())).toEqual([]);
  });

  it("stops 20,000 entries at the provider's check, with a short message; the stack policies do not run after a failed check", async () => {
    await stack.ok(["config", "set", "entryCount", "20000"]);
    const preview = await stack.pulumi(["preview", ...policyArgs]);
    expect(preview.code).not.toBe(0);
    // The check's failure names the rule and the counts, and prints no list.
    expect(preview.output).toMatch(/resource 'compute' has a problem: specifications: .*19999/);
    expect(preview.output).not.toContain("service-1234");
    expect(preview.output.length).toBeLessThan(20_000);
    // The engine runs resource policies beside a failed check, but not the stack policies.
    expect(preview.output).not.toMatch(/registry-settings-max-entries/);
    await stack.ok(["config", "rm", "entryCount"]);
  });

  it("stops a connector that pulls without TLS verification, made mandatory by the team's config", async () => {
    await stack.ok(["config", "set", "insecurePull", "true"]);
    const preview = await stack.pulumi(["preview", ...policyArgs]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/cortex-no-insecure-pull/);
    expect(preview.output).toMatch(/CortexRegistryConnector "nexus"/);
    await stack.ok(["config", "rm", "insecurePull"]);
  });

  it("gates the example's whole life: up, a one-entry change, refresh and destroy pass the pack", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    await stack.ok(["up", "--yes", ...policyArgs]);
    expect(session.emulator.compute.entries()).toHaveLength(501);
    expect(session.emulator.cortex.connectors().map((c) => c.body.name)).toEqual(["nexus"]);

    await stack.ok(["config", "set", "entryCount", "501"]);
    const diff = await stack.ok(["preview", "--diff", ...policyArgs]);
    expect(diff.stdout).toMatch(/\+ service-500: \(json\) \{/);
    expect(diff.stdout.match(/: \(json\) \{/g)).toHaveLength(1);
    await stack.ok(["up", "--yes", ...policyArgs]);
    expect(session.emulator.compute.entries().at(-1)).toMatchObject({ repository: "services/service-500", version: "sonatype" });

    await stack.ok(["refresh", "--yes"]);
    await stack.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(consoleOnlyEntry("ops/legacy"))]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    await stack.ok(["config", "rm", "entryCount"]);
  });

  it("stops numDays 91: the provider's check and the policy both name the field and the range", async () => {
    stack.edit("program.ts", 'initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 14 }', 'initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 91 }');
    await stack.compile();
    const preview = await stack.pulumi(["preview", ...policyArgs]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/initialScanConfiguration\.numDays/);
    expect(preview.output).toMatch(/cortex-initial-scan-num-days/);
    expect(preview.output).toMatch(/from 1 to 90/);
  });
});
