import { afterEach, describe, expect, it } from "vitest";
import type { FaultMatch } from "../../emulator";
import { CheckFailedError, StepFailedError } from "../../harness";
import { computeConfig, declaredSpecs, registryCalls, sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings } = sdk();
type Timeouts = { requestSeconds?: number; operationSeconds?: number };
const settings = (timeouts?: Timeouts) => () => void new RegistrySettings("compute", { specifications: declaredSpecs(2), timeouts });

const session = useEmulatorSession();
const registryGet: FaultMatch = { api: "compute", method: "GET", pathIncludes: "/settings/registry" };

/** Held requests are let go after each test, so the emulator closes cleanly. */
const releases: (() => void)[] = [];
afterEach(() => releases.splice(0).forEach((release) => release()));

/** The next `count` matching requests reach the console and get no answer until the test ends. */
function hang(match: FaultMatch, count = 10): void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  releases.push(release);
  for (let i = 0; i < count; i++) session.emulator.faults.holdNext(match, () => gate);
}

const engineWith = (config: Record<string, string> = {}, env: Record<string, string> = {}) =>
  startComputeEngine(session.emulator, { config: computeConfig(session.emulator, config), env: { ...process.env, ...env } });

describe("RegistrySettings time limits against a console that does not answer", () => {
  it("fails each attempt after the request timeout, naming the limit, its value and where to raise it", async () => {
    session.engine = await engineWith({ "prismaCloudCompute:requestTimeoutSeconds": "0.5" });
    hang(registryGet);
    const started = Date.now();
    const error = await session.engine.preview(settings()).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toContain(
      "Prisma Cloud Compute GET /api/v1/settings/registry failed with TIMEOUT: no answer from the console within the request timeout of 0.5 s " +
        "(from stack config prismaCloudCompute:requestTimeoutSeconds) (after 6 attempts). If the console is only slow, raise " +
        "prismaCloudCompute:requestTimeoutSeconds (or set the resource's timeouts.requestSeconds, which comes first)",
    );
    // Every attempt reached the console and was given up on: six, as the retry policy allows, none answered.
    expect(registryCalls(session.emulator.requests())).toEqual(Array(6).fill("GET 0"));
    // Six half-second attempts plus at most 7.75 s of backoff; the bound is generous for a loaded machine.
    expect(elapsed).toBeLessThan(60_000);
  });

  it("stops retrying when the operation timeout runs out, fewer attempts than the retry policy allows", async () => {
    session.engine = await engineWith();
    hang(registryGet);
    const started = Date.now();
    const error = await session.engine.preview(settings({ requestSeconds: 1, operationSeconds: 2.5 })).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(CheckFailedError);
    const message = (error as Error).message;
    // Either the last attempt was cut off, or its backoff would have reached the deadline: both name the limit.
    expect(message).toContain("the operation timeout of 2.5 s (from the resource's timeouts.operationSeconds)");
    expect(message).toContain("raise the resource's timeouts.operationSeconds");
    const attempts = registryCalls(session.emulator.requests()).length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThan(25_000);
  });

  it("starts no retry whose wait (the console's Retry-After) would reach the deadline", async () => {
    session.engine = await engineWith({ "prismaCloudCompute:operationTimeoutSeconds": "20" });
    session.emulator.faults.failNext(5, 503, { ...registryGet, retryAfterSeconds: 30 });
    const error = await session.engine.preview(settings()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toContain(
      "Prisma Cloud Compute: the operation timeout of 20 s (from stack config prismaCloudCompute:operationTimeoutSeconds) would run out " +
        "before attempt 2 of GET /api/v1/settings/registry (attempt 1 answered HTTP 503), due in 30 s. Nothing more was sent. " +
        "To allow more time, raise prismaCloudCompute:operationTimeoutSeconds",
    );
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 503"]);
  });

  it("counts the settle wait of a write: a wait that would pass the deadline fails the write, which the state keeps", async () => {
    session.engine = await engineWith({ "prismaCloudCompute:operationTimeoutSeconds": "10" }, { PRISMA_CLOUD_COMPUTE_SETTLE_MS: "30000" });
    const error = await session.engine.up(settings()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toContain(
      "the operation timeout of 10 s (from stack config prismaCloudCompute:operationTimeoutSeconds) would run out before the settle re-read " +
        "of the registry list (the write itself was applied and verified), due in 30 s",
    );
    // Check's read, then read, write, verify; the re-read never started.
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    expect(session.emulator.compute.entries()).toHaveLength(2);
    expect(session.engine.find("compute")?.outputs).toMatchObject({ managedCount: 2 });
  });
});

describe("where RegistrySettings time limits come from", () => {
  // A 503 asking for a retry in 30 s stops at once under any of these limits, naming the one in force.
  it.each([
    ["the environment", {}, "from environment variable PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS", "of 20 s"],
    ["stack config over the environment", { "prismaCloudCompute:operationTimeoutSeconds": "25" }, "from stack config prismaCloudCompute:operationTimeoutSeconds", "of 25 s"],
  ])("takes %s", async (_case, config, source, value) => {
    session.engine = await engineWith(config, { PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS: "20" });
    session.emulator.faults.failNext(1, 503, { ...registryGet, retryAfterSeconds: 30 });
    const error = await session.engine.preview(settings()).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`the operation timeout ${value} (${source})`);
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 503"]);
  });

  it("takes the resource's argument over stack config and the environment", async () => {
    session.engine = await engineWith({ "prismaCloudCompute:operationTimeoutSeconds": "25" }, { PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS: "20" });
    session.emulator.faults.failNext(1, 503, { ...registryGet, retryAfterSeconds: 30 });
    const error = await session.engine.preview(settings({ operationSeconds: 15 })).catch((e: unknown) => e);
    expect((error as Error).message).toContain("the operation timeout of 15 s (from the resource's timeouts.operationSeconds)");
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 503"]);
  });
});

describe("bad RegistrySettings time limits", () => {
  it.each([
    [
      "a negative argument",
      { requestSeconds: -1 },
      {},
      {},
      "timeouts.requestSeconds: must be a number of seconds greater than 0 and at most 3600, not -1",
    ],
    [
      "an argument that is not a number",
      { operationSeconds: "soon" as unknown as number },
      {},
      {},
      'timeouts.operationSeconds: must be a number of seconds greater than 0 and at most 86400, not "soon"',
    ],
    [
      "stack config that is not a number",
      undefined,
      { "prismaCloudCompute:requestTimeoutSeconds": "abc" },
      {},
      'stack config prismaCloudCompute:requestTimeoutSeconds must be a number of seconds greater than 0 and at most 3600, not "abc"',
    ],
    [
      "an environment variable absurdly large",
      undefined,
      {},
      { PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS: "1e9" },
      'environment variable PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS must be a number of seconds greater than 0 and at most 86400, not "1e9"',
    ],
  ])("refuses %s in check, naming the field, the rule and the value, before any request", async (_case, timeouts, config, env, reason) => {
    session.engine = await engineWith(config, env);
    const error = await session.engine.preview(settings(timeouts)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).failures.map((f) => f.reason)).toContain(reason);
    expect(session.emulator.requests()).toEqual([]);
  });
});

describe("changing RegistrySettings time limits", () => {
  it("is an update that writes nothing to the console, never a replacement, and survives a refresh", async () => {
    session.engine = await engineWith();
    await session.engine.up(settings());
    session.emulator.clearRequests();

    const timeouts = { requestSeconds: 30, operationSeconds: 300 };
    const plan = await session.engine.up(settings(timeouts));
    expect(plan.steps.map((s) => s.op)).toEqual(["update"]);
    expect(plan.steps[0].diff?.replaces).toEqual([]);
    // Check's read only: the update itself sends nothing.
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200"]);
    expect(session.engine.find("compute")?.outputs.timeouts).toEqual(timeouts);

    expect((await session.engine.preview(settings(timeouts))).steps.map((s) => s.op)).toEqual(["same"]);
    await session.engine.refresh();
    expect(session.engine.find("compute")?.outputs.timeouts).toEqual(timeouts);
    expect((await session.engine.preview(settings(timeouts))).steps.map((s) => s.op)).toEqual(["same"]);

    session.emulator.clearRequests();
    await session.engine.up(settings());
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200"]);
    expect(session.engine.find("compute")?.outputs).not.toHaveProperty("timeouts");
    expect(session.emulator.compute.entries()).toHaveLength(2);
  });
});
