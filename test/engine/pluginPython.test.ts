/**
 * The provider plugin from a Python program (examples/python-plugin) under the real CLI: the SDK
 * generated from the installed package's schema.json by Pulumi's own Python
 * generator, the `pulumi` package from PyPI, the program served by the
 * Python SDK's language server. Preview, up, a one-entry change, refresh and
 * destroy next to an entry no program declares, and secrets kept secret.
 */
import { afterEach, describe, expect, it } from "vitest";
import { consoleOnlyEntry } from "../support/computeSession";
import { leaksSecret } from "../support/secretTraces";
import { pluginConfig, useEmulator, writes } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const CONNECTOR_TOKEN = "python-robot-token-a41e";

const session = useEmulator();
let project: UserProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

describe("the provider plugin from Python, under the real CLI", () => {
  it("previews, creates, changes one entry, refreshes and destroys, leaving the console's own entry as it was", async () => {
    session.emulator.reset();
    const legacy = consoleOnlyEntry("ops/legacy");
    session.emulator.compute.setEntries([legacy]);
    project = UserProject.fromPluginExample("python-plugin", "python");
    const { config, secrets } = pluginConfig(session.emulator);
    await project.initStack("dev", config, { ...secrets, artifactoryToken: CONNECTOR_TOKEN });

    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+ registryscanning:compute:RegistrySettings: \(create\)/);
    expect(preview.stdout).toMatch(/\+ registryscanning:cortex:CortexRegistryConnector: \(create\)/);
    expect(preview.stdout).toMatch(/credentialId: "example-registry"/);
    expect(writes(session.emulator.requests())).toEqual([]);

    await project.ok(["up", "--yes"]);
    const [kept, app, worker] = session.emulator.compute.entries();
    expect(kept).toEqual(expect.objectContaining(legacy));
    expect(app).toMatchObject({ repository: "team/app", cap: 5, credentialID: "example-registry" });
    expect(worker).toMatchObject({ repository: "team/worker" });
    const [connector] = session.emulator.cortex.connectors();
    expect(connector.body).toMatchObject({ name: "team-artifactory", vendor: "JFROG", auth_token: CONNECTOR_TOKEN, password: "" });
    const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs).toEqual({ managed: 2, unmanaged: 1, connectorId: connector.connectorId });

    const exported = (await project.ok(["stack", "export"])).stdout;
    for (const secret of [CONNECTOR_TOKEN, session.emulator.credentials.compute.password, session.emulator.credentials.cortex.advanced.apiKey]) {
      expect(leaksSecret(exported, secret)).toBe(false);
    }

    project.edit("__main__.py", "cap=5,", 'cap=8 if name == "app" else 5,');
    const change = await project.ok(["preview", "--diff"]);
    expect(change.stdout).toMatch(/~ app: \{\s+~ cap: 5 => 8\s+\}/);
    expect(change.stdout).not.toMatch(/worker: \{/);
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(writes(session.emulator.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(["PUT /api/v1/settings/registry"]);
    expect(session.emulator.compute.entries()[0]).toEqual(expect.objectContaining(legacy));
    expect(session.emulator.compute.entries()[1]).toMatchObject({ repository: "team/app", cap: 8 });

    // Someone edits the entry in the console: the refresh brings the drift into the state, and the next up puts it back.
    session.emulator.compute.setEntries(session.emulator.compute.entries().map((entry) => (entry.repository === "team/app" ? { ...entry, cap: 30 } : entry)));
    const refresh = await project.ok(["refresh", "--yes", "--diff"]);
    expect(refresh.stdout).toMatch(/cap: 8 => 30/);
    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries()[1]).toMatchObject({ repository: "team/app", cap: 8 });
    await project.ok(["preview", "--expect-no-changes"]);

    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(legacy)]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });

  it("stops bad input at the preview with the provider's message naming the field, before any request", async () => {
    session.emulator.reset();
    project = UserProject.fromPluginExample("python-plugin", "python");
    project.edit("__main__.py", 'mode="ALL"', 'mode="TAGS_MODIFIED_DAYS", num_days=91');
    const { config, secrets } = pluginConfig(session.emulator);
    await project.initStack("dev", config, { ...secrets, artifactoryToken: CONNECTOR_TOKEN });
    session.emulator.clearRequests();
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/initialScanConfiguration\.numDays/);
    expect(preview.output).toMatch(/from 1 to 90/);
    expect(preview.output).not.toMatch(/at .*\.js:\d+/);
    expect(writes(session.emulator.requests())).toEqual([]);
  });
});
