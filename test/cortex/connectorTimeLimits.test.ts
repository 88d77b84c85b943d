import { afterEach, describe, expect, it } from "vitest";
import type { FaultMatch } from "../../emulator";
import { CheckFailedError, StepFailedError } from "../../harness";
import { TIME_LIMIT_SETTINGS } from "../../provider/cortex/connection";
import { CortexClient } from "../../provider/cortex/cortexClient";
import { OperationTimeoutError, startOperation } from "../../provider/http/deadline";
import { sharedLimiter } from "../../provider/http/rateLimiter";
import { resolveTimeLimits } from "../../provider/timeLimits";
import { connectorCalls, connectors, cortexConfig, startCortexEngine } from "../support/cortexSession";
import { useEmulatorSession } from "../support/emulatorSession";

type Timeouts = { requestSeconds?: number; operationSeconds?: number };
const oneConnector = (timeouts?: Timeouts) => connectors({ a: { timeouts } });

const session = useEmulatorSession();
const cortex = { api: "cortex" as const };

/** Held requests are let go after each test, so the emulator closes cleanly. */
const releases: (() => void)[] = [];
afterEach(() => releases.splice(0).forEach((release) => release()));

/** The next `count` matching requests reach the tenant and get no answer until the test ends. */
function hang(match: FaultMatch, count = 10): void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  releases.push(release);
  for (let i = 0; i < count; i++) session.emulator.faults.holdNext(match, () => gate);
}

const engineWith = (config: Record<string, string> = {}, env: Record<string, string> = {}) =>
  startCortexEngine(session.emulator, { config: { ...cortexConfig(session.emulator), ...config }, env: { ...process.env, ...env } });

describe("CortexRegistryConnector time limits against a tenant that does not answer", () => {
  it("fails a create after the request timeout, once, naming the limit, its value and where to raise it", async () => {
    session.engine = await engineWith({ "cortex:requestTimeoutSeconds": "1" });
    hang({ ...cortex, method: "POST" });
    const started = Date.now();
    const error = await session.engine.up(oneConnector()).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(StepFailedError);
    const message = (error as Error).message;
    expect(message).toContain(
      "lost its answer (no answer from the tenant within the request timeout of 1 s (from stack config cortex:requestTimeoutSeconds)), " +
        'so registry connector "a" may or may not have been created',
    );
    expect(message).toContain("If the tenant is only slow, raise cortex:requestTimeoutSeconds (or set the resource's timeouts.requestSeconds, which comes first).");
    // A create is never resent after a lost answer, a timeout included.
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 0"]);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("stops retrying a read when the operation timeout (kept in the state) runs out", async () => {
    session.engine = await engineWith();
    await session.engine.up(oneConnector({ requestSeconds: 1, operationSeconds: 2.5 }));
    session.emulator.clearRequests();
    hang({ ...cortex, method: "GET" });
    const started = Date.now();
    const error = await session.engine.refresh().catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("the operation timeout of 2.5 s (from the resource's timeouts.operationSeconds)");
    expect(message).toContain("raise the resource's timeouts.operationSeconds");
    const attempts = connectorCalls(session.emulator.requests()).length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThan(25_000);
  });

  it("counts the wait for the tenant's rate limit: a request still queued at the deadline leaves the queue unsent", async () => {
    const { apiKey, apiKeyId } = session.emulator.credentials.cortex.standard;
    const connection = { apiUrl: session.emulator.cortexUrl, apiKey, apiKeyId, apiKeyType: "standard" as const };
    const rateLimit = { limit: 1, windowMs: 60_000 };
    const limits = startOperation(resolveTimeLimits(TIME_LIMIT_SETTINGS, { operationSeconds: 1 }, {}, {}));
    const client = new CortexClient(connection, limits, { rateLimit });

    expect(await client.get("no-such-connector")).toBeUndefined();
    const started = Date.now();
    const error = await client.get("no-such-connector").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect((error as Error).message).toBe(
      "Cortex: the operation timeout of 1 s (from the resource's timeouts.operationSeconds) ran out while GET " +
        "/public_api/v1/cwp/registry_onboarding/instances/no-such-connector waited for its turn under the rate limit. Nothing more was sent. " +
        "To allow more time, raise the resource's timeouts.operationSeconds.",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(connectorCalls(session.emulator.requests())).toEqual(["GET 404"]);
    expect(sharedLimiter(`cortex ${connection.apiUrl}`, rateLimit).queued).toBe(0);
  });
});

describe("where CortexRegistryConnector time limits come from", () => {
  // A 429 asking for a retry in 30 s (a create retries only a 429) stops at once under any of these limits, naming the one in force.
  it.each([
    ["the environment", {}, undefined, "of 20 s (from environment variable CORTEX_OPERATION_TIMEOUT_SECONDS)"],
    ["stack config over the environment", { "cortex:operationTimeoutSeconds": "25" }, undefined, "of 25 s (from stack config cortex:operationTimeoutSeconds)"],
    ["the resource's argument over both", { "cortex:operationTimeoutSeconds": "25" }, { operationSeconds: 15 }, "of 15 s (from the resource's timeouts.operationSeconds)"],
  ])("takes %s", async (_case, config, timeouts, limit) => {
    session.engine = await engineWith(config, { CORTEX_OPERATION_TIMEOUT_SECONDS: "20" });
    session.emulator.faults.failNext(1, 429, { ...cortex, method: "POST", retryAfterSeconds: 30 });
    const error = await session.engine.up(oneConnector(timeouts)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toContain(
      `Cortex: the operation timeout ${limit} would run out before attempt 2 of POST /public_api/v1/cwp/registry_onboarding/instances ` +
        "(attempt 1 answered HTTP 429), due in 30 s. Nothing more was sent.",
    );
    expect(connectorCalls(session.emulator.requests())).toEqual(["POST 429"]);
    expect(session.emulator.cortex.connectors()).toEqual([]);
    expect(session.engine.resources).toEqual([]);
  });
});

describe("bad CortexRegistryConnector time limits", () => {
  it.each([
    ["a zero argument", { requestSeconds: 0 }, {}, {}, "timeouts.requestSeconds: must be a number of seconds greater than 0 and at most 3600, not 0"],
    [
      "an argument absurdly large",
      { operationSeconds: 1e7 },
      {},
      {},
      "timeouts.operationSeconds: must be a number of seconds greater than 0 and at most 86400, not 10000000",
    ],
    ["a misspelt field", { requestSecs: 5 } as Timeouts, {}, {}, "timeouts.requestSecs: is not a known field; check its spelling"],
    [
      "stack config that is negative",
      undefined,
      { "cortex:operationTimeoutSeconds": "-5" },
      {},
      'stack config cortex:operationTimeoutSeconds must be a number of seconds greater than 0 and at most 86400, not "-5"',
    ],
    [
      "an environment variable that is not a number",
      undefined,
      {},
      { CORTEX_REQUEST_TIMEOUT_SECONDS: "30s" },
      'environment variable CORTEX_REQUEST_TIMEOUT_SECONDS must be a number of seconds greater than 0 and at most 3600, not "30s"',
    ],
  ])("refuses %s in check, naming the field, the rule and the value, before any request", async (_case, timeouts, config, env, reason) => {
    session.engine = await engineWith(config, env);
    const error = await session.engine.preview(oneConnector(timeouts)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures.map((f) => f.reason)).toContain(reason);
    expect(session.emulator.requests()).toEqual([]);
  });
});

describe("changing CortexRegistryConnector time limits", () => {
  it("is an update that sends nothing to the tenant, never a replacement, and survives a refresh", async () => {
    session.engine = await engineWith();
    await session.engine.up(oneConnector());
    const id = session.engine.find("a")!.id;
    session.emulator.clearRequests();

    const timeouts = { requestSeconds: 30, operationSeconds: 300 };
    const plan = await session.engine.up(oneConnector(timeouts));
    expect(plan.steps.map((s) => s.op)).toEqual(["update"]);
    expect(plan.steps[0].diff?.replaces).toEqual([]);
    expect(session.emulator.requests()).toEqual([]);
    expect(session.engine.find("a")).toMatchObject({ id, outputs: { timeouts } });

    expect((await session.engine.preview(oneConnector(timeouts))).steps.map((s) => s.op)).toEqual(["same"]);
    await session.engine.refresh();
    expect(session.engine.find("a")?.outputs.timeouts).toEqual(timeouts);
    expect((await session.engine.preview(oneConnector(timeouts))).steps.map((s) => s.op)).toEqual(["same"]);

    session.emulator.clearRequests();
    await session.engine.up(oneConnector());
    expect(session.emulator.requests()).toEqual([]);
    expect(session.engine.find("a")?.outputs).not.toHaveProperty("timeouts");
    expect(session.emulator.cortex.connectors()).toHaveLength(1);
  });
});
