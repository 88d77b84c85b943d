import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../../emulator";
import { captureProgram, Engine, StepFailedError } from "../../harness";
import {
  connectorCalls,
  connectors,
  cortexConfig,
  harborArgs,
  INSTANCES_PATH,
  REGISTRY_PASSWORD,
  REGISTRY_TOKEN,
  sdk,
  startCortexEngine,
} from "../support/cortexSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { CortexRegistryConnector } = sdk();

const session = useEmulatorSession();

const cortexRequests = () => session.emulator.requests().filter((r) => r.path.startsWith(INSTANCES_PATH));

describe("Cortex API keys", () => {
  it("signs every request with an advanced key the emulator accepts: fresh nonce and timestamp, the key never sent", async () => {
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.advanced;
    session.engine = await startCortexEngine(session.emulator, { keyType: "advanced" });
    const before = Date.now();
    await session.engine.up(connectors({ a: {}, b: {}, c: {} }));
    await session.engine.refresh();
    await session.engine.up(connectors({ a: { region: "eu-west-1" }, b: {}, c: {} }));
    await session.engine.destroy();

    const requests = cortexRequests();
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      ...Array(3).fill("POST 200"),
      ...Array(3).fill("GET 200"),
      "PUT 200",
      ...Array(3).fill("DELETE 200"),
    ]);
    for (const request of requests) {
      expect(request.headers["x-xdr-auth-id"]).toBe(apiKeyId);
      expect(request.headers.authorization).toBe("***");
      expect(request.headers["x-xdr-nonce"]).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(Number(request.headers["x-xdr-timestamp"])).toBeGreaterThanOrEqual(before);
      expect(Number(request.headers["x-xdr-timestamp"])).toBeLessThanOrEqual(Date.now());
      expect(JSON.stringify(request.headers)).not.toContain(apiKey);
    }
    expect(new Set(requests.map((r) => r.headers["x-xdr-nonce"])).size).toBe(requests.length);
  });

  it("signs each retry afresh, so a retried request is not refused as a replay", async () => {
    session.engine = await startCortexEngine(session.emulator, { keyType: "advanced" });
    await session.engine.up(connectors({ a: {} }));
    session.emulator.clearRequests();
    session.emulator.faults.failNext(2, 503, { api: "cortex", method: "GET" });
    await session.engine.refresh();
    const gets = cortexRequests();
    expect(gets.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(gets.map((r) => r.headers["x-xdr-nonce"])).size).toBe(3);
  });

  it("works with a standard key, which travels as it is", async () => {
    session.engine = await startCortexEngine(session.emulator, { keyType: "standard" });
    await session.engine.up(connectors({ a: {} }));
    const [post] = cortexRequests();
    expect(post).toMatchObject({ method: "POST", status: 200, headers: { "x-xdr-auth-id": session.emulator.credentials.cortex.standard.apiKeyId } });
    expect(post.headers).not.toHaveProperty("x-xdr-nonce");
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
  });

  it("reports a wrong key with the status, the API's words and what to check, never the key", async () => {
    const wrongKey = `${session.emulator.credentials.cortex.advanced.apiKey.slice(0, 60)}XXXX`;
    session.engine = await startCortexEngine(session.emulator, { config: { ...cortexConfig(session.emulator), "cortex:apiKey": wrongKey } });
    const error = await session.engine.up(connectors({ a: {} })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toMatch(
      /Cortex POST \/public_api\/v1\/cwp\/registry_onboarding\/instances failed with HTTP 401: UNAUTHORIZED: invalid API key signature\. Check the API key: cortex:apiKey, cortex:apiKeyId and cortex:apiKeyType/,
    );
    expect((error as Error).message).not.toContain(wrongKey);
    expect(session.engine.host.output()).not.toContain(wrongKey);
  });
});

describe("Where the connection comes from", () => {
  it("uses the resource's tenant, keys as secrets, with no stack config at all", async () => {
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.advanced;
    session.engine = await Engine.start();
    await session.engine.up(connectors({ a: { tenant: { apiUrl: session.emulator.cortexUrl, apiKey: pulumi.secret(apiKey), apiKeyId: pulumi.secret(apiKeyId) } } }));
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
    expect(session.engine.find("a")?.secretKeys).toEqual(expect.arrayContaining(["password", "authToken", "tenant"]));
    expect(session.engine.checkpointText()).not.toContain(apiKey);
    await session.engine.destroy();
    expect(session.emulator.cortex.connectors()).toHaveLength(0);
  });

  it("falls back to the CORTEX_* environment variables", async () => {
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.standard;
    session.engine = await Engine.start({
      env: { ...process.env, CORTEX_API_URL: session.emulator.cortexUrl, CORTEX_API_KEY: apiKey, CORTEX_API_KEY_ID: apiKeyId, CORTEX_API_KEY_TYPE: "standard" },
    });
    await session.engine.up(connectors({ a: {} }));
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
  });

  it("says which settings are missing when there is no tenant anywhere, before any request", async () => {
    session.engine = await Engine.start({ env: { PATH: process.env.PATH } });
    const error = await session.engine.up(connectors({ a: {} })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/No Cortex apiUrl, apiKey, apiKeyId configured: set cortex:apiUrl \(or CORTEX_API_URL\)/);
    expect(session.emulator.requests()).toEqual([]);
  });

  it("refuses to move a connector through cortex:apiUrl: it says where the connector lives and what to do, and creates nothing", async () => {
    const other = await startEmulator();
    try {
      session.engine = await startCortexEngine(session.emulator);
      await session.engine.up(connectors({ a: {} }));
      const state = session.engine.resources;
      await session.engine.stop();
      // The same stack, with cortex:apiUrl and its key now pointing at another tenant.
      session.engine = await startCortexEngine(other);
      session.engine.resources = state;

      const tenantMoved =
        /This connector lives in the Cortex tenant http:\/\/127\.0\.0\.1:\d+, but cortex:apiUrl now says http:\/\/127\.0\.0\.1:\d+\..*restore the old cortex:apiUrl.*give the resource a `tenant` argument with the old tenant's URL .* then change tenant\.apiUrl.*`pulumi state delete/s;
      const previewError = await session.engine.preview(connectors({ a: {} })).catch((e: Error) => e);
      expect((previewError as Error).message).toMatch(tenantMoved);
      const upError = await session.engine.up(connectors({ a: {} })).catch((e: Error) => e);
      expect(upError).toBeInstanceOf(Error);
      expect((upError as Error).message).toMatch(tenantMoved);
      expect((upError as Error).message).toContain(session.emulator.cortexUrl);
      expect((upError as Error).message).toContain(other.cortexUrl);
      // Nothing was created in the new tenant, nothing deleted in the old one, and the state still holds the connector.
      expect(other.requests()).toEqual([]);
      expect(other.cortex.connectors()).toEqual([]);
      expect(session.emulator.cortex.connectors()).toHaveLength(1);
      expect(session.engine.resources).toEqual(state);

      const error = await session.engine.destroy().catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        /This connector lives in the Cortex tenant http:\/\/127\.0\.0\.1:\d+, but the tenant configured now is http:\/\/127\.0\.0\.1:\d+\. Point cortex:apiUrl \(and its key\) back/,
      );
      expect(other.requests()).toEqual([]);
      expect(session.emulator.cortex.connectors()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("says CORTEX_API_URL when the environment moved the tenant", async () => {
    const other = await startEmulator();
    try {
      const envOf = (emulator: typeof other) => {
        const { apiKey, apiKeyId } = emulator.credentials.cortex.standard;
        return { ...process.env, CORTEX_API_URL: emulator.cortexUrl, CORTEX_API_KEY: apiKey, CORTEX_API_KEY_ID: apiKeyId, CORTEX_API_KEY_TYPE: "standard" };
      };
      session.engine = await Engine.start({ env: envOf(session.emulator) });
      await session.engine.up(connectors({ a: {} }));
      const state = session.engine.resources;
      await session.engine.stop();
      session.engine = await Engine.start({ env: envOf(other) });
      session.engine.resources = state;
      const error = await session.engine.up(connectors({ a: {} })).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/lives in the Cortex tenant http:\/\/127\.0\.0\.1:\d+, but CORTEX_API_URL now says http:\/\/127\.0\.0\.1:\d+/);
      expect(other.cortex.connectors()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("treats another spelling of the same tenant URL as the same tenant", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ a: {} }));
    const state = session.engine.resources;
    await session.engine.stop();
    const respelled = `${session.emulator.cortexUrl.replace("http://", "HTTP://")}/`;
    session.engine = await startCortexEngine(session.emulator, { config: { ...cortexConfig(session.emulator), "cortex:apiUrl": respelled } });
    session.engine.resources = state;
    const plan = await session.engine.up(connectors({ a: {} }));
    expect(plan.steps.map((s) => s.op)).toEqual(["same"]);
    await session.engine.refresh();
    await session.engine.destroy();
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });
});

describe("Secrets never leak", () => {
  it("keeps the registry credentials and the API key out of the serialized provider, the state, the host's logs and errors", async () => {
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.advanced;
    const secrets = [REGISTRY_PASSWORD, REGISTRY_TOKEN, apiKey];
    const tenant = { apiUrl: session.emulator.cortexUrl, apiKey: pulumi.secret(apiKey), apiKeyId };
    const program = (overrides = {}) => () => void new CortexRegistryConnector("c", harborArgs({ tenant, ...overrides }));

    const [captured] = await captureProgram(program());
    for (const secret of secrets) expect(String(captured.inputs.__provider)).not.toContain(secret);
    expect(String(captured.inputs.__provider)).not.toContain("CortexClient");

    session.engine = await Engine.start();
    await session.engine.up(program());
    await session.engine.refresh();
    await session.engine.up(program({ region: "eu-west-1" }));

    const errors: string[] = [];
    session.emulator.faults.failNext(50, 503, { api: "cortex", method: "PUT" });
    errors.push(String(await session.engine.up(program({ region: "us-west-2" })).catch((e: Error) => e)));
    session.emulator.faults.clear();
    const badKey = { ...tenant, apiKey: pulumi.secret(`${apiKey.slice(0, 60)}XXXX`) };
    errors.push(String(await session.engine.up(program({ tenant: badKey, region: "us-west-2" })).catch((e: Error) => e)));
    errors.push(String(await session.engine.up(program({ password: pulumi.secret(REGISTRY_PASSWORD), url: REGISTRY_TOKEN })).catch((e: Error) => e)));
    // Last: a replacement whose create loses its answer leaves the connector unconfirmed, which stops later steps.
    session.emulator.faults.dropNext(1, "after-apply", { api: "cortex", method: "POST" });
    errors.push(String(await session.engine.up(program({ vendor: "DOCKER" })).catch((e: Error) => e)));
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => e.includes("Error"))).toBe(true);

    // The replacement whose create lost its answer is unconfirmed; the user says there is none, then destroys.
    for (const secret of secrets) expect(session.engine.checkpointText()).not.toContain(secret);
    session.engine.stateDelete("c");
    await session.engine.destroy();
    for (const secret of secrets) {
      expect(session.engine.checkpointText()).not.toContain(secret);
      expect(session.engine.host.output()).not.toContain(secret);
      for (const error of errors) expect(error).not.toContain(secret);
    }
  });

  it("keeps the state's secrets encrypted in the checkpoint while the connector exists", async () => {
    session.engine = await startCortexEngine(session.emulator);
    await session.engine.up(connectors({ a: { caCertificate: pulumi.secret("-----BEGIN CERTIFICATE-----\nMIIB-private\n-----END CERTIFICATE-----") } }));
    await session.engine.refresh();
    const text = session.engine.checkpointText();
    for (const secret of [REGISTRY_PASSWORD, REGISTRY_TOKEN, "MIIB-private", session.emulator.credentials.cortex.advanced.apiKey]) expect(text).not.toContain(secret);
    expect(session.engine.find("a")?.secretKeys).toEqual(expect.arrayContaining(["password", "authToken", "caCertificate"]));
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 200", "GET 200"]);
  });
});
