/**
 * The quickstart as a new user runs it: a project installed from the packed
 * tarball, the real `pulumi` CLI, the emulator as console and tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutServerStatus } from "../../provider/compute/registryEntry";
import { consoleOnlyEntry, registryCalls } from "../support/computeSession";
import { storedBody } from "../support/cortexSession";
import { emulatorConfig, secretValuesOf, useEmulator, writes, UP_WITH_ONE_WRITE } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const session = useEmulator();
const exampleSecrets = {
  harborPassword: "harbor-password-0c1d",
  harborToken: "harbor-token-7e2a",
  dockerHubPassword: "docker-hub-password-55b0",
  dockerHubToken: "docker-hub-token-91fe",
};
const repositories = () => session.emulator.compute.entries().map((e) => e.repository);

describe("examples/quickstart under the real CLI", () => {
  let project: UserProject;
  let apiSecrets: Record<string, string>;
  beforeAll(async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    project = UserProject.fromExample("quickstart");
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    apiSecrets = secrets;
    await project.initStack("dev", config, { ...secrets, ...exampleSecrets });
  });
  afterAll(() => project?.remove());

  it("previews the three entries and two connectors without writing anything", async () => {
    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+ pulumi-nodejs:dynamic\/registryScanning:RegistrySettings: \(create\)/);
    for (const name of ["ubuntu-18.04", "nginx-stable", "payments-ecr"]) expect(preview.stdout).toContain(`${name}: (json) {`);
    expect(preview.stdout).toMatch(/\+ 4 to create/);
    // Credentials show as [secret]; their values appear nowhere.
    expect(preview.stdout).toMatch(/password\s*: \[secret\]/);
    for (const value of secretValuesOf(exampleSecrets, apiSecrets)) expect(preview.output).not.toContain(value);
    expect(writes(session.emulator.requests())).toEqual([]);
  });

  it("up creates them next to the console's own entry; a one-entry edit previews and applies only that entry", async () => {
    session.emulator.clearRequests();
    const up = await project.ok(["up", "--yes"]);
    expect(up.stdout).toMatch(/\+ 4 created/);
    expect(registryCalls(session.emulator.requests())).toEqual(UP_WITH_ONE_WRITE);
    expect(repositories()[0]).toBe("ops/legacy");
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
    expect(repositories().slice(1).sort()).toEqual(["library/nginx", "library/ubuntu", "payments/*"]);
    expect(storedBody(session.emulator, "harbor-prod")).toMatchObject({
      vendor: "HARBOR",
      password: exampleSecrets.harborPassword,
      auth_token: exampleSecrets.harborToken,
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
    });
    expect(session.emulator.cortex.connectors()).toHaveLength(2);

    // The user raises ubuntu's cap in the program.
    project.edit("program.ts", "cap: variant.ubuntuCap ?? 5", "cap: variant.ubuntuCap ?? 6");
    await project.compile();
    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ pulumi-nodejs:dynamic\/registryScanning:RegistrySettings: \(update\)/);
    expect(preview.stdout).toMatch(/~ ubuntu-18\.04: \(json\) \{/);
    expect(preview.stdout).toMatch(/~ cap\s*: 5 => 6/);
    expect(preview.stdout).not.toContain("nginx-stable");
    expect(preview.stdout).not.toContain("payments-ecr");
    expect(preview.stdout).toMatch(/~ 1 to update/);
    expect(writes(session.emulator.requests())).toEqual([]);

    const before = session.emulator.compute.entries();
    session.emulator.clearRequests();
    const change = await project.ok(["up", "--yes"]);
    expect(change.stdout).toMatch(/~ 1 updated/);
    expect(registryCalls(session.emulator.requests())).toEqual(UP_WITH_ONE_WRITE);
    const after = session.emulator.compute.entries();
    expect(after.find((e) => e.repository === "library/ubuntu")).toMatchObject({ cap: 6 });
    // Everything else is as it was, field by field, console ids included (a write rescans, so scan times move).
    const others = (list: Record<string, unknown>[]) => list.filter((e) => e.repository !== "library/ubuntu").map(withoutServerStatus);
    expect(others(after)).toEqual(others(before));
    expect(after.find((e) => e.repository === "library/ubuntu")?.id).toBe(before.find((e) => e.repository === "library/ubuntu")?.id);
  });

  it("refresh shows an entry edited in the console; the next up puts it back", async () => {
    const edited = session.emulator.compute.entries().map((e) => (e.repository === "library/nginx" ? { ...e, cap: 9 } : e));
    session.emulator.compute.setEntries(edited);
    const refresh = await project.ok(["refresh", "--yes", "--diff"]);
    expect(refresh.stdout).toMatch(/~ nginx-stable: \(json\) \{/);
    expect(refresh.stdout).toMatch(/~ cap\s*: 3 => 9/);

    const up = await project.ok(["up", "--yes"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    expect(session.emulator.compute.entries().find((e) => e.repository === "library/nginx")).toMatchObject({ cap: 3 });
  });

  it("keeps every credential encrypted in the state", async () => {
    const exported = await project.ok(["stack", "export"]);
    for (const value of secretValuesOf(exampleSecrets, apiSecrets)) expect(exported.stdout).not.toContain(value);
    expect(exported.stdout).toContain('"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"');
  });

  it("destroy removes the stack's entries and connectors and leaves the console's own entry", async () => {
    session.emulator.clearRequests();
    const destroy = await project.ok(["destroy", "--yes"]);
    expect(destroy.stdout).toMatch(/- 4 deleted/);
    expect(repositories()).toEqual(["ops/legacy"]);
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });
});
