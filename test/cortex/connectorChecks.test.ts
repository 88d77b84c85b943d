import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import type { CortexRegistryConnectorArgs } from "../../sdk";
import { CheckFailedError, type Engine } from "../../harness";
import { harborArgs, REGISTRY_PASSWORD, sdk, startCortexEngine } from "../support/cortexSession";

const { CortexRegistryConnector } = sdk();

let emulator: Emulator;
let engine: Engine;
beforeAll(async () => {
  emulator = await startEmulator();
  engine = await startCortexEngine(emulator);
});
afterAll(async () => {
  await engine?.stop();
  await emulator?.close();
});

type Args = Record<string, unknown>;
const without = (...fields: string[]): Args => {
  const args: Args = { ...harborArgs() };
  for (const field of fields) delete args[field];
  return args;
};
const withArgs = (overrides: Args): Args => ({ ...harborArgs(), ...overrides });

/** Runs `up` with one connector and returns the check failure's message; fails if anything reached the tenant. */
async function refused(args: Args): Promise<string> {
  emulator.clearRequests();
  const error = await engine.up(() => void new CortexRegistryConnector("c", args as unknown as CortexRegistryConnectorArgs)).catch((e: Error) => e);
  expect(error).toBeInstanceOf(CheckFailedError);
  expect(emulator.requests()).toEqual([]);
  expect(emulator.cortex.connectors()).toEqual([]);
  return (error as Error).message;
}

const TAGS = "TAGS_MODIFIED_DAYS";

/** A filter tree `depth` AND nodes deep, a leaf at the bottom. */
function nested(depth: number): unknown {
  let node: unknown = { SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "x" };
  for (let i = 0; i < depth; i++) node = { AND: [node] };
  return node;
}

describe("CortexRegistryConnector checks, before any request", () => {
  it.each<[string, Args, RegExp]>([
    ["numDays missing with TAGS_MODIFIED_DAYS", withArgs({ initialScanConfiguration: { mode: TAGS } }), /initialScanConfiguration\.numDays: is required when mode is TAGS_MODIFIED_DAYS/],
    ["numDays 0", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: 0 } }), /initialScanConfiguration\.numDays: must be an integer from 1 to 90 with mode TAGS_MODIFIED_DAYS, not 0/],
    ["numDays 91", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: 91 } }), /initialScanConfiguration\.numDays: must be an integer from 1 to 90 .*not 91/],
    ["numDays 7.5", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: 7.5 } }), /initialScanConfiguration\.numDays: must be an integer from 1 to 90 .*not 7\.5/],
    ["numDays as a string", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: "7" } }), /initialScanConfiguration\.numDays: must be a number, not string "7"/],
    ["numDays with mode ALL", withArgs({ initialScanConfiguration: { mode: "ALL", numDays: 7 } }), /initialScanConfiguration\.numDays: applies only to mode TAGS_MODIFIED_DAYS, not ALL/],
    ["numDays with no mode (ALL)", withArgs({ initialScanConfiguration: { numDays: 7 } }), /initialScanConfiguration\.numDays: applies only to mode TAGS_MODIFIED_DAYS, not ALL \(the default\)/],
    ["numDays with LATEST_TAG", withArgs({ initialScanConfiguration: { mode: "LATEST_TAG", numDays: 7 } }), /numDays: applies only to mode TAGS_MODIFIED_DAYS, not LATEST_TAG/],
    ["a missing required field", without("region"), /c: region: is required \(string\)/],
    ["a missing secret", without("authToken"), /c: authToken: is required \(string\)/],
    ["a missing vendor", without("vendor"), /c: vendor: is required: one of "DOCKER", "JFROG", .*"OPENSHIFT"/],
    ["a missing scanningMode", without("scanningMode"), /c: scanningMode: is required: one of "CLOUD", "OUTPOST"/],
    ["a missing initialScanConfiguration", without("initialScanConfiguration"), /initialScanConfiguration: is required \(object\)/],
    ["a missing insecurePull", without("insecurePull"), /insecurePull: is required \(boolean\)/],
    ["an empty name", withArgs({ name: "" }), /c: name: must not be empty/],
    ["an unknown vendor", withArgs({ vendor: "QUAY" }), /vendor: must be one of "DOCKER", .*"OPENSHIFT", not "QUAY"/],
    ["an unknown scanningMode", withArgs({ scanningMode: "LOCAL" }), /scanningMode: must be one of "CLOUD", "OUTPOST", "BROKER", "NOT_APPLICABLE", "KAPI", not "LOCAL"/],
    ["an unknown cloudProvider", withArgs({ cloudProvider: "OCI" }), /cloudProvider: must be one of "AWS", "GCP", "AZURE"/],
    ["an unknown registryType", withArgs({ registryType: "ON_PREM" }), /registryType: must be one of "CLOUD_HOSTED", "SELF_HOSTED"/],
    ["an unknown filterType", withArgs({ filterType: "ONLY" }), /filterType: must be one of "INCLUDE", "EXCLUDE"/],
    ["an unknown initial scan mode", withArgs({ initialScanConfiguration: { mode: "NEWEST" } }), /initialScanConfiguration\.mode: must be one of "ALL", "LATEST_TAG", "TAGS_MODIFIED_DAYS"/],
    ["an unknown brokerType", withArgs({ scanningMode: "BROKER", brokerId: "b", brokerType: "BROKER_POD" }), /brokerType: must be one of "BROKER_VM", "BROKER_CLUSTER"/],
    ["an unknown tenant.apiKeyType", withArgs({ tenant: { apiUrl: "https://api-t.example.com", apiKey: "k", apiKeyId: "1", apiKeyType: "basic" } }), /tenant\.apiKeyType: must be one of "advanced", "standard"/],
    ["a wrongly typed boolean", withArgs({ insecurePull: "false" }), /insecurePull: must be a boolean, not string "false"/],
    ["OUTPOST without outpostId", withArgs({ scanningMode: "OUTPOST" }), /c: outpostId: is required when scanningMode is OUTPOST/],
    ["BROKER without brokerId", withArgs({ scanningMode: "BROKER", brokerType: "BROKER_VM" }), /c: brokerId: is required when scanningMode is BROKER/],
    ["BROKER without brokerType", withArgs({ scanningMode: "BROKER", brokerId: "broker-1" }), /c: brokerType: is required when scanningMode is BROKER/],
    ["a url that is not a URL", withArgs({ url: "harbor example com" }), /c: url: must be an http\(s\) URL/],
    ["a url with another scheme", withArgs({ url: "ftp://harbor.example.com" }), /c: url: must be an http\(s\) URL/],
    ["a tenant.apiUrl that is not a URL", withArgs({ tenant: { apiUrl: "api-t", apiKey: "k", apiKeyId: "1" } }), /tenant\.apiUrl: must be an http\(s\) URL/],
    ["a tenant without its key", withArgs({ tenant: { apiUrl: "https://api-t.example.com", apiKeyId: "1" } }), /tenant\.apiKey: is required/],
    ["a filter node with AND and OR", withArgs({ assetScopeFilters: { AND: [], OR: [] } }), /assetScopeFilters: a logical node holds exactly one key, AND or OR/],
    ["a filter node whose AND is not a list", withArgs({ assetScopeFilters: { AND: { SEARCH_FIELD: "Registry" } } }), /assetScopeFilters\.AND: must be an array of filter nodes/],
    ["a filter leaf without SEARCH_VALUE", withArgs({ assetScopeFilters: { AND: [{ SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ" }] } }), /assetScopeFilters\.AND\[0\]\.SEARCH_VALUE: is required in a filter leaf/],
    ["a filter leaf with an unknown operator", withArgs({ assetScopeFilters: { OR: [{ SEARCH_FIELD: "a", SEARCH_TYPE: "EQ", SEARCH_VALUE: "b" }, { SEARCH_FIELD: "a", SEARCH_TYPE: "LIKE", SEARCH_VALUE: "b" }] } }), /assetScopeFilters\.OR\[1\]\.SEARCH_TYPE: must be one of EQ, NEQ, IN, NIN, CONTAINS, NCONTAINS, WILDCARD, REGEX, not "LIKE"/],
    ["a deep filter leaf with a stray key", withArgs({ assetScopeFilters: { AND: [{ OR: [{ SEARCH_FIELD: "a", SEARCH_TYPE: "EQ", SEARCH_VALUE: "b", NOT: true }] }] } }), /assetScopeFilters\.AND\[0\]\.OR\[0\]\.NOT: is not a filter key/],
    ["a filter node that is a string", withArgs({ assetScopeFilters: { AND: ["Registry"] } }), /assetScopeFilters\.AND\[0\]: must be an \{AND: \[\.\.\.\]\} or \{OR: \[\.\.\.\]\} node/],
    ["a GitLab field on Harbor", withArgs({ vendorSpecificConfiguration: { groupIds: ["1"] } }), /vendorSpecificConfiguration\.groupIds: applies only to vendor GITLAB_CONTAINER_REGISTRY, not HARBOR/],
    ["a Docker Hub field on GitLab", withArgs({ vendor: "GITLAB_CONTAINER_REGISTRY", vendorSpecificConfiguration: { repository: "library/ubuntu" } }), /vendorSpecificConfiguration\.repository: applies only to vendor DOCKER_HUB, not GITLAB_CONTAINER_REGISTRY/],
    ["an OpenShift field on Docker Hub", withArgs({ vendor: "DOCKER_HUB", vendorSpecificConfiguration: { clusterName: "prod" } }), /vendorSpecificConfiguration\.clusterName: applies only to vendor OPENSHIFT, not DOCKER_HUB/],
    ["a misspelt field", withArgs({ authtoken: "x" }), /c: authtoken: is not a known field; check its spelling/],
    ["a misspelt vendor-specific field", withArgs({ vendor: "GITLAB_CONTAINER_REGISTRY", vendorSpecificConfiguration: { groupIDs: ["1"] } }), /vendorSpecificConfiguration\.groupIDs: is not a known field/],
    ["an empty username", withArgs({ username: "" }), /c: username: must not be empty/],
    ["an empty region", withArgs({ region: "" }), /c: region: must not be empty/],
    ["a region of spaces", withArgs({ region: "   " }), /c: region: must not be empty/],
    ["a 1 MB name", withArgs({ name: "n".repeat(1 << 20) }), /c: name: must be at most 256 characters, not 1048576/],
    ["a URL over 2,048 characters", withArgs({ url: `https://harbor.example.com/${"p".repeat(3000)}` }), /c: url: must be at most 2048 characters, not 3027/],
    ["a 1 MB repository", withArgs({ repository: "r".repeat(1 << 20) }), /c: repository: must be at most 255 characters, not 1048576/],
    ["password and authToken both empty", withArgs({ password: "", authToken: "" }), /c: password: and authToken are both empty: give the registry's password, its token, or both/],
    ["a password over 16 KiB", withArgs({ password: "p".repeat(20_000) }), /c: password: must be at most 16384 characters\n|c: password: must be at most 16384 characters$/m],
    ["a CA certificate over 256 KiB", withArgs({ caCertificate: "c".repeat(300_000) }), /c: caCertificate: must be at most 262144 characters$/m],
    ["numDays NaN", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: NaN } }), /initialScanConfiguration\.numDays: must be a finite number, not NaN/],
    ["numDays Infinity", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: Infinity } }), /initialScanConfiguration\.numDays: must be a finite number, not Infinity/],
    ["numDays -5", withArgs({ initialScanConfiguration: { mode: TAGS, numDays: -5 } }), /initialScanConfiguration\.numDays: must be an integer from 1 to 90 .*not -5/],
    ["a filter tree nested 200 deep", withArgs({ assetScopeFilters: nested(200) }), /assetScopeFilters(\.AND\[0\]){33}: is nested deeper than 32 levels/],
    ["a SEARCH_VALUE over 1,024 characters", withArgs({ assetScopeFilters: { AND: [{ SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "v".repeat(2000) }] } }), /assetScopeFilters\.AND\[0\]\.SEARCH_VALUE: must be at most 1024 characters, not 2000/],
    ["10,001 group ids", withArgs({ vendor: "GITLAB_CONTAINER_REGISTRY", vendorSpecificConfiguration: { groupIds: Array.from({ length: 10_001 }, (_, i) => String(i)) } }), /vendorSpecificConfiguration\.groupIds: must hold at most 10000 items, not 10001/],
    ["an empty tenant.apiKey", withArgs({ tenant: { apiUrl: "https://api-t.example.com", apiKey: "", apiKeyId: "1" } }), /c: tenant\.apiKey: must not be empty/],
    ["a tenant.apiKeyId of spaces", withArgs({ tenant: { apiUrl: "https://api-t.example.com", apiKey: "k", apiKeyId: "  " } }), /c: tenant\.apiKeyId: must not be empty/],
    ["an empty brokerId", withArgs({ scanningMode: "BROKER", brokerType: "BROKER_VM", brokerId: "" }), /c: brokerId: must not be empty/],
    ["an empty outpostId", withArgs({ scanningMode: "OUTPOST", outpostId: "" }), /c: outpostId: must not be empty/],
    ["an ipIdentifier over 1,024 characters", withArgs({ ipIdentifier: "i".repeat(1500) }), /c: ipIdentifier: must be at most 1024 characters, not 1500/],
    ["a numeric tenantId", withArgs({ tenantId: 42 }), /c: tenantId: must be a string, not number 42/],
    ["enabled as a string", withArgs({ enabled: "true" }), /c: enabled: must be a boolean, not string "true"/],
    ["initialScanConfiguration as a string", withArgs({ initialScanConfiguration: "ALL" }), /c: initialScanConfiguration: must be an object, not string "ALL"/],
    ["vendorSpecificConfiguration as a list", withArgs({ vendorSpecificConfiguration: ["groupIds"] }), /c: vendorSpecificConfiguration: must be an object, not an array/],
    ["a Docker Hub repository over 255 characters", withArgs({ vendor: "DOCKER_HUB", vendorSpecificConfiguration: { repository: "r".repeat(256) } }), /vendorSpecificConfiguration\.repository: must be at most 255 characters, not 256/],
    ["a numeric url", withArgs({ url: 443 }), /c: url: must be a string, not number 443/],
  ])("refuses %s", async (_case, args, message) => {
    expect(await refused(args)).toMatch(message);
  });

  it("reports every problem at once, one per property", async () => {
    const message = await refused(
      withArgs({
        vendor: "HARBOR",
        scanningMode: "BROKER",
        url: "nope",
        initialScanConfiguration: { mode: TAGS, numDays: 120 },
        vendorSpecificConfiguration: { clusterId: "x" },
        assetScopeFilters: { AND: [{ SEARCH_FIELD: "Registry" }] },
      }),
    );
    const properties = message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^\s+\S+: /, "").split(":")[0]);
    expect(properties).toEqual([
      "url",
      "initialScanConfiguration.numDays",
      "brokerId",
      "brokerType",
      "vendorSpecificConfiguration.clusterId",
      "assetScopeFilters.AND[0].SEARCH_TYPE",
      "assetScopeFilters.AND[0].SEARCH_VALUE",
    ]);
  });

  it("never quotes a secret's value in a failure", async () => {
    const message = await refused(withArgs({ password: 8_675_309_123, authToken: { token: REGISTRY_PASSWORD } }));
    expect(message).toMatch(/c: password: must be a string\n/);
    expect(message).toMatch(/c: authToken: must be a string$/m);
    expect(message).not.toContain("8675309123");
    expect(message).not.toContain(REGISTRY_PASSWORD);
  });

  it("accepts each vendor's own vendor-specific fields", async () => {
    const program = () => {
      new CortexRegistryConnector("gitlab", harborArgs({ name: "gitlab", vendor: "GITLAB_CONTAINER_REGISTRY", vendorSpecificConfiguration: { groupIds: ["1"], projectIds: ["2"], apiDomainName: "gitlab.example.com" } }));
      new CortexRegistryConnector("hub", harborArgs({ name: "hub", vendor: "DOCKER_HUB", vendorSpecificConfiguration: { repository: "library/ubuntu" } }));
      new CortexRegistryConnector("openshift", harborArgs({
        name: "openshift",
        vendor: "OPENSHIFT",
        vendorSpecificConfiguration: { clusterId: "c1", clusterName: "prod", clusterAssetId: "a", clusterAssetTypeId: "t", clusterRealm: "r" },
      }));
    };
    const plan = await engine.preview(program);
    expect(plan.steps.map((s) => s.op)).toEqual(["create", "create", "create"]);
    expect(emulator.requests()).toEqual([]);
  });
});
