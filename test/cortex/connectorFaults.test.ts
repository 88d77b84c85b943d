import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { StepFailedError } from "../../harness";
import { connectorCalls, connectors, REGISTRY_PASSWORD, REGISTRY_TOKEN, startCortexEngine } from "../support/cortexSession";
import { useEmulatorSession } from "../support/emulatorSession";

const session = useEmulatorSession();

const cortex = { api: "cortex" as const };

/** An engine whose stack holds one connector "a", with the request log cleared. */
async function withOneConnector(): Promise<string> {
  session.engine = await startCortexEngine(session.emulator);
  await session.engine.up(connectors({ a: {} }));
  session.emulator.clearRequests();
  return session.engine.find("a")!.id;
}

describe("GET, PUT and DELETE recover from 503s and dropped connections", () => {
  it.each([
    ["a 503", () => session.emulator.faults.failNext(1, 503, { ...cortex, method: "GET" }), ["GET 503", "GET 200"]],
    ["a 500", () => session.emulator.faults.failNext(2, 500, { ...cortex, method: "GET" }), ["GET 500", "GET 500", "GET 200"]],
    ["a 429", () => session.emulator.faults.failNext(1, 429, { ...cortex, method: "GET" }), ["GET 429", "GET 200"]],
    ["a connection dropped before the answer", () => session.emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "GET" }), ["GET 0", "GET 200"]],
  ])("GET (refresh) retries %s", async (_case, fault, calls) => {
    await withOneConnector();
    fault();
    await session.engine!.refresh();
    expect(connectorCalls(session.emulator.requests())).toEqual(calls);
    expect(session.engine!.find("a")).toBeDefined();
  });

  it.each([
    ["a 503", () => session.emulator.faults.failNext(1, 503, { ...cortex, method: "PUT" }), ["PUT 503", "PUT 200"]],
    ["a connection dropped before the write", () => session.emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "PUT" }), ["PUT 0", "PUT 200"]],
    ["a connection dropped after the write", () => session.emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "PUT" }), ["PUT 0", "PUT 200"]],
  ])("PUT (update) retries %s: resending the full body is harmless", async (_case, fault, calls) => {
    const id = await withOneConnector();
    fault();
    await session.engine!.up(connectors({ a: { region: "eu-west-1" } }));
    expect(connectorCalls(session.emulator.requests())).toEqual(calls);
    expect(session.emulator.cortex.get(id)?.body).toMatchObject({ region: "eu-west-1", password: REGISTRY_PASSWORD, auth_token: REGISTRY_TOKEN });
  });

  it.each([
    ["a 503", () => session.emulator.faults.failNext(1, 503, { ...cortex, method: "DELETE" }), ["DELETE 503", "DELETE 200"]],
    ["a connection dropped before the delete", () => session.emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "DELETE" }), ["DELETE 0", "DELETE 200"]],
    // The first DELETE was applied; the retry finds nothing, which is the goal reached.
    ["a connection dropped after the delete", () => session.emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "DELETE" }), ["DELETE 0", "DELETE 404"]],
  ])("DELETE (destroy) retries %s", async (_case, fault, calls) => {
    await withOneConnector();
    fault();
    await session.engine!.destroy();
    expect(connectorCalls(session.emulator.requests())).toEqual(calls);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine!.resources).toEqual([]);
  });

  it("gives up on a tenant that keeps failing, with the status, the API's words, the attempts and a hint", async () => {
    const id = await withOneConnector();
    session.emulator.faults.failNext(50, 500, { ...cortex, method: "PUT" });
    const error = await session.engine!.up(connectors({ a: { region: "eu-west-1" } })).catch((e: Error) => e);
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
    session.engine = await startCortexEngine(session.emulator);
    session.emulator.faults.failNext(2, 429, { ...cortex, method: "POST" });
    await session.engine.up(connectors({ a: {} }));
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 429", "POST 429", "POST 200"]);
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
  });

  const unknownOutcomes = [
    ["a 503 before the connector was stored", false, () => session.emulator.faults.failNext(1, 503, { ...cortex, method: "POST" }), /failed with HTTP 503 \(INTERNAL_ERROR: injected fault: HTTP 503\)/],
    ["a 500 after the connector was stored", true, () => session.emulator.faults.failNext(1, 500, { ...cortex, method: "POST", afterApply: true }), /failed with HTTP 500 \(INTERNAL_ERROR: injected fault: HTTP 500\)/],
    ["a connection dropped before the POST was applied", false, () => session.emulator.faults.dropNext(1, "before-apply", { ...cortex, method: "POST" }), /lost its answer \(connection failed \(\w+\)\)/],
    ["a connection dropped after the POST was applied", true, () => session.emulator.faults.dropNext(1, "after-apply", { ...cortex, method: "POST" }), /lost its answer \(connection failed \(\w+\)\)/],
  ] as const;

  it.each(unknownOutcomes)(
    "after %s: sends it once, records the connector as unconfirmed, and a plain rerun, refresh or destroy sends nothing and says how to finish",
    async (_case, stored, fault, cause) => {
      session.engine = await startCortexEngine(session.emulator);
      fault();
      const error = await session.engine.up(connectors({ "harbor-prod": {} })).catch((e: Error) => e);
      expect(error).toBeInstanceOf(StepFailedError);
      const message = (error as Error).message;
      expect(message).toMatch(cause);
      expect(message).toContain('so registry connector "harbor-prod" may or may not have been created');
      expect(message).toContain("This stack now records the connector as unconfirmed, so a plain `pulumi up` stops instead of creating a second one");
      expect(message).toContain('add { import: "<its connector id>" } to the resource\'s options');
      expect(connectorCalls(session.emulator.requests()).map((c) => c.split(" ")[0])).toEqual(["POST"]);
      expect(session.emulator.cortex.connectors()).toHaveLength(stored ? 1 : 0);

      // The placeholder: no connector id, the declared configuration without a secret.
      const placeholder = session.engine.find("harbor-prod")!;
      expect(placeholder.id).toMatch(/^unconfirmed-create-/);
      expect(placeholder.outputs).toMatchObject({ name: "harbor-prod", unconfirmedCreate: { name: "harbor-prod", apiUrl: session.emulator.cortexUrl } });
      expect(JSON.stringify(placeholder.outputs)).not.toContain(REGISTRY_PASSWORD);
      expect(JSON.stringify(placeholder.outputs)).not.toContain(REGISTRY_TOKEN);

      session.emulator.clearRequests();
      for (const step of [() => session.engine!.preview(connectors({ "harbor-prod": {} })), () => session.engine!.up(connectors({ "harbor-prod": {} }))]) {
        const again = await step().catch((e: Error) => e);
        expect((again as Error).message).toContain('Registry connector "harbor-prod" is recorded in this stack as unconfirmed');
        expect((again as Error).message).toContain("run `pulumi state delete <URN>` and `pulumi up`, which creates it");
      }
      await session.engine.refresh();
      expect(session.engine.find("harbor-prod")?.id).toBe(placeholder.id);
      const destroyed = await session.engine.destroy().catch((e: Error) => e);
      expect((destroyed as Error).message).toContain("to stop managing it: run `pulumi state delete <URN>`");
      expect(session.emulator.requests()).toEqual([]);
      expect(session.emulator.cortex.connectors()).toHaveLength(stored ? 1 : 0);

      // The user looks in the console and finishes: exactly one connector, in the stack.
      session.engine.stateDelete("harbor-prod");
      const [existing] = session.emulator.cortex.connectors();
      await session.engine.up(connectors({ "harbor-prod": {} }, stored ? { "harbor-prod": { import: existing.connectorId } } : {}));
      expect(session.emulator.cortex.connectors()).toHaveLength(1);
      const [connector] = session.emulator.cortex.connectors();
      expect(connector.body).toMatchObject({ name: "harbor-prod", password: REGISTRY_PASSWORD, auth_token: REGISTRY_TOKEN });
      expect(session.engine.find("harbor-prod")?.id).toBe(connector.connectorId);
    },
  );

  it("says plainly that nothing was created when it could not connect at all", async () => {
    const closed = await startEmulator();
    const url = closed.cortexUrl;
    await closed.close();
    const key = session.emulator.credentials.cortex.advanced;
    session.engine = await startCortexEngine(session.emulator, { config: { "cortex:apiUrl": url, "cortex:apiKey": key.apiKey, "cortex:apiKeyId": key.apiKeyId } });
    const error = await session.engine.up(connectors({ a: {} })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /Cortex POST \/public_api\/v1\/cwp\/registry_onboarding\/instances failed with NETWORK_ERROR: connection failed \(ECONNREFUSED\)\. Nothing was sent, so no connector was created\. Check cortex:apiUrl/,
    );
  });
});
