/**
 * What a user sees under the real CLI when something is wrong, and what the
 * state holds when a program passes credentials as plain strings.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { consoleOnlyEntry } from "../support/computeSession";
import { storedBody } from "../support/cortexSession";
import { leaksSecret } from "../support/secretTraces";
import { emulatorConfig, useEmulator, writes } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const session = useEmulator();
let project: UserProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const ONE_ENTRY_PROGRAM = `
import { RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

new RegistrySettings("compute", {
  specifications: [
    new RegistrySpecification("ubuntu", { version: "2", registry: "", repository: "library/ubuntu", tag: "22.04", os: "linux", cap: 5 }),
  ],
});
`;

/** A JavaScript stack trace line, which a user should never be shown. */
const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe("errors under the real CLI", () => {
  it("an API 400 reaches the user as the status, the console's own words and what to do, with no stack, and nothing changes", async () => {
    session.emulator.reset();
    // An entry the console holds but its own PUT refuses (written by an older release, say).
    const odd = { ...consoleOnlyEntry("ops/odd"), os: "solaris" };
    session.emulator.compute.setEntries([odd]);
    project = UserProject.create("registry-400", { "index.ts": ONE_ENTRY_PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", config, secrets);

    const up = await project.pulumi(["up", "--yes"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/400/);
    expect(up.output).toMatch(/os/);
    expect(up.output).not.toMatch(STACK_LINE);
    expect(up.output).not.toContain(secrets["prismaCloudCompute:password"]);
    expect(session.emulator.compute.entries()).toEqual([odd]);
  });

  it("a console nobody answers at fails the preview with the network error, the URL and what to check, with no stack", async () => {
    session.emulator.reset();
    project = UserProject.create("registry-unreachable", { "index.ts": ONE_ENTRY_PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    const closed = await startEmulator();
    const unreachable = closed.computeUrl;
    await closed.close();
    await project.initStack("dev", { ...config, "prismaCloudCompute:url": unreachable }, secrets);
    const preview = await project.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/ECONNREFUSED/);
    expect(preview.output).toContain(unreachable.replace(/^http:\/\//, ""));
    expect(preview.output).not.toMatch(STACK_LINE);
    expect(preview.output).not.toMatch(/\.js:\d+:\d+/);
    expect(leaksSecret(preview.output, secrets["prismaCloudCompute:password"])).toBe(false);
  });

  it("a missing console password stops the preview already, naming the settings to set, before any request", async () => {
    session.emulator.reset();
    project = UserProject.create("registry-no-password", { "index.ts": ONE_ENTRY_PROGRAM });
    await project.compile();
    const { config } = emulatorConfig(session.emulator);
    await project.initStack("dev", config);
    session.emulator.clearRequests();

    const preview = await project.pulumi(["preview"], { env: { PRISMA_CLOUD_COMPUTE_PASSWORD: "" } });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/resource 'compute' has a problem: No Prisma Cloud Compute password configured: set .*prismaCloudCompute:password/);
    expect(preview.output).toMatch(/PRISMA_CLOUD_COMPUTE_PASSWORD/);
    expect(preview.output).not.toMatch(STACK_LINE);
    expect(session.emulator.requests().filter((r) => r.api === "compute")).toEqual([]);
  });
});

const HARBOR_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { CortexRegistryConnector } from "pulumi-registry-scanning";

const region = new pulumi.Config().get("region") ?? "us-east-1";
new CortexRegistryConnector("harbor", {
  vendor: "HARBOR",
  name: "harbor-prod",
  url: "https://harbor.example.com",
  username: "robot",
  password: "connector-pw-3e9a",
  authToken: "connector-token-77c1",
  scanningMode: "CLOUD",
  cloudProvider: "AWS",
  region,
  insecurePull: false,
  initialScanConfiguration: { mode: "LATEST_TAG" },
});
`;

describe("messages, not stacks, under the real CLI", () => {
  it("a tenant failing every refresh, update and delete shows the status, its words and what to do, never a JavaScript stack", async () => {
    session.emulator.reset();
    project = UserProject.create("cortex-failing", { "index.ts": HARBOR_PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", { ...config, "cortex:requestTimeoutSeconds": "5" }, secrets);
    await project.ok(["up", "--yes"]);
    const [connector] = session.emulator.cortex.connectors();

    const outputs: string[] = [];
    for (const [method, args] of [
      ["GET", ["refresh", "--yes"]],
      ["PUT", ["up", "--yes", "--config", "region=eu-west-1"]],
      ["DELETE", ["destroy", "--yes"]],
    ] as const) {
      session.emulator.faults.failNext(100, 500, { api: "cortex", method });
      const result = await project.pulumi([...args]);
      session.emulator.faults.clear();
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(new RegExp(`Cortex ${method} /public_api/v1/cwp/registry_onboarding/instances/${connector.connectorId} failed with HTTP 500: INTERNAL_ERROR: injected fault: HTTP 500 \\(after \\d+ attempts\\)\\. The tenant failed; run the command again`));
      outputs.push(result.output);
    }
    for (const output of outputs) {
      expect(output).not.toMatch(STACK_LINE);
      expect(output).not.toMatch(/\.js:\d+:\d+/);
      for (const value of [...Object.values(secrets), "connector-pw-3e9a", "connector-token-77c1"]) expect(leaksSecret(output, value)).toBe(false);
    }
    expect(session.emulator.cortex.connectors()).toEqual([connector]);
    await project.ok(["destroy", "--yes"]);
  });

  it("a create whose answer is lost is not repeated by a plain rerun, which says how to finish; state delete and import adopt it", async () => {
    session.emulator.reset();
    project = UserProject.create("cortex-lost-create", { "index.ts": HARBOR_PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", config, secrets);
    session.emulator.faults.failNext(1, 500, { api: "cortex", method: "POST", afterApply: true });
    const first = await project.pulumi(["up", "--yes"]);
    expect(first.code).not.toBe(0);
    expect(first.output).toMatch(/registry connector "harbor-prod" may or may not have been created/);
    expect(first.output).toMatch(/This stack now records the connector as unconfirmed/);

    // This CLI's refresh diffs too, so it stops as well, keeping the record.
    for (const args of [["preview"], ["up", "--yes"], ["refresh", "--yes"], ["destroy", "--yes"]]) {
      const again = await project.pulumi(args);
      expect(again.code).not.toBe(0);
      expect(again.output).toMatch(/Registry connector "harbor-prod" is recorded in this stack as unconfirmed/);
      expect(again.output).toMatch(/pulumi state delete <URN>/);
      expect(again.output).not.toMatch(STACK_LINE);
    }
    expect(session.emulator.requests().filter((r) => r.api === "cortex" && r.method === "POST")).toHaveLength(1);
    const [connector] = session.emulator.cortex.connectors();
    expect(session.emulator.cortex.connectors()).toHaveLength(1);

    // The user finds it in the console and adopts it.
    const stack = JSON.parse((await project.ok(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; type: string }[] } };
    const urn = stack.deployment.resources.find((r) => r.type.endsWith(":CortexRegistryConnector"))!.urn;
    await project.ok(["state", "delete", urn, "--yes"]);
    project.write("index.ts", HARBOR_PROGRAM.replace('initialScanConfiguration: { mode: "LATEST_TAG" },\n});', `initialScanConfiguration: { mode: "LATEST_TAG" },\n}, { import: ${JSON.stringify(connector.connectorId)} });`));
    await project.compile();
    await project.ok(["up", "--yes"]);
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
    expect(session.emulator.cortex.connectors()[0].connectorId).toBe(connector.connectorId);
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });
});

describe("secrets in the state under the real CLI", () => {
  it("holds no console password, Cortex key, connector password or token in clear, though the program passed plain strings", async () => {
    session.emulator.reset();
    const { username, password } = session.emulator.credentials.compute;
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.advanced;
    const connectorPassword = "plain-connector-password-7c";
    const connectorToken = "plain-connector-token-d4";
    const ENTRY_CA = "-----BEGIN CERTIFICATE-----\nplain-entry-ca-91e2\n-----END CERTIFICATE-----";
    const CONNECTOR_CA = "-----BEGIN CERTIFICATE-----\nplain-connector-ca-5b7f\n-----END CERTIFICATE-----";
    project = UserProject.create("plain-credentials", {
      "index.ts": `
import { CortexRegistryConnector, RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

new RegistrySettings("compute", {
  console: { url: ${JSON.stringify(session.emulator.computeUrl)}, username: ${JSON.stringify(username)}, password: ${JSON.stringify(password)} },
  specifications: [
    new RegistrySpecification("ubuntu", { version: "2", registry: "", repository: "library/ubuntu", tag: "22.04", os: "linux", cap: 5 }),
    new RegistrySpecification("private", { version: "2", registry: "registry.example.com", repository: "team/app", os: "linux", caCert: ${JSON.stringify(ENTRY_CA)} }),
  ],
});

new CortexRegistryConnector("harbor", {
  caCertificate: ${JSON.stringify(CONNECTOR_CA)},
  tenant: { apiUrl: ${JSON.stringify(session.emulator.cortexUrl)}, apiKey: ${JSON.stringify(apiKey)}, apiKeyId: ${JSON.stringify(apiKeyId)} },
  vendor: "HARBOR",
  name: "harbor",
  url: "https://harbor.example.com",
  username: "robot",
  password: ${JSON.stringify(connectorPassword)},
  authToken: ${JSON.stringify(connectorToken)},
  scanningMode: "CLOUD",
  cloudProvider: "AWS",
  region: "us-east-1",
  insecurePull: false,
  initialScanConfiguration: { mode: "LATEST_TAG" },
});
`,
    });
    await project.compile();
    await project.initStack("dev", {});
    const up = await project.ok(["up", "--yes"]);
    expect(storedBody(session.emulator, "harbor")).toMatchObject({ password: connectorPassword, auth_token: connectorToken, ca_certificate: CONNECTOR_CA });
    expect(session.emulator.compute.entries().find((entry) => entry.repository === "team/app")).toMatchObject({ caCert: ENTRY_CA });
    expect(writes(session.emulator.requests()).length).toBeGreaterThan(0);

    const exported = await project.ok(["stack", "export"]);
    for (const value of [password, apiKey, connectorPassword, connectorToken, ENTRY_CA, CONNECTOR_CA]) {
      expect(leaksSecret(exported.stdout, value)).toBe(false);
      expect(leaksSecret(up.output, value)).toBe(false);
    }
  });
});
