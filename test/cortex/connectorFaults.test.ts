import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { StepFailedError, type Engine } from "../../harness";
import { connectorCalls, connectors, REGISTRY_PASSWORD, REGISTRY_TOKEN, startCortexEngine } from "../support/cortexSession";

let emulator: Emulator;
let engine: Engine | undefined;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const cortex = { api: "cortex" as const };

/** An engine whose stack holds one connector "a", with the request log cleared. */
async function withOneConnector(): Promise<string> {
  engine = await startCortexEngine(emulator);
  await engine.up(connectors({ a: {} }));
  emulator.clearRequests();
  return engine.find("a")!.id;
}

describe("GET, PUT and DELETE recover from 503s and dropped connections", () => {
  it.each([
    ["a 503", () => emulator.faults.failNext(1, 503, { ...cortex, method: "GET" }), ["GET 503", "GET 200"]],
    ["a 500", () => emulator.faults.failNext(2, 500, { ...cortex, method: "GET" }), ["GET 500", "GET 500", "GET 200"]],
    ["a 429", () => emulator.faults.failNext(1, 429, { ...cortex, method: "GET" }), ["GET 429", "GET 200"]],
    ["a connection dropped before the answer", () => emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "GET" }), ["GET 0", "GET 200"]],
  ])("GET (refresh) retries %s", async (_case, fault, calls) => {
    await withOneConnector();
    fault();
    await engine!.refresh();
    expect(connectorCalls(emulator.requests())).toEqual(calls);
    expect(engine!.find("a")).toBeDefined();
  });

  it.each([
    ["a 503", () => emulator.faults.failNext(1, 503, { ...cortex, method: "PUT" }), ["PUT 503", "PUT 200"]],
    ["a connection dropped before the write", () => emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "PUT" }), ["PUT 0", "PUT 200"]],
    ["a connection dropped after the write", () => emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "PUT" }), ["PUT 0", "PUT 200"]],
  ])("PUT (update) retries %s: resending the full body is harmless", async (_case, fault, calls) => {
    const id = await withOneConnector();
    fault();
    await engine!.up(connectors({ a: { region: "eu-west-1" } }));
    expect(connectorCalls(emulator.requests())).toEqual(calls);
    expect(emulator.cortex.get(id)?.body).toMatchObject({ region: "eu-west-1", password: REGISTRY_PASSWORD, auth_token: REGISTRY_TOKEN });
  });

  it.each([
    ["a 503", () => emulator.faults.failNext(1, 503, { ...cortex, method: "DELETE" }), ["DELETE 503", "DELETE 200"]],
    ["a connection dropped before the delete", () => emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "DELETE" }), ["DELETE 0", "DELETE 200"]],
    // The first DELETE was applied; the retry finds nothing, which is the goal reached.
    ["a connection dropped after the delete", () => emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "DELETE" }), ["DELETE 0", "DELETE 404"]],
  ])("DELETE (destroy) retries %s", async (_case, fault, calls) => {
    await withOneConnector();
    fault();
    await engine!.destroy();
    expect(connectorCalls(emulator.requests())).toEqual(calls);
    expect(emulator.cortex.connectors()).toEqual([]);
    expect(engine!.resources).toEqual([]);
  });

  it("gives up on a tenant that keeps failing, with the status, the API's words, the attempts and a hint", async () => {
    const id = await withOneConnector();
    emulator.faults.failNext(50, 500, { ...cortex, method: "PUT" });
    const error = await engine!.up(connectors({ a: { region: "eu-west-1" } })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `Cortex PUT /public_api/v1/cwp/registry_onboarding/instances/${id} failed with HTTP 500: INTERNAL_ERROR: injected fault: HTTP 500 \\(after 6 attempts\\)\\. The tenant failed; run the command again`,
      ),
    );
  });
});

describe("POST is never resent blindly", () => {
  it("retries a 429, which proves nothing was created", async () => {
    engine = await startCortexEngine(emulator);
    emulator.faults.failNext(2, 429, { ...cortex, method: "POST" });
    await engine.up(connectors({ a: {} }));
    expect(connectorCalls(emulator.requests())).toEqual(["POST 429", "POST 429", "POST 200"]);
    expect(emulator.cortex.connectors()).toHaveLength(1);
  });

  it("does not retry a 503, and says the connector may exist and how to import it", async () => {
    engine = await startCortexEngine(emulator);
    emulator.faults.failNext(1, 503, { ...cortex, method: "POST" });
    const error = await engine.up(connectors({ "harbor-prod": {} })).catch((e: Error) => e);
    expect(connectorCalls(emulator.requests())).toEqual(["POST 503"]);
    expect((error as Error).message).toMatch(
      /Cortex POST \/public_api\/v1\/cwp\/registry_onboarding\/instances failed with HTTP 503: INTERNAL_ERROR: injected fault: HTTP 503\. The tenant failed while creating; the connector may or may not exist\. In the Cortex console, look for a registry connector named "harbor-prod".*\{ import: "<connector id>" \}/,
    );
    expect(engine.resources).toEqual([]);
    await engine.up(connectors({ "harbor-prod": {} }));
    expect(emulator.cortex.connectors()).toHaveLength(1);
  });

  it("fails a POST whose answer was lost after it was applied, naming the connector and the import, and the import adopts it", async () => {
    engine = await startCortexEngine(emulator);
    emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "POST" });
    const error = await engine.up(connectors({ "harbor-prod": {} })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/Cortex POST \/public_api\/v1\/cwp\/registry_onboarding\/instances lost its answer \(connection failed \(\w+\)\)/);
    expect(message).toContain('so registry connector "harbor-prod" may or may not have been created');
    expect(message).toContain("The request was not sent again");
    expect(message).toContain('add { import: "<connector id>" } to this CortexRegistryConnector\'s resource options, then run `pulumi up`');
    expect(connectorCalls(emulator.requests())).toEqual(["POST 0"]);
    expect(engine.resources).toEqual([]);

    // The user finds it in the console and imports it: no second connector.
    const [existing] = emulator.cortex.connectors();
    expect(existing.body.name).toBe("harbor-prod");
    emulator.clearRequests();
    await engine.up(connectors({ "harbor-prod": {} }, { "harbor-prod": { import: existing.connectorId } }));
    expect(connectorCalls(emulator.requests())).toEqual(["GET 200", "PUT 200"]);
    expect(emulator.cortex.connectors()).toHaveLength(1);
    expect(engine.find("harbor-prod")?.id).toBe(existing.connectorId);
  });

  it("says plainly that nothing was created when it could not connect at all", async () => {
    const closed = await startEmulator();
    const url = closed.cortexUrl;
    await closed.close();
    const key = emulator.credentials.cortex.advanced;
    engine = await startCortexEngine(emulator, { config: { "cortex:apiUrl": url, "cortex:apiKey": key.apiKey, "cortex:apiKeyId": key.apiKeyId } });
    const error = await engine.up(connectors({ a: {} })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /Cortex POST \/public_api\/v1\/cwp\/registry_onboarding\/instances failed with NETWORK_ERROR: connection failed \(ECONNREFUSED\)\. Nothing was sent, so no connector was created\. Check cortex:apiUrl/,
    );
  });

  it("treats a POST dropped before it was applied the same way: it cannot tell, so it does not resend", async () => {
    engine = await startCortexEngine(emulator);
    emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "POST" });
    const error = await engine.up(connectors({ "harbor-prod": {} })).catch((e: Error) => e);
    expect((error as Error).message).toContain('registry connector "harbor-prod" may or may not have been created');
    expect(connectorCalls(emulator.requests())).toEqual(["POST 0"]);
    expect(emulator.cortex.connectors()).toEqual([]);
  });
});
