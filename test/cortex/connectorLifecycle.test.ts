import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../../emulator";
import { StepFailedError } from "../../harness";
import { requireBuilt } from "../support/built";
import {
  connectorCalls,
  connectors,
  harborArgs,
  REGISTRY_PASSWORD,
  REGISTRY_TOKEN,
  deleteOutOfBand,
  startCortexEngine,
  storedBody,
} from "../support/cortexSession";
import { useEmulatorSession } from "../support/emulatorSession";

const session = useEmulatorSession();

/** The README's Harbor connector as the API receives it. */
const harborBody = {
  vendor: "HARBOR",
  name: "harbor-prod",
  url: "https://harbor.example.com",
  username: "robot$scanner",
  password: REGISTRY_PASSWORD,
  auth_token: REGISTRY_TOKEN,
  scanning_mode: "CLOUD",
  cloud_provider: "AWS",
  region: "us-east-1",
  insecure_pull: false,
  registry_type: "SELF_HOSTED",
  initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
  enabled: true,
  filter_type: "INCLUDE",
  asset_scope_filters: { AND: [{ SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "library/ubuntu" }] },
};

describe("CortexRegistryConnector lifecycle", () => {
  it("creates, shows console-side drift on refresh, updates with the full body, and deletes", async () => {
    session.engine = await startCortexEngine(session.emulator);
    session.emulator.clearRequests();

    const preview = await session.engine.preview(connectors({ "harbor-prod": {} }));
    expect(preview.steps.map((s) => s.op)).toEqual(["create"]);
    expect(session.emulator.requests()).toEqual([]);

    const created = await session.engine.up(connectors({ "harbor-prod": {} }));
    expect(created.steps.map((s) => s.op)).toEqual(["create"]);
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 200"]);
    // The recording masks the registry credentials; the stored connector holds what was sent.
    expect(session.emulator.requests()[0].body).toEqual({ ...harborBody, password: "***", auth_token: "***" });
    const state = session.engine.find("harbor-prod")!;
    const id = state.id;
    expect(session.emulator.cortex.get(id)?.body).toEqual({ ...harborBody, connector_id: id });
    expect(state.outputs).toMatchObject({
      connectorId: id,
      apiUrl: session.emulator.cortexUrl,
      vendor: "HARBOR",
      initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
      enabled: true,
      password: REGISTRY_PASSWORD,
      authToken: REGISTRY_TOKEN,
    });

    // Someone edits the connector in the console.
    session.emulator.cortex.put({ ...session.emulator.cortex.get(id)!.body, region: "eu-west-1", insecure_pull: true });
    session.emulator.clearRequests();
    const refresh = await session.engine.refresh();
    expect(refresh.steps.map((s) => s.op)).toEqual(["refresh"]);
    expect(connectorCalls(session.emulator.requests())).toEqual(["GET 200"]);
    const refreshed = session.engine.find("harbor-prod")!.outputs;
    expect(refreshed).toMatchObject({ region: "eu-west-1", insecurePull: true, connectorId: id });
    // GET never returns the credentials: the state keeps them.
    expect(refreshed).toMatchObject({ password: REGISTRY_PASSWORD, authToken: REGISTRY_TOKEN });

    const drift = await session.engine.preview(connectors({ "harbor-prod": {} }));
    expect(drift.steps[0]).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });
    expect(drift.steps[0].olds).toMatchObject({ region: "eu-west-1" });
    expect(drift.steps[0].news).toMatchObject({ region: "us-east-1" });

    session.emulator.clearRequests();
    await session.engine.up(connectors({ "harbor-prod": {} }));
    expect(connectorCalls(session.emulator.requests())).toEqual(["PUT 200"]);
    const put = session.emulator.requests()[0];
    expect(put.path).toBe(`/public_api/v1/cwp/registry_onboarding/instances/${id}`);
    expect(put.body).toEqual({ ...harborBody, password: "***", auth_token: "***" });
    expect(session.emulator.cortex.get(id)?.body).toEqual({ ...harborBody, connector_id: id });

    session.emulator.clearRequests();
    const changed = await session.engine.up(connectors({ "harbor-prod": { initialScanConfiguration: { mode: "LATEST_TAG" }, url: "https://harbor2.example.com" } }));
    expect(changed.steps.map((s) => s.op)).toEqual(["update"]);
    expect(connectorCalls(session.emulator.requests())).toEqual(["PUT 200"]);
    expect(session.emulator.requests()[0].body).toMatchObject({ initial_scan_configuration: { mode: "LATEST_TAG" }, url: "https://harbor2.example.com" });
    expect(session.emulator.cortex.get(id)?.body).toMatchObject({
      initial_scan_configuration: { mode: "LATEST_TAG" },
      url: "https://harbor2.example.com",
      password: REGISTRY_PASSWORD,
      auth_token: REGISTRY_TOKEN,
    });

    session.emulator.clearRequests();
    const same = await session.engine.up(connectors({ "harbor-prod": { initialScanConfiguration: { mode: "LATEST_TAG" }, url: "https://harbor2.example.com" } }));
    expect(same.steps.map((s) => s.op)).toEqual(["same"]);
    expect(session.emulator.requests()).toEqual([]);

    await session.engine.destroy();
    expect(connectorCalls(session.emulator.requests())).toEqual(["DELETE 200"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });

  it("deletes a connector that was already deleted in the console, and a refresh drops it", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ a: {}, b: {} }));
    const [a, b] = [session.engine.find("a")!.id, session.engine.find("b")!.id];
    await deleteOutOfBand(session.emulator, a);
    await deleteOutOfBand(session.emulator, b);

    session.emulator.clearRequests();
    await session.engine.destroy();
    expect(connectorCalls(session.emulator.requests())).toEqual(["DELETE 404", "DELETE 404"]);
    expect(session.engine.resources).toEqual([]);

    await session.engine.up(connectors({ c: {} }));
    await deleteOutOfBand(session.emulator, session.engine.find("c")!.id);
    const refresh = await session.engine.refresh();
    expect(refresh.steps.map((s) => s.op)).toEqual(["gone"]);
    expect(session.engine.resources).toEqual([]);
  });

  it("reports an update of a connector deleted outside Pulumi, saying to refresh", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ a: {} }));
    await deleteOutOfBand(session.emulator, session.engine.find("a")!.id);
    const error = await session.engine.up(connectors({ a: { region: "eu-west-1" } })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toMatch(
      /Cortex PUT \/public_api\/v1\/cwp\/registry_onboarding\/instances\/[\w-]+ failed with HTTP 404: NOT_FOUND: registry connector .* not found\. The connector no longer exists .* Run `pulumi refresh`/,
    );
  });
});

describe("CortexRegistryConnector refresh", () => {
  it("keeps only the program's fields: optional fields the tenant fills in do not show as changes", async () => {
    session.engine = await startCortexEngine(session.emulator);
    const program = connectors({ a: { registryType: undefined, cloudProvider: undefined } });
    await session.engine.up(program);
    const id = session.engine.find("a")!.id;
    expect(session.emulator.cortex.get(id)?.body).not.toHaveProperty("registry_type");

    // The tenant reports fields the program never set.
    session.emulator.cortex.put({ ...session.emulator.cortex.get(id)!.body, registry_type: "SELF_HOSTED", cloud_provider: "AWS", broker_id: "b-1" });
    await session.engine.refresh();
    const refreshed = session.engine.find("a")!;
    for (const field of ["registryType", "cloudProvider", "brokerId"]) {
      expect(refreshed.outputs).not.toHaveProperty(field);
      expect(refreshed.inputs).not.toHaveProperty(field);
    }
    expect(refreshed.outputs).toMatchObject({ password: REGISTRY_PASSWORD, authToken: REGISTRY_TOKEN, region: "us-east-1" });

    const preview = await session.engine.preview(program);
    expect(preview.steps.map((s) => s.op)).toEqual(["same"]);

    // A field the program did set still shows the tenant's value as drift.
    session.emulator.cortex.put({ ...session.emulator.cortex.get(id)!.body, region: "eu-west-1" });
    await session.engine.refresh();
    expect(session.engine.find("a")!.outputs).toMatchObject({ region: "eu-west-1" });
    expect((await session.engine.preview(program)).steps[0]).toMatchObject({ op: "update", diff: { replaces: [] } });
  });
});

describe("CortexRegistryConnector replacement", () => {
  it("replaces the connector when vendor changes: the new one is created first, then the old one deleted", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ registry: {} }));
    const oldId = session.engine.find("registry")!.id;

    session.emulator.clearRequests();
    const plan = await session.engine.up(connectors({ registry: { vendor: "DOCKER" } }));
    expect(plan.steps[0]).toMatchObject({ op: "replace", diff: { replaces: ["vendor"], deleteBeforeReplace: false } });
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 200", "DELETE 200"]);
    expect(session.emulator.requests()[1].path).toContain(oldId);
    const newId = session.engine.find("registry")!.id;
    expect(newId).not.toBe(oldId);
    expect(session.emulator.cortex.connectors().map((c) => [c.connectorId, c.body.vendor])).toEqual([[newId, "DOCKER"]]);
  });

  it.each([
    ["registryType", { registryType: "CLOUD_HOSTED" as const }],
    ["scanningMode", { scanningMode: "OUTPOST" as const, outpostId: "outpost-1" }],
  ])("replaces on %s too", async (field, overrides) => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ registry: {} }));
    const plan = await session.engine.preview(connectors({ registry: overrides }));
    expect(plan.steps[0]).toMatchObject({ op: "replace", diff: { replaces: [field] } });
  });

  it("replaces when the connector's tenant changes, updates in place otherwise", async () => {
    const other = await startEmulator();
    try {
      session.engine = await startCortexEngine(session.emulator);
      await session.engine.up(connectors({ registry: {} }));
      const key = other.credentials.cortex.advanced;
      const tenant = { apiUrl: other.cortexUrl, apiKey: pulumi.secret(key.apiKey), apiKeyId: key.apiKeyId };
      const plan = await session.engine.up(connectors({ registry: { tenant } }));
      expect(plan.steps[0]).toMatchObject({ op: "replace", diff: { replaces: ["tenant.apiUrl"] } });
      expect(other.cortex.connectors()).toHaveLength(1);
      expect(session.emulator.cortex.connectors()).toHaveLength(0);
      expect(session.engine.find("registry")!.outputs.apiUrl).toBe(other.cortexUrl);

      const inPlace = await session.engine.preview(connectors({ registry: { tenant, name: "renamed", username: "robot$other", enabled: false } }));
      expect(inPlace.steps[0]).toMatchObject({ op: "update", diff: { replaces: [] } });
    } finally {
      await other.close();
    }
  });

  it("replaces on a change of tenant.apiUrl: created in the new tenant, then deleted from the old one with the old tenant's key", async () => {
    const [first, second] = [await startEmulator(), await startEmulator()];
    try {
      const tenantOf = (emulator: typeof first) => {
        const key = emulator.credentials.cortex.advanced;
        return { apiUrl: emulator.cortexUrl, apiKey: pulumi.secret(key.apiKey), apiKeyId: key.apiKeyId };
      };
      // Stack config points at a third tenant: the resource's own tenant is all that counts.
      session.engine = await startCortexEngine(session.emulator);
      await session.engine.up(connectors({ registry: { tenant: tenantOf(first) } }));
      const oldId = session.engine.find("registry")!.id;
      expect(first.cortex.connectors()).toHaveLength(1);

      const plan = await session.engine.up(connectors({ registry: { tenant: tenantOf(second) } }));
      expect(plan.steps[0]).toMatchObject({ op: "replace", diff: { replaces: ["tenant.apiUrl"], deleteBeforeReplace: false } });
      expect(connectorCalls(second.requests())).toEqual(["POST 200"]);
      expect(connectorCalls(first.requests())).toEqual(["POST 200", "DELETE 200"]);
      expect(first.requests().at(-1)?.path).toContain(oldId);
      expect(first.cortex.connectors()).toEqual([]);
      expect(second.cortex.connectors()).toHaveLength(1);
      expect(session.engine.find("registry")!.outputs.apiUrl).toBe(second.cortexUrl);
      expect(session.emulator.requests()).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("moves a connector created through cortex:apiUrl as the refusal says: tenant argument for the old tenant first, then tenant.apiUrl", async () => {
    const other = await startEmulator();
    try {
      session.engine = await startCortexEngine(session.emulator);
      await session.engine.up(connectors({ registry: {} }));
      const state = session.engine.resources;
      await session.engine.stop();
      // Stack config now names the other tenant; the resource is given its old tenant explicitly.
      session.engine = await startCortexEngine(other);
      session.engine.resources = state;
      const key = session.emulator.credentials.cortex.advanced;
      const oldTenant = { apiUrl: session.emulator.cortexUrl, apiKey: pulumi.secret(key.apiKey), apiKeyId: key.apiKeyId };
      const pinned = await session.engine.up(connectors({ registry: { tenant: oldTenant } }));
      expect(pinned.steps[0]).toMatchObject({ op: "update", diff: { replaces: [] } });
      expect(other.requests()).toEqual([]);

      const otherKey = other.credentials.cortex.advanced;
      const newTenant = { apiUrl: other.cortexUrl, apiKey: pulumi.secret(otherKey.apiKey), apiKeyId: otherKey.apiKeyId };
      const moved = await session.engine.up(connectors({ registry: { tenant: newTenant } }));
      expect(moved.steps[0]).toMatchObject({ op: "replace", diff: { replaces: ["tenant.apiUrl"] } });
      expect(session.emulator.cortex.connectors()).toEqual([]);
      expect(other.cortex.connectors()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("CortexRegistryConnector import", () => {
  type ProviderModule = typeof import("../../provider/cortex/connectorProvider");

  const seedHarbor = (overrides: Record<string, unknown> = {}) =>
    session.emulator.cortex.put({ ...harborBody, password: "console-password", auth_token: "console-token", connector_id: "existing-1", ...overrides });

  it("adopts an existing connector by id with the import option: no create, the declared secrets written once", async () => {
    seedHarbor();
    session.engine = await startCortexEngine(session.emulator);
    session.emulator.clearRequests();
    const importing = connectors({ "harbor-prod": {} }, { "harbor-prod": { import: "existing-1" } });

    const plan = await session.engine.up(importing);
    expect(plan.steps.map((s) => s.op)).toEqual(["create"]);
    expect(connectorCalls(session.emulator.requests())).toEqual(["GET 200", "PUT 200"]);
    expect(session.engine.find("harbor-prod")).toMatchObject({ id: "existing-1", outputs: { connectorId: "existing-1" } });
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
    expect(session.emulator.cortex.get("existing-1")?.body).toMatchObject({ password: REGISTRY_PASSWORD, auth_token: REGISTRY_TOKEN });

    session.emulator.clearRequests();
    expect((await session.engine.up(importing)).steps.map((s) => s.op)).toEqual(["same"]);
    expect((await session.engine.up(connectors({ "harbor-prod": {} }))).steps.map((s) => s.op)).toEqual(["same"]);
    expect(session.emulator.requests()).toEqual([]);

    await session.engine.up(connectors({ "harbor-prod": { region: "eu-west-1" } }));
    expect(session.emulator.cortex.get("existing-1")?.body.region).toBe("eu-west-1");
  });

  it("ignores the import option once the connector is in the stack: a replacement creates a new connector", async () => {
    seedHarbor();
    session.engine = await startCortexEngine(session.emulator);
    const importing = { "harbor-prod": { import: "existing-1" } };
    await session.engine.up(connectors({ "harbor-prod": {} }, importing));

    session.emulator.clearRequests();
    const plan = await session.engine.up(connectors({ "harbor-prod": { vendor: "DOCKER" } }, importing));
    expect(plan.steps[0]).toMatchObject({ op: "replace", diff: { replaces: ["vendor"] } });
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 200", "DELETE 200"]);
    expect(session.emulator.cortex.get("existing-1")).toBeUndefined();
    expect(session.emulator.cortex.connectors().map((c) => c.body.vendor)).toEqual(["DOCKER"]);
  });

  it("refuses to import a connector the program does not describe as it is, changing nothing", async () => {
    seedHarbor({ region: "eu-west-1", outpost_id: "outpost-7" });
    session.engine = await startCortexEngine(session.emulator);
    session.emulator.clearRequests();
    const error = await session.engine.up(connectors({ "harbor-prod": {} }, { "harbor-prod": { import: "existing-1" } })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/Registry connector "existing-1" cannot be imported as declared/);
    expect((error as Error).message).toContain('region: the tenant has "eu-west-1", the program declares "us-east-1"');
    expect((error as Error).message).toContain('outpostId: the tenant has "outpost-7", the program declares nothing');
    expect(connectorCalls(session.emulator.requests())).toEqual(["GET 200"]);
    expect(session.engine.resources).toEqual([]);
  });

  it("says so when there is no connector with that id", async () => {
    session.engine = await startCortexEngine(session.emulator);
    const error = await session.engine.up(connectors({ a: {} }, { a: { import: "no-such-id" } })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/There is no registry connector with id "no-such-id" in the Cortex tenant http:\/\/127\.0\.0\.1:\d+/);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });

  it("cannot go through the engine's own import step, which reads with no state and so cannot load a dynamic provider", async () => {
    seedHarbor();
    const { cortexRegistryConnectorProvider } = requireBuilt<ProviderModule>("provider/cortex/connectorProvider");
    session.engine = await startCortexEngine(session.emulator);
    session.emulator.clearRequests();
    class RawDynamicResource extends pulumi.dynamic.Resource {}
    const raw = () =>
      void new RawDynamicResource(
        cortexRegistryConnectorProvider(),
        "raw",
        { ...harborArgs() },
        { import: "existing-1" },
        "registryScanning",
        "CortexRegistryConnector",
      );
    const plan = await session.engine.preview(raw);
    expect(plan.steps.map((s) => s.op)).toEqual(["import"]);
    const error = await session.engine.up(raw).catch((e: Error) => e);
    expect(String(error)).toMatch(/import of .*raw failed: .*code must be a string/);
    expect(session.emulator.requests()).toEqual([]);
  });
});

describe("CortexRegistryConnector stored body", () => {
  it("maps camelCase arguments to the API's snake_case body, vendor-specific fields included", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(
      connectors({
        gitlab: {
          vendor: "GITLAB_CONTAINER_REGISTRY",
          url: "https://gitlab.example.com",
          scanningMode: "BROKER",
          brokerId: "broker-1",
          brokerType: "BROKER_CLUSTER",
          initialScanConfiguration: {},
          assetScopeFilters: undefined,
          filterType: "EXCLUDE",
          vendorSpecificConfiguration: { groupIds: ["12", "34"], apiDomainName: "gitlab.example.com" },
          caCertificate: pulumi.secret("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
          allowStaticIps: true,
          ipIdentifier: "ip-1",
        },
      }),
    );
    expect(storedBody(session.emulator, "gitlab")).toMatchObject({
      vendor: "GITLAB_CONTAINER_REGISTRY",
      scanning_mode: "BROKER",
      broker_id: "broker-1",
      broker_type: "BROKER_CLUSTER",
      initial_scan_configuration: { mode: "ALL" },
      filter_type: "EXCLUDE",
      vendor_specific_configuration: { group_ids: ["12", "34"], api_domain_name: "gitlab.example.com" },
      ca_certificate: expect.stringContaining("BEGIN CERTIFICATE"),
      allow_static_ips: true,
      ip_identifier: "ip-1",
    });
    expect(storedBody(session.emulator, "gitlab")).not.toHaveProperty("asset_scope_filters");
    expect(session.engine.find("gitlab")!.outputs.vendorSpecificConfiguration).toEqual({ groupIds: ["12", "34"], apiDomainName: "gitlab.example.com" });
  });
});
