/**
 * The provider plugin from a YAML program (examples/yaml-plugin and others) under the real CLI, with the YAML
 * language host built from the Go module proxy and the plugin as the user's
 * install of the package provides it (pulumi-resource-registryscanning):
 * preview, up, a one-entry change, refresh and destroy next to an entry no
 * program declares; `pulumi import` of a connector and of a console's list;
 * and the policy pack judging the plugin's resources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { consoleOnlyEntry } from "../support/computeSession";
import { leaksSecret } from "../support/secretTraces";
import { pluginConfig, useEmulator, writes } from "./support/engineSession";
import { EXAMPLES_DIR, UserProject } from "../../harness/userProject";

const CONNECTOR_PASSWORD = "yaml-robot-password-3f9c";

const program = (cap: number) => `
resources:
  registry:
    type: registryscanning:compute:RegistrySettings
    properties:
      specifications:
        app:
          version: "2"
          registry: registry.example.com
          repository: team/app
          os: linux
          cap: ${cap}
          credentialId: example-registry
        worker:
          version: "2"
          registry: registry.example.com
          repository: team/worker
          os: linux
  connector:
    type: registryscanning:cortex:CortexRegistryConnector
    properties:
      vendor: DOCKER
      name: team-docker
      url: https://registry.example.com
      username: robot
      password: ${CONNECTOR_PASSWORD}
      scanningMode: CLOUD
      region: us-east-1
      insecurePull: false
      initialScanConfiguration:
        mode: TAGS_MODIFIED_DAYS
        numDays: 14
`;

const session = useEmulator();
const projects: UserProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.remove();
});

async function yamlProject(name: string, resources: string): Promise<UserProject> {
  const project = UserProject.forPlugin(name, "yaml", {});
  projects.push(project);
  project.write("Pulumi.yaml", `name: ${name}\nruntime: yaml\n${resources}`);
  const { config, secrets } = pluginConfig(session.emulator);
  await project.initStack("dev", config, secrets);
  return project;
}

describe("the provider plugin from YAML, under the real CLI", () => {
  it("previews, creates, changes one entry, refreshes and destroys, leaving the console's own entry as it was", async () => {
    session.emulator.reset();
    const legacy = consoleOnlyEntry("ops/legacy");
    session.emulator.compute.setEntries([legacy]);
    const project = UserProject.fromPluginExample("yaml-plugin", "yaml");
    projects.push(project);
    const { config, secrets } = pluginConfig(session.emulator);
    await project.initStack("dev", config, { ...secrets, connectorPassword: CONNECTOR_PASSWORD });

    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+ registryscanning:compute:RegistrySettings: \(create\)/);
    expect(preview.stdout).toMatch(/\+ registryscanning:cortex:CortexRegistryConnector: \(create\)/);
    expect(preview.stdout).toMatch(/repository: "team\/worker"/);
    expect(preview.stdout).not.toContain(CONNECTOR_PASSWORD);
    expect(writes(session.emulator.requests())).toEqual([]);

    const up = await project.ok(["up", "--yes"]);
    // Status lines while the step runs, in order, from the plugin to the CLI's progress display.
    expect(up.stdout).toMatch(/reading the registry list of [\s\S]*writing 3 entries in one PUT \(2 this stack's; 1 read\)[\s\S]*done: 2 entries this stack's, 1 other left as they were/);
    const [kept, app, worker] = session.emulator.compute.entries();
    expect(kept).toEqual(expect.objectContaining(legacy));
    expect(app).toMatchObject({ repository: "team/app", cap: 5, credentialID: "example-registry", os: "linux" });
    expect(worker).toMatchObject({ repository: "team/worker", os: "linux" });
    const [connector] = session.emulator.cortex.connectors();
    expect(connector.body).toMatchObject({ name: "team-docker", password: CONNECTOR_PASSWORD, initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 14 } });

    const exported = (await project.ok(["stack", "export"])).stdout;
    for (const secret of [CONNECTOR_PASSWORD, session.emulator.credentials.compute.password, session.emulator.credentials.cortex.advanced.apiKey]) {
      expect(leaksSecret(exported, secret)).toBe(false);
    }

    // One field of one entry: the preview shows that field alone, and the apply writes once.
    project.edit("Pulumi.yaml", "cap: 5", "cap: 7");
    const change = await project.ok(["preview", "--diff"]);
    expect(change.stdout).toMatch(/~ app: \{\s+~ cap: 5 => 7\s+\}/);
    expect(change.stdout).not.toMatch(/worker: \{/);
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(writes(session.emulator.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(["PUT /api/v1/settings/registry"]);
    expect(session.emulator.compute.entries()[0]).toEqual(expect.objectContaining(legacy));
    expect(session.emulator.compute.entries()[1]).toMatchObject({ repository: "team/app", cap: 7 });

    const refresh = await project.ok(["refresh", "--yes"]);
    expect(refresh.stdout).toMatch(/3 unchanged/);
    await project.ok(["preview", "--expect-no-changes"]);

    session.emulator.clearRequests();
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(legacy)]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });

  it("reports each connector waiting its turn under the tenant's rate limit while a batch is created", async () => {
    session.emulator.reset();
    const connectors = Array.from({ length: 12 }, (_, i) =>
      program(5)
        .slice(program(5).indexOf("  connector:"))
        .replace("  connector:", `  connector${i}:`)
        .replace("name: team-docker", `name: team-docker-${i}`),
    ).join("");
    const project = await yamlProject("yaml-batch", `resources:\n${connectors}`);
    const up = await project.ok(["up", "--yes"]);
    expect(session.emulator.cortex.connectors()).toHaveLength(12);
    // Their passwords are plain strings in this program: the plugin keeps them secret anyway.
    const exported = (await project.ok(["stack", "export"])).stdout;
    expect(leaksSecret(exported, CONNECTOR_PASSWORD)).toBe(false);
    expect(up.stdout).not.toContain(CONNECTOR_PASSWORD);
    expect(up.stdout).toMatch(/creating \(\d+s\)\s+waiting for a turn under the tenant's rate limit \(one request every 110 ms\): \d+ requests? ahead/);
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });

  it("takes a console from an explicit provider's inputs, its password given plain and kept secret", async () => {
    session.emulator.reset();
    const { computeUrl, credentials } = session.emulator;
    const project = UserProject.forPlugin("yaml-explicit-provider", "yaml", {});
    projects.push(project);
    project.write(
      "Pulumi.yaml",
      `name: yaml-explicit-provider\nruntime: yaml\nresources:\n  console:\n    type: pulumi:providers:registryscanning\n    properties:\n` +
        `      computeUrl: ${computeUrl}\n      computeUsername: ${credentials.compute.username}\n      computePassword: ${credentials.compute.password}\n` +
        `  registry:\n    type: registryscanning:compute:RegistrySettings\n    properties:\n      specifications:\n        app:\n          version: "2"\n` +
        `          registry: registry.example.com\n          repository: team/app\n    options:\n      provider: \${console}\n`,
    );
    // No registryscanning:* stack config at all: the provider's inputs are the only source.
    await project.ok(["stack", "init", "dev"]);
    await project.ok(["up", "--yes"], { env: { PRISMA_CLOUD_COMPUTE_URL: "", PRISMA_CLOUD_COMPUTE_PASSWORD: "" } });
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining({ repository: "team/app" })]);
    expect(leaksSecret((await project.ok(["stack", "export"])).stdout, credentials.compute.password)).toBe(false);
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries()).toEqual([]);
  });

  it("imports a connector by id: the generated YAML declares it as the tenant holds it, and the program then converges", async () => {
    session.emulator.reset();
    const id = session.emulator.cortex.put({
      name: "legacy-harbor",
      vendor: "HARBOR",
      url: "https://harbor.example.com",
      username: "robot$ci",
      password: "harbor-password-77ab",
      auth_token: "",
      scanning_mode: "CLOUD",
      region: "eu-west-1",
      insecure_pull: false,
      initial_scan_configuration: { mode: "LATEST_TAG" },
    });
    const project = await yamlProject("yaml-import", "");

    session.emulator.clearRequests();
    const imported = await project.ok(["import", "registryscanning:cortex:CortexRegistryConnector", "harbor", id, "--yes", "--out", "imported.yaml"]);
    expect(imported.stdout).toMatch(/= 1 imported/);
    expect(writes(session.emulator.requests())).toEqual([]);
    const generated = project.read("imported.yaml");
    expect(generated).toMatch(/type: registryscanning:cortex:CortexRegistryConnector/);
    for (const line of ["vendor: HARBOR", "name: legacy-harbor", "url: https://harbor.example.com", "region: eu-west-1", "scanningMode: CLOUD"]) expect(generated).toContain(line);
    // The API never returns a password: the generated program cannot hold it, and the warning says to edit the code.
    expect(imported.output).toMatch(/password/);
    expect(generated).not.toContain("harbor-password-77ab");

    // The user pastes the code and gives the password from config, as the import's message asks.
    await project.ok(["config", "set", "--secret", "harborPassword"], { input: "harbor-password-77ab" });
    const resources = generated.slice(generated.indexOf("resources:")).replace(/(\n\s+)(properties:)/, "$1$2$1  password: ${harborPassword}");
    project.write("Pulumi.yaml", `name: yaml-import\nruntime: yaml\nconfig:\n  harborPassword:\n    type: string\n    secret: true\n${resources}`);
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(session.emulator.cortex.connectors().map((c) => c.connectorId)).toEqual([id]);
    expect(session.emulator.cortex.get(id)?.body).toMatchObject({ name: "legacy-harbor", password: "harbor-password-77ab" });
    await project.ok(["preview", "--expect-no-changes"]);
  });

  it("imports a console's registry list: the generated YAML previews with no change, and nothing was written", async () => {
    session.emulator.reset();
    const entries = [consoleOnlyEntry("ops/legacy"), { version: "gitlab", registry: "gitlab.example.com", namespace: "team", repository: "api", os: "linux", gitlabRegistrySpec: { userID: "7", groupIDs: ["12"] } }];
    session.emulator.compute.setEntries(entries);
    const project = await yamlProject("yaml-import-list", "");

    session.emulator.clearRequests();
    const imported = await project.ok(["import", "registryscanning:compute:RegistrySettings", "console", session.emulator.computeUrl, "--yes", "--out", "imported.yaml"]);
    expect(imported.stdout).toMatch(/= 1 imported/);
    const generated = project.read("imported.yaml");
    expect(generated).toContain("repository: ops/legacy");
    expect(generated).toMatch(/gitlabRegistrySpec:\s+groupIds:\s+- .12.\s+userId: .7./);
    project.write("Pulumi.yaml", `name: yaml-import-list\nruntime: yaml\n${generated.slice(generated.indexOf("resources:"))}`);
    await project.ok(["preview", "--expect-no-changes"]);
    expect(writes(session.emulator.requests())).toEqual([]);
    expect(session.emulator.compute.entries()).toEqual(entries.map((entry) => expect.objectContaining(entry)));
  });

  it("is judged by the policy pack as the TypeScript resources are", async () => {
    session.emulator.reset();
    const files: Record<string, string> = {};
    for (const file of ["index.ts", "package.json", "PulumiPolicy.yaml"]) files[file] = fs.readFileSync(path.join(EXAMPLES_DIR, "policy-pack", file), "utf8");
    const pack = UserProject.create("registry-scanning-policy-pack", files);
    projects.push(pack);
    fs.rmSync(path.join(pack.dir, "Pulumi.yaml"));
    const project = await yamlProject("yaml-policy", program(5).replace("insecurePull: false", "insecurePull: true").replace("numDays: 14", "numDays: 14\n  plain:\n    type: registryscanning:cortex:CortexRegistryConnector\n    properties:\n      vendor: DOCKER\n      name: plain-http\n      url: http://registry.internal\n      username: robot\n      password: " + CONNECTOR_PASSWORD + "\n      scanningMode: CLOUD\n      region: us-east-1\n      insecurePull: false\n      initialScanConfiguration:\n        mode: LATEST_TAG"));
    project.write("policy-config.json", fs.readFileSync(path.join(EXAMPLES_DIR, "policy-gating", "policy-config.json"), "utf8"));

    session.emulator.clearRequests();
    const preview = await project.pulumi(["preview", "--policy-pack", pack.dir, "--policy-pack-config", path.join(project.dir, "policy-config.json")]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/cortex-no-insecure-pull/);
    expect(preview.output).toMatch(/CortexRegistryConnector "connector"/);
    expect(preview.output).toMatch(/https-urls/);
    expect(preview.output).toMatch(/CortexRegistryConnector "plain"/);
    expect(writes(session.emulator.requests())).toEqual([]);
  });
});
