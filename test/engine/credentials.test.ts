/**
 * ComputeCredential under the real CLI, from a user project: a credential
 * and the entry that uses it, a secret rotated in one update and never in
 * clear in the state, and a destroy that refuses while the console still
 * uses the credential.
 */
import { afterEach, describe, expect, it } from "vitest";
import { leaksSecret } from "../support/secretTraces";
import { emulatorConfig, useEmulator } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const program = (password: string) => `
import { ComputeCredential, RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

// A plain string on purpose: the SDK must keep it secret anyway.
const robot = new ComputeCredential("robot", { credentialId: "team-registry", kind: "basic", username: "robot", password: ${JSON.stringify(password)} });
new RegistrySettings("compute", {
  specifications: [
    new RegistrySpecification("app", { version: "2", registry: "registry.example.com", repository: "team/app", os: "linux", credentialId: robot.id }),
  ],
});
`;

const session = useEmulator();
let project: UserProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const FIRST = "robot-password-first-8a1d";
const SECOND = "robot-password-second-4c9e";

describe("ComputeCredential under the real CLI", () => {
  it("creates the credential before the entry, rotates its secret in one update, keeps it out of the state, and destroy refuses while it is used", async () => {
    session.emulator.reset();
    // An empty store: the credential is this program's own.
    session.emulator.compute.setCredentials([]);
    project = UserProject.create("credential", { "index.ts": program(FIRST) });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", config, secrets);

    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    const writesInOrder = session.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/authenticate")).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")}`);
    expect(writesInOrder).toEqual(["POST /credentials", "PUT /settings/registry"]);
    expect(session.emulator.compute.credentials()).toEqual([expect.objectContaining({ _id: "team-registry", type: "basic", accountID: "robot", secret: expect.objectContaining({ plain: FIRST }) })]);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining({ repository: "team/app", credentialID: "team-registry" })]);

    project.write("index.ts", program(SECOND));
    await project.compile();
    session.emulator.clearRequests();
    const rotated = await project.ok(["up", "--yes"]);
    expect(rotated.output).toMatch(/~ +pulumi-nodejs:dynamic\/registryScanning:ComputeCredential +robot +updated/);
    expect(rotated.output).toMatch(/1 updated/);
    expect(session.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/authenticate")).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")}`)).toEqual(["POST /credentials"]);
    expect(session.emulator.compute.credentials()[0]).toMatchObject({ secret: expect.objectContaining({ plain: SECOND }) });

    const exported = await project.ok(["stack", "export"]);
    for (const password of [FIRST, SECOND]) {
      expect(leaksSecret(exported.stdout, password)).toBe(false);
      expect(leaksSecret(rotated.output, password)).toBe(false);
    }

    const outside = { version: "2", registry: "registry.example.com", repository: "ops/other", os: "linux", credentialID: "team-registry" };
    session.emulator.compute.setEntries([...session.emulator.compute.entries(), outside]);
    const refused = await project.pulumi(["destroy", "--yes"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/Credential "team-registry" in the console .* is still used by 1 thing, so it was not deleted:/);
    expect(refused.output).toMatch(/- registry: registry\.example\.com\/ops\/other/);
    expect(refused.output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(session.emulator.compute.credentials()).toHaveLength(1);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(outside)]);

    session.emulator.compute.setEntries([]);
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.credentials()).toEqual([]);
  });
});
