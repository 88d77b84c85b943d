/**
 * The bulk-inventory and cortex-connectors examples as a user runs them under
 * the real CLI: preview, up, a one-line edit, refresh, destroy.
 */
import { afterEach, describe, expect, it } from "vitest";
import { withoutServerStatus } from "../../provider/compute/registryEntry";
import { consoleOnlyEntry, registryCalls } from "../support/computeSession";
import { connectorCalls, storedBody } from "../support/cortexSession";
import { emulatorConfig, secretValuesOf, useEmulator, writes, UP_WITH_ONE_WRITE } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const session = useEmulator();
let project: UserProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

describe("examples/bulk-inventory under the real CLI", () => {
  it("writes the 2,500 inventory rows next to the console's entry; a one-line CSV edit previews and applies as that entry", async () => {
    session.emulator.reset();
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    project = UserProject.fromExample("bulk-inventory");
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", config, secrets);

    const preview = await project.ok(["preview"]);
    expect(preview.stdout).toMatch(/\+ 2 to create/);
    expect(writes(session.emulator.requests())).toEqual([]);

    await project.ok(["up", "--yes"]);
    const entries = session.emulator.compute.entries();
    expect(entries).toHaveLength(2_501);
    expect(entries[0]).toMatchObject({ repository: "ops/legacy", futureField: { keep: "ops/legacy" } });
    expect(entries.find((e) => e.repository === "payments/payments-svc-001")).toMatchObject({ version: "2", cap: 5, credentialID: "internal-registry" });

    // One row of the CSV changes: payments-svc-001's cap 5 -> 8.
    project.edit("inventory.csv", "payments-svc-001,2,registry.acme.internal,payments/payments-svc-001,,linux,5,", "payments-svc-001,2,registry.acme.internal,payments/payments-svc-001,,linux,8,");
    session.emulator.clearRequests();
    const diff = await project.ok(["preview", "--diff"]);
    expect(diff.stdout).toMatch(/~ payments-svc-001: \(json\) \{/);
    expect(diff.stdout).toMatch(/~ cap\s*: 5 => 8/);
    expect(diff.stdout.match(/: \(json\) \{/g)).toHaveLength(1);
    expect(writes(session.emulator.requests())).toEqual([]);

    const before = session.emulator.compute.entries();
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(registryCalls(session.emulator.requests())).toEqual(UP_WITH_ONE_WRITE);
    const after = session.emulator.compute.entries();
    const changed = after.filter((entry, i) => JSON.stringify(withoutServerStatus(entry)) !== JSON.stringify(withoutServerStatus(before[i])));
    expect(changed).toEqual([expect.objectContaining({ repository: "payments/payments-svc-001", cap: 8 })]);

    const refresh = await project.ok(["refresh", "--yes"]);
    expect(refresh.code).toBe(0);
    session.emulator.clearRequests();
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries().map(withoutServerStatus)).toEqual([consoleOnlyEntry("ops/legacy")].map((e) => expect.objectContaining(e)));
  });
});

describe("examples/cortex-connectors under the real CLI", () => {
  const registrySecrets = Object.fromEntries(
    ["dockerHub", "artifactory", "gitlab", "openshift"].flatMap((vendor) => [
      [`${vendor}Password`, `${vendor}-password-e5`],
      [`${vendor}Token`, `${vendor}-token-3a`],
    ]),
  );

  it("creates four connectors, updates one in place on a one-line edit, refreshes, and deletes them", async () => {
    session.emulator.reset();
    project = UserProject.fromExample("cortex-connectors");
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", config, { ...secrets, ...registrySecrets });

    await project.ok(["up", "--yes"]);
    expect(session.emulator.cortex.connectors().map((c) => c.body.name).sort()).toEqual([
      "artifactory-onprem",
      "docker-hub",
      "gitlab-selfmanaged",
      "openshift-prod",
    ]);
    expect(storedBody(session.emulator, "artifactory-onprem")).toMatchObject({
      vendor: "JFROG",
      password: registrySecrets.artifactoryPassword,
      auth_token: registrySecrets.artifactoryToken,
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 },
    });
    const ids = session.emulator.cortex.connectors().map((c) => c.connectorId).sort();

    project.edit("program.ts", 'initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 }', 'initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 45 }');
    await project.compile();
    const diff = await project.ok(["preview", "--diff"]);
    expect(diff.stdout).toMatch(/~ numDays\s*: 30 => 45/);
    expect(diff.stdout).toMatch(/~ 1 to update/);
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(connectorCalls(session.emulator.requests())).toEqual(["PUT 200"]);
    expect(storedBody(session.emulator, "artifactory-onprem")).toMatchObject({ initial_scan_configuration: { numDays: 45 } });
    expect(session.emulator.cortex.connectors().map((c) => c.connectorId).sort()).toEqual(ids);

    const refresh = await project.ok(["refresh", "--yes"]);
    expect(refresh.stdout).not.toMatch(/~ \d+ updated/);
    const exported = await project.ok(["stack", "export"]);
    for (const value of secretValuesOf(registrySecrets, secrets)) expect(exported.stdout).not.toContain(value);

    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });
});
