/**
 * Every TypeScript program under examples/ run as its README says, through the harness
 * (the SDK's real dynamic-provider host, the policy pack's real analyzer
 * server) against the emulator, so that an example never rots. The YAML and
 * Python ones (the provider plugin's) run under the real CLI, in test/engine/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RecordedRequest } from "../emulator";
import { PolicyHost, PolicyViolationError } from "../harness";
import { builtPath } from "./support/built";
import { changedEntryNames, consoleOnlyEntry } from "./support/computeSession";
import { connectorCalls, storedBody } from "./support/cortexSession";
import {
  asProgram,
  exampleFile,
  exampleProgram,
  readPolicyConfig,
  secretValues,
  startExampleEngine,
} from "./support/exampleSession";
import { useEmulatorSession } from "./support/emulatorSession";

type Quickstart = typeof import("../examples/quickstart/program");
type BulkInventory = typeof import("../examples/bulk-inventory/program");
type CortexConnectors = typeof import("../examples/cortex-connectors/program");
type PolicyGating = typeof import("../examples/policy-gating/program");

const session = useEmulatorSession();

/** Console registry requests (logins left out) as `METHOD STATUS` lines. */
const registryRequests = (requests: RecordedRequest[]) => requests.filter((r) => r.api === "compute" && r.path.endsWith("/settings/registry"));
/** The check reads the credential store once when new or changed entries name credentials. */
const credentialReads = (requests: RecordedRequest[]) => requests.filter((r) => r.api === "compute" && r.path.endsWith("/credentials"));
const lines = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.status}`);
const repositories = () => session.emulator.compute.entries().map((e) => e.repository);
const byName = (steps: { name: string; op: string }[]) => Object.fromEntries(steps.map((s) => [s.name, s.op]));

describe("examples/quickstart", () => {
  const { quickstart } = exampleProgram<Quickstart>("quickstart");
  const secrets = secretValues(["harborPassword", "harborToken", "dockerHubPassword", "dockerHubToken"]);

  it("creates 3 entries next to an unmanaged one and 2 connectors, updates exactly what changed, and destroy leaves the unmanaged entry", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startExampleEngine(session.emulator, "quickstart", { secrets });
    session.emulator.clearRequests();

    const created = await session.engine.up(asProgram(() => quickstart()));
    expect(byName(created.steps)).toEqual({ compute: "create", "harbor-prod": "create", "docker-hub": "create" });
    // The preview's read, then read, write, verify.
    expect(lines(registryRequests(session.emulator.requests()))).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    // The unmanaged entry stays first, untouched; the declared ones follow (in the provider's order).
    expect(repositories()[0]).toBe("ops/legacy");
    expect(repositories().slice(1).sort()).toEqual(["library/nginx", "library/ubuntu", "payments/*"]);
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
    expect(session.emulator.compute.entries().find((e) => e.repository === "payments/*")).toMatchObject({
      version: "aws",
      registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
      excludedTags: ["*-debug"],
      credentialID: "aws-ecr-scanner",
    });
    expect(session.engine.find("compute")?.outputs).toMatchObject({ managedCount: 3, unmanagedCount: 1 });

    const connectors = session.emulator.cortex.connectors();
    expect(connectors).toHaveLength(2);
    expect(connectors.map((c) => c.body.vendor).sort()).toEqual(["DOCKER_HUB", "HARBOR"]);
    expect(storedBody(session.emulator, "harbor-prod")).toMatchObject({
      vendor: "HARBOR",
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
      password: secrets.harborPassword,
      auth_token: secrets.harborToken,
    });
    const dockerHubBefore = storedBody(session.emulator, "docker-hub-public");
    expect(dockerHubBefore).toMatchObject({
      vendor: "DOCKER_HUB",
      initial_scan_configuration: { mode: "LATEST_TAG" },
      vendor_specific_configuration: { repository: "library/nginx" },
      password: secrets.dockerHubPassword,
    });

    // The README's second `pulumi up`: ubuntu's cap and Harbor's days change, nothing else.
    session.emulator.clearRequests();
    const edited = asProgram(() => quickstart({ ubuntuCap: 10, harborNumDays: 14 }));
    const updated = await session.engine.up(edited);
    expect(byName(updated.steps)).toEqual({ compute: "update", "harbor-prod": "update", "docker-hub": "same" });
    const computeStep = updated.steps.find((s) => s.name === "compute");
    expect(changedEntryNames(computeStep?.olds?.specifications, computeStep?.news?.specifications)).toEqual({
      added: [],
      removed: [],
      changed: ["ubuntu-18.04"],
    });
    // The preview's read, then read, write, verify.
    expect(lines(registryRequests(session.emulator.requests()))).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    const harborId = session.engine.find("harbor-prod")!.id;
    expect(connectorCalls(session.emulator.requests())).toEqual(["PUT 200"]);
    expect(session.emulator.requests().find((r) => r.api === "cortex" && r.method === "PUT")?.path).toMatch(new RegExp(`/${harborId}$`));
    expect(Object.fromEntries(session.emulator.compute.entries().map((e) => [e.repository, e.cap]))).toEqual({
      "ops/legacy": 1,
      "library/ubuntu": 10,
      "library/nginx": 3,
      "payments/*": 10,
    });
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
    expect(storedBody(session.emulator, "harbor-prod")?.initial_scan_configuration).toEqual({ mode: "TAGS_MODIFIED_DAYS", numDays: 14 });
    expect(storedBody(session.emulator, "docker-hub-public")).toEqual(dockerHubBefore);

    await session.engine.destroy();
    expect(repositories()).toEqual(["ops/legacy"]);
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });
});

describe("examples/bulk-inventory", () => {
  const { bulkInventory, INVENTORY_FILE } = exampleProgram<BulkInventory>("bulk-inventory");
  const inventory = exampleFile("bulk-inventory", "inventory.csv");
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bulk-inventory-"));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A copy of the checked-in inventory with some lines (1-based, header is line 1) rewritten. */
  function editedInventory(file: string, edit: (cells: string[], lineNumber: number) => string[] | string | undefined): string {
    const edited = fs
      .readFileSync(inventory, "utf8")
      .split("\n")
      .map((line, index) => {
        if (index === 0 || line === "") return line;
        const result = edit(line.split(","), index + 1);
        return result === undefined ? line : Array.isArray(result) ? result.join(",") : result;
      });
    const target = path.join(tmp, file);
    fs.writeFileSync(target, edited.join("\n"));
    return target;
  }

  it("writes 2,500 entries in read, write, verify, and a one-line edit previews as that one entry", async () => {
    expect(INVENTORY_FILE).toBe(inventory);
    session.engine = await startExampleEngine(session.emulator, "bulk-inventory");
    session.emulator.clearRequests();

    const created = await session.engine.up(asProgram(() => bulkInventory(inventory)));
    expect(byName(created.steps)).toEqual({ inventory: "create" });
    const calls = registryRequests(session.emulator.requests());
    expect(lines(calls)).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    expect(lines(credentialReads(session.emulator.requests()))).toEqual(["GET 200"]);
    expect(calls[2].query).toMatchObject({ scanLater: "true" });
    expect((calls[2].body as { specifications: unknown[] }).specifications).toHaveLength(2500);
    const entries = session.emulator.compute.entries();
    expect(entries).toHaveLength(2500);
    expect(new Set(entries.map((e) => e.version))).toEqual(new Set(["2", "aws", "gcr", "azure", "harbor"]));
    expect(new Set(entries.map((e) => String(e.repository).split("/")[0])).size).toBe(10);
    expect(entries.find((e) => e.repository === "payments/payments-svc-000")).toMatchObject({
      version: "harbor",
      registry: "harbor.acme.internal",
      cap: 10,
      collections: ["payments", "All"],
      credentialID: "harbor-robot",
    });
    expect(session.engine.find("inventory")?.outputs).toMatchObject({ managedCount: 2500, unmanagedCount: 0 });

    // Edit one line of the CSV: the preview shows that entry alone, after one read of the console.
    const capColumn = fs.readFileSync(inventory, "utf8").split("\n")[0].split(",").indexOf("cap");
    const changedFile = editedInventory("changed.csv", (cells) =>
      cells[0] === "mobile-svc-001" ? cells.map((c, i) => (i === capColumn ? String(Number(c) + 40) : c)) : undefined,
    );
    session.emulator.clearRequests();
    const preview = await session.engine.preview(asProgram(() => bulkInventory(changedFile)));
    expect(byName(preview.steps)).toEqual({ inventory: "update" });
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications)).toEqual({
      added: [],
      removed: [],
      changed: ["mobile-svc-001"],
    });
    expect(preview.steps[0].news?.consoleChanges).toEqual({ "mobile-svc-001": "change cap (#1)" });
    expect(lines(registryRequests(session.emulator.requests()))).toEqual(["GET 200"]);
  });

  it("fails on malformed lines during the program, naming every line number, before any request", async () => {
    const malformed = editedInventory("malformed.csv", (cells, lineNumber) => {
      if (lineNumber === 5) return cells.slice(0, -1);
      if (lineNumber === 9) return cells.map((c, i) => (i === 6 ? "ten" : c));
      return undefined;
    });
    session.engine = await startExampleEngine(session.emulator, "bulk-inventory");
    session.emulator.clearRequests();

    const error = await session.engine.up(asProgram(() => bulkInventory(malformed))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('inventory has 2 problem(s):\n  line 5: 9 fields, expected 10\n  line 9: cap "ten" is not a whole number');
    expect(session.emulator.requests()).toEqual([]);
    expect(session.emulator.compute.entries()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });
});

describe("examples/cortex-connectors", () => {
  const { cortexConnectors, CORTEX_CONNECTOR_SECRETS } = exampleProgram<CortexConnectors>("cortex-connectors");
  const secrets = secretValues(CORTEX_CONNECTOR_SECRETS);

  it("creates the four connectors under the tenant's rate limit with no 429, and destroy removes them", async () => {
    session.emulator.faults.setRateLimit(true);
    session.engine = await startExampleEngine(session.emulator, "cortex-connectors", {
      secrets,
      config: { outpostId: "outpost-test-7", brokerId: "broker-vm-test-3" },
      parallel: 4,
    });
    session.emulator.clearRequests();

    const created = await session.engine.up(asProgram(() => cortexConnectors()));
    expect(byName(created.steps)).toEqual({ "docker-hub": "create", artifactory: "create", gitlab: "create", openshift: "create" });
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 200", "POST 200", "POST 200", "POST 200"]);
    expect(session.emulator.requests().filter((r) => r.status === 429)).toEqual([]);
    expect(session.emulator.cortex.connectors()).toHaveLength(4);

    expect(storedBody(session.emulator, "docker-hub")).toMatchObject({
      vendor: "DOCKER_HUB",
      scanning_mode: "CLOUD",
      cloud_provider: "AWS",
      registry_type: "CLOUD_HOSTED",
      initial_scan_configuration: { mode: "LATEST_TAG" },
      vendor_specific_configuration: { repository: "acme/*" },
      password: secrets.dockerHubPassword,
      auth_token: secrets.dockerHubToken,
    });
    const artifactory = storedBody(session.emulator, "artifactory-onprem");
    expect(artifactory).toMatchObject({
      vendor: "JFROG",
      scanning_mode: "OUTPOST",
      outpost_id: "outpost-test-7",
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 },
      filter_type: "EXCLUDE",
      asset_scope_filters: {
        OR: [
          { SEARCH_FIELD: "Repository", SEARCH_TYPE: "WILDCARD", SEARCH_VALUE: "sandbox-*" },
          { SEARCH_FIELD: "Tag", SEARCH_TYPE: "REGEX", SEARCH_VALUE: ".*-snapshot$" },
        ],
      },
      password: secrets.artifactoryPassword,
    });
    expect(artifactory).not.toHaveProperty("cloud_provider");
    expect(storedBody(session.emulator, "gitlab-selfmanaged")).toMatchObject({
      vendor: "GITLAB_CONTAINER_REGISTRY",
      scanning_mode: "BROKER",
      broker_type: "BROKER_VM",
      broker_id: "broker-vm-test-3",
      initial_scan_configuration: { mode: "ALL" },
      vendor_specific_configuration: { group_ids: ["42", "108"], api_domain_name: "gitlab.acme.internal" },
      password: secrets.gitlabPassword,
    });
    expect(storedBody(session.emulator, "openshift-prod")).toMatchObject({
      vendor: "OPENSHIFT",
      scanning_mode: "KAPI",
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 14 },
      vendor_specific_configuration: { cluster_name: "prod", cluster_id: "c-7f3a" },
      password: secrets.openshiftPassword,
      auth_token: secrets.openshiftToken,
    });
    // Registry credentials are stack secrets: the checkpoint never holds them in plain text.
    const checkpoint = session.engine.checkpointText();
    for (const value of Object.values(secrets)) expect(checkpoint).not.toContain(value);

    session.emulator.clearRequests();
    await session.engine.destroy();
    expect(connectorCalls(session.emulator.requests())).toEqual(["DELETE 200", "DELETE 200", "DELETE 200", "DELETE 200"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });
});

describe("examples/policy-gating", () => {
  const { gatedStack } = exampleProgram<PolicyGating>("policy-gating");
  const secrets = secretValues(["nexusPassword", "nexusToken"]);
  let pack: PolicyHost;
  beforeAll(async () => {
    // As CI runs it: `--policy-pack ../policy-pack --policy-pack-config policy-config.json`.
    pack = await PolicyHost.start(builtPath("examples/policy-pack/index.js"), { cwd: path.resolve(__dirname, "..", "examples", "policy-pack") });
    await pack.configure(readPolicyConfig(exampleFile("policy-gating", "policy-config.json")));
  });
  afterAll(async () => {
    await pack?.stop();
  });

  const start = () => startExampleEngine(session.emulator, "policy-gating", { secrets, policyPacks: [pack] });
  const puts = () => session.emulator.requests().filter((r) => r.method === "PUT");

  it("passes the default change (500 entries, TLS verified) and applies it", async () => {
    session.engine = await start();
    const plan = await session.engine.up(asProgram(() => gatedStack({ entryCount: 500, insecurePull: false })));
    expect(plan.diagnostics).toEqual([]);
    expect(byName(plan.steps)).toEqual({ compute: "create", nexus: "create" });
    expect(session.emulator.compute.entries()).toHaveLength(500);
    expect(puts().find((r) => r.api === "compute")?.query).toMatchObject({ scanLater: "true" });
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
    expect(storedBody(session.emulator, "nexus")).toMatchObject({ vendor: "SONATYPE", insecure_pull: false, password: secrets.nexusPassword });
  });

  it("stops 19,001 entries with registry-settings-max-entries at the config's maxEntries 19000, before any write", async () => {
    session.engine = await start();
    session.emulator.clearRequests();
    const error = await session.engine.up(asProgram(() => gatedStack({ entryCount: 19_001, insecurePull: false }))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as PolicyViolationError).diagnostics).toEqual([
      expect.objectContaining({
        policyName: "registry-settings-max-entries",
        enforcementLevel: "mandatory",
        message: expect.stringMatching(/19001 registry entries.*more than maxEntries 19000/s),
      }),
    ]);
    expect(puts()).toEqual([]);
    expect(session.emulator.compute.entries()).toEqual([]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });

  it("stops insecurePull with cortex-no-insecure-pull, mandatory per the config, creating no connector", async () => {
    session.engine = await start();
    session.emulator.clearRequests();
    const error = await session.engine.up(asProgram(() => gatedStack({ entryCount: 500, insecurePull: true }))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as PolicyViolationError).diagnostics).toEqual([
      expect.objectContaining({
        policyName: "cortex-no-insecure-pull",
        enforcementLevel: "mandatory",
        urn: expect.stringMatching(/::registry-scanning-policy-gating::.*::nexus$/),
      }),
    ]);
    expect(session.emulator.requests().filter((r) => r.api === "cortex" && r.method === "POST")).toEqual([]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(puts()).toEqual([]);
  });
});
