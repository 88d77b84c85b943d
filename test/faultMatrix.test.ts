/**
 * The fault matrix: every fault the emulator can inject, against every verb of
 * both resources. Each cell checks what a user would notice (the step recovers,
 * or fails with a message that names the status, the API's words and what to
 * do next, without a JavaScript stack), what reached the emulator, that
 * nothing outside the stack changed (the console's other entries and the
 * tenant's other connectors, field by field), and that a plain rerun once the
 * fault is gone reaches the declared state.
 *
 * `npm test` runs a representative subset (every fault and every verb at least
 * once); `FAULT_MATRIX=full npx vitest run test/faultMatrix.test.ts` runs all.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CustomResourceOptions } from "@pulumi/pulumi";
import { fixtureCredentials } from "./support/consoleSeeds";
import { startEmulator, type Emulator, type FaultMatch, type FaultStatus } from "../emulator";
import type { Engine } from "../harness";
import { computeConfig, consoleOnlyEntry, declaredSpecs, registryCalls, sdk as computeSdk, startComputeEngine } from "./support/computeSession";
import { connectors, cortexConfig, harborArgs, INSTANCES_PATH, REGISTRY_PASSWORD, REGISTRY_TOKEN, startCortexEngine } from "./support/cortexSession";

type Api = "compute" | "cortex";
type Verb = "create" | "update" | "delete" | "refresh";

type Fault =
  | { kind: "status"; name: string; status: FaultStatus; times: "once" | "always"; retryAfterSeconds?: number }
  | { kind: "drop"; name: string; when: "before-apply" | "after-apply" }
  /** `beyondTimeout`: the latency is longer than the 1 s request timeout the cell configures. */
  | { kind: "latency"; name: string; ms: number; beyondTimeout: boolean }
  /** Compute only: the cached bearer token has expired when the verb starts. */
  | { kind: "token-expiry"; name: string }
  /** Compute only: the console refuses the login (wrong password in stack config). */
  | { kind: "login-refused"; name: string };

const FAULTS: readonly Fault[] = [
  { kind: "status", name: "500 once", status: 500, times: "once" },
  { kind: "status", name: "500 always", status: 500, times: "always" },
  { kind: "status", name: "502 once", status: 502, times: "once" },
  { kind: "status", name: "503 once", status: 503, times: "once" },
  { kind: "status", name: "503 always", status: 503, times: "always" },
  { kind: "status", name: "429 with Retry-After: 1", status: 429, times: "once", retryAfterSeconds: 1 },
  { kind: "status", name: "429 without Retry-After", status: 429, times: "once" },
  { kind: "drop", name: "connection dropped before the request is applied", when: "before-apply" },
  { kind: "drop", name: "connection dropped after the request is applied", when: "after-apply" },
  { kind: "latency", name: "5 s latency over a 1 s request timeout", ms: 5_000, beyondTimeout: true },
  { kind: "latency", name: "300 ms latency under a 1 s request timeout", ms: 300, beyondTimeout: false },
  { kind: "token-expiry", name: "bearer token expired" },
  { kind: "login-refused", name: "401 on login" },
];

const VERBS: readonly Verb[] = ["create", "update", "delete", "refresh"];

interface Cell {
  api: Api;
  verb: Verb;
  fault: Fault;
}

const appliesTo = (fault: Fault, api: Api): boolean => api === "compute" || (fault.kind !== "token-expiry" && fault.kind !== "login-refused");

const ALL_CELLS: readonly Cell[] = (["compute", "cortex"] as const).flatMap((api) =>
  VERBS.flatMap((verb) => FAULTS.filter((fault) => appliesTo(fault, api)).map((fault) => ({ api, verb, fault }))),
);

/** The default run: every fault and every verb of both resources at least once, the slow ("always") cells kept few. */
const DEFAULT_CELLS: readonly string[] = [
  "compute create 500 once",
  "compute create 5 s latency over a 1 s request timeout",
  "compute update 429 without Retry-After",
  "compute update 401 on login",
  "compute delete connection dropped before the request is applied",
  "compute delete 503 always",
  "compute refresh bearer token expired",
  "cortex create 503 once",
  "cortex create connection dropped after the request is applied",
  "cortex create 429 with Retry-After: 1",
  "cortex update 500 always",
  "cortex update 300 ms latency under a 1 s request timeout",
  "cortex delete connection dropped after the request is applied",
  "cortex refresh 502 once",
];

const cellKey = (cell: Cell): string => `${cell.api} ${cell.verb} ${cell.fault.name}`;
const FULL = process.env.FAULT_MATRIX === "full";
const CELLS = FULL ? ALL_CELLS : ALL_CELLS.filter((cell) => DEFAULT_CELLS.includes(cellKey(cell)));
if (!FULL && CELLS.length !== DEFAULT_CELLS.length) throw new Error("a DEFAULT_CELLS name matches no cell of the matrix");
console.log(
  `fault matrix: ${CELLS.length} of ${ALL_CELLS.length} cells ` +
    `(${CELLS.filter((c) => c.api === "compute").length} RegistrySettings, ${CELLS.filter((c) => c.api === "cortex").length} CortexRegistryConnector)` +
    `${FULL ? "" : "; FAULT_MATRIX=full runs all"}`,
);

/** What the cell's user sees after the faulted command. */
type Outcome = "recovers" | "fails" | "unconfirmed-create";

function outcomeOf({ api, verb, fault }: Cell): Outcome {
  // A Cortex create is sent once: only a 429 proves it was not applied; any other fault leaves its outcome unknown.
  const post = api === "cortex" && verb === "create";
  switch (fault.kind) {
    case "status":
      if (post) return fault.status === 429 ? "recovers" : "unconfirmed-create";
      return fault.times === "always" ? "fails" : "recovers";
    case "drop":
      return post ? "unconfirmed-create" : "recovers";
    case "latency":
      if (!fault.beyondTimeout) return "recovers";
      return post ? "unconfirmed-create" : "fails";
    case "token-expiry":
      return "recovers";
    case "login-refused":
      return "fails";
  }
}

/** Whether a Cortex create whose outcome is unknown was in fact stored by the tenant. */
function postWasStored(fault: Fault): boolean {
  return (fault.kind === "drop" && fault.when === "after-apply") || (fault.kind === "latency" && fault.beyondTimeout);
}

const ALWAYS = 50;
const MAX_ATTEMPTS = 6;
const REQUEST_TIMEOUT_SECONDS = "1";
const OPERATION_TIMEOUT_SECONDS = "4";
const COMPUTE_API = "Prisma Cloud Compute";
const COMPUTE_REGISTRY_PATH = "/api/v1/settings/registry";

// ---------------------------------------------------------------------------
// Emulators and engines

let emulator: Emulator;
/** Compute tokens live 1 s here, so a token cached by the provider host has expired when the verb starts. */
let shortLivedTokens: Emulator;
const engines: Engine[] = [];

beforeAll(async () => {
  [emulator, shortLivedTokens] = await Promise.all([
    startEmulator({ compute: { credentials: fixtureCredentials() } }),
    startEmulator({ compute: { tokenLifetimeSeconds: 1, credentials: fixtureCredentials() } }),
  ]);
});
afterAll(async () => {
  await Promise.all([emulator.close(), shortLivedTokens.close()]);
});
beforeEach(() => {
  emulator.reset();
  shortLivedTokens.reset();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Latency cells run with a 1 s request timeout and a 4 s operation timeout, from stack config. */
function timeLimitConfig(api: Api, fault: Fault): Record<string, string> {
  if (fault.kind !== "latency") return {};
  const prefix = api === "compute" ? "prismaCloudCompute" : "cortex";
  return { [`${prefix}:requestTimeoutSeconds`]: REQUEST_TIMEOUT_SECONDS, [`${prefix}:operationTimeoutSeconds`]: OPERATION_TIMEOUT_SECONDS };
}

/** Runs `action` right after the `n`th request matching `match` was applied (before it is answered). */
function afterNthApplied(target: Emulator, match: FaultMatch, n: number, action: () => void): void {
  target.faults.afterApply(match, n <= 1 ? action : () => afterNthApplied(target, match, n - 1, action));
}

/**
 * Installs the fault on the verb's own request (`match`). Latency beyond the
 * timeout starts with that request: `latencyFrom` arranges it for a verb whose
 * earlier requests (the preview's read, the apply's read) must get through.
 */
function inject(target: Emulator, fault: Fault, match: FaultMatch, latencyFrom: (start: () => void) => void): void {
  switch (fault.kind) {
    case "status":
      target.faults.failNext(fault.times === "once" ? 1 : ALWAYS, fault.status, { ...match, retryAfterSeconds: fault.retryAfterSeconds });
      return;
    case "drop":
      target.faults.dropNext(1, fault.when, match);
      return;
    case "latency":
      if (fault.beyondTimeout) latencyFrom(() => target.faults.setLatency(fault.ms));
      else target.faults.setLatency(fault.ms);
      return;
    case "token-expiry":
    case "login-refused":
      return; // arranged by the cell itself: an emulator with short-lived tokens, an engine with a wrong password
  }
}

/** Requests matching `match`, as `METHOD STATUS` lines (status 0: no answer reached the client). */
function callsTo(target: Emulator, match: FaultMatch): string[] {
  return target
    .requests()
    .filter((r) => r.api === match.api && r.method === match.method && (match.pathIncludes === undefined || r.path.includes(match.pathIncludes)))
    .map((r) => `${r.method} ${r.status}`);
}

/** What reached the emulator on the faulted request, for a fault the client recovers from. */
function expectedRecoveredCalls(fault: Fault, method: string, successAfterApplied = 200): string[] | undefined {
  switch (fault.kind) {
    case "status":
      return [`${method} ${fault.status}`, `${method} 200`];
    case "drop":
      return [`${method} 0`, `${method} ${fault.when === "after-apply" ? successAfterApplied : 200}`];
    case "latency":
      return [`${method} 200`];
    default:
      return undefined;
  }
}

/** A message a user can act on: no JavaScript stack, no `[object Object]`. */
function expectCleanMessage(message: string): void {
  expect(message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(message).not.toMatch(/\.(?:js|ts):\d+:\d+/);
  expect(message).not.toContain("[object Object]");
  expect(message).not.toContain("undefined");
}

async function failureOf(run: () => Promise<unknown>): Promise<Error> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the command should have failed").toBeInstanceOf(Error);
  return error as Error;
}

// ---------------------------------------------------------------------------
// RegistrySettings

const { RegistrySettings } = computeSdk();
const SCAN_STATUS = ["scanStatus", "lastScanStatus", "scanTime", "lastScanTime", "scanError", "scannedImagesSuccessTotal"];
type Entry = Record<string, unknown>;
const withoutScanStatus = (entry: Entry): Entry => Object.fromEntries(Object.entries(entry).filter(([field]) => !SCAN_STATUS.includes(field)));

/** Entries someone else keeps in the console, with fields this package does not model, nested ones included. */
function unmanagedEntries(): Entry[] {
  return [
    { ...consoleOnlyEntry("ops/legacy"), id: "65a000000000000000000001" },
    { ...consoleOnlyEntry("ops/nightly"), id: "65a000000000000000000002", tag: "nightly", labels: ["a", "b"], futureField: { keep: "nightly", depth: { n: 2 } } },
    { id: "65a000000000000000000003", version: "aws", registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", repository: "ops/ecr", tag: "", os: "linux", cap: 3, credentialID: "aws-ops", unknownFlag: true },
  ];
}

const FIRST_PROGRAM = { count: 2, overrides: {} };
const SECOND_PROGRAM = { count: 3, overrides: { "repo-0": { cap: 9 } } };
type ComputeProgram = typeof FIRST_PROGRAM | typeof SECOND_PROGRAM;

const settingsProgram = (program: ComputeProgram) => () =>
  void new RegistrySettings("compute", { specifications: declaredSpecs(program.count, program.overrides) });

/** The entries `program` declares, as the console must hold them (wire field names). */
function declaredEntries(program: ComputeProgram): Entry[] {
  return Array.from({ length: program.count }, (_, i) => ({
    version: "2",
    registry: "registry.example.com",
    repository: `team/repo-${i}`,
    tag: "latest",
    os: "linux",
    cap: (program.overrides as Record<string, { cap?: number }>)[`repo-${i}`]?.cap ?? 5,
    scanners: 2,
    collections: ["All"],
    credentialID: "example-registry",
  }));
}

const isManaged = (entry: Entry): boolean => String(entry.repository).startsWith("team/");

async function computeEngine(target: Emulator, fault: Fault, password?: string): Promise<Engine> {
  const config = computeConfig(target, timeLimitConfig("compute", fault));
  if (password !== undefined) config["prismaCloudCompute:password"] = password;
  const engine = await startComputeEngine(target, { config });
  engines.push(engine);
  return engine;
}

async function runComputeCell(cell: Cell): Promise<void> {
  const { verb, fault } = cell;
  const target = fault.kind === "token-expiry" ? shortLivedTokens : emulator;
  target.compute.setEntries(unmanagedEntries());
  const before = target.compute.entries().map(withoutScanStatus);
  let engine = await computeEngine(target, fault);

  // The stack before the verb, and the verb itself.
  const declaredAfter: ComputeProgram | undefined = verb === "update" ? SECOND_PROGRAM : verb === "delete" ? undefined : FIRST_PROGRAM;
  if (verb === "create") await engine.preview(settingsProgram(FIRST_PROGRAM)); // logs in, so a token is cached
  else await engine.up(settingsProgram(FIRST_PROGRAM));
  const stackBefore = structuredClone(engine.find("compute"));
  const consoleBefore = target.compute.entries();
  const run = (e: Engine) =>
    verb === "create" ? e.up(settingsProgram(FIRST_PROGRAM)) : verb === "update" ? e.up(settingsProgram(SECOND_PROGRAM)) : verb === "delete" ? e.destroy() : e.refresh();

  if (fault.kind === "token-expiry") await sleep(1_100);
  if (fault.kind === "login-refused") {
    // The provider host caches its token: a new one (a new `pulumi` command) logs in, with a password the console refuses.
    const refused = await computeEngine(target, fault, `${target.credentials.compute.password}-rotated`);
    refused.resources = engine.resources;
    engine = refused;
  }
  const method = verb === "refresh" ? "GET" : "PUT";
  const match: FaultMatch = { api: "compute", method, pathIncludes: "/settings/registry" };
  // The apply's read before its write: the preview's read comes first for create and update.
  const readsBeforeWrite = verb === "create" || verb === "update" ? 2 : 1;
  inject(target, fault, match, (start) =>
    verb === "refresh" ? start() : afterNthApplied(target, { api: "compute", method: "GET", pathIncludes: "/settings/registry" }, readsBeforeWrite, start),
  );
  target.clearRequests();
  const tokensBefore = target.compute.tokensIssued();
  const started = Date.now();
  const outcome = outcomeOf(cell);

  if (outcome === "recovers") {
    await run(engine);
    const expected = expectedRecoveredCalls(fault, method);
    if (expected) expect(callsTo(target, match)).toEqual(expected);
    if (fault.kind === "status" && fault.retryAfterSeconds !== undefined) expect(Date.now() - started).toBeGreaterThanOrEqual(fault.retryAfterSeconds * 1000);
    if (fault.kind === "token-expiry") {
      // The expired token is refused, one fresh login follows, and the request is sent again (each time a 1 s token runs out).
      const calls = registryCalls(target.requests());
      const refused = calls.filter((c) => c.endsWith(" 401")).length;
      expect(calls[0]).toBe("GET 401");
      expect(calls[1]).toBe("GET 200");
      expect(target.compute.tokensIssued()).toBe(tokensBefore + refused);
    }
    expectComputeConverged(target, engine, before, declaredAfter);
  } else {
    const error = await failureOf(() => run(engine));
    expectCleanMessage(error.message);
    expectComputeFailureMessage(error.message, fault, method);
    expectComputeFailureCalls(target, fault, match, verb);
    // Nobody else's entry changed, field by field (scan status aside, which the console sets on every write).
    expect(target.compute.entries().filter((e) => !isManaged(e)).map(withoutScanStatus)).toEqual(before);
    // An error answer or a refused login applied nothing.
    if (fault.kind === "status" || fault.kind === "login-refused") expect(target.compute.entries()).toEqual(consoleBefore);
    if (verb === "delete" || verb === "refresh" || fault.kind === "login-refused") {
      expect(engine.find("compute")).toEqual(stackBefore);
    } else {
      // A write with no success answer may still have been applied (an answer lost, a 5xx after the console stored
      // the list): the stack owns the declared entries, so the rerun never takes them for someone else's.
      expect(engine.find("compute")?.outputs).toMatchObject({ managedCount: declaredAfter!.count, adopted: {}, adoptionRecords: {} });
    }

    // The fault is gone (a new command, with the right password): the same command again reaches the declared state.
    target.faults.clear();
    if (fault.kind === "login-refused") {
      const fixed = await computeEngine(target, fault);
      fixed.resources = engine.resources;
      engine = fixed;
    }
    await run(engine);
    if (verb === "refresh") await engine.up(settingsProgram(FIRST_PROGRAM));
    expectComputeConverged(target, engine, before, declaredAfter);
  }
  if (declaredAfter) {
    target.clearRequests();
    const plan = await engine.preview(settingsProgram(declaredAfter));
    expect(plan.steps.map((s) => s.op)).toEqual(["same"]);
  }
}

function expectComputeFailureMessage(message: string, fault: Fault, method: string): void {
  if (fault.kind === "status") {
    expect(message).toContain(
      `${COMPUTE_API} ${method} ${COMPUTE_REGISTRY_PATH} failed with HTTP ${fault.status}: injected fault: HTTP ${fault.status} (after ${MAX_ATTEMPTS} attempts). ` +
        "The console failed; run the command again, and check the console's health if it persists.",
    );
  } else if (fault.kind === "login-refused") {
    expect(message).toContain(
      `${COMPUTE_API} POST /api/v1/authenticate failed with HTTP 401: invalid credentials. ` +
        "Check prismaCloudCompute:username and prismaCloudCompute:password (or the resource's console credentials)",
    );
  } else if (fault.kind === "latency") {
    expect(message).toContain(`${method} ${COMPUTE_REGISTRY_PATH}`);
    expect(message).toMatch(
      /the (request timeout of 1 s \(from stack config prismaCloudCompute:requestTimeoutSeconds\)|operation timeout of 4 s \(from stack config prismaCloudCompute:operationTimeoutSeconds\))/,
    );
    expect(message).toMatch(/raise prismaCloudCompute:(request|operation)TimeoutSeconds/);
  } else {
    throw new Error(`no failure expected for ${fault.name}`);
  }
}

function expectComputeFailureCalls(target: Emulator, fault: Fault, match: FaultMatch, verb: Verb): void {
  if (fault.kind === "status") {
    expect(callsTo(target, match)).toEqual(Array<string>(MAX_ATTEMPTS).fill(`${match.method} ${fault.status}`));
  } else if (fault.kind === "login-refused") {
    // Refused at the login: no registry request was sent at all.
    expect(registryCalls(target.requests())).toEqual([]);
    expect(target.requests().filter((r) => r.path.endsWith("/authenticate")).map((r) => r.status)).toContain(401);
  } else if (fault.kind === "latency") {
    // Every attempt reached the console and was given up on, within the operation timeout.
    const attempts = callsTo(target, match).length;
    expect(attempts).toBeGreaterThanOrEqual(verb === "refresh" ? 1 : 2);
    expect(attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
  }
}

/** The console holds the other entries exactly as before plus the declared ones, each once; the stack agrees. */
function expectComputeConverged(target: Emulator, engine: Engine, before: Entry[], declared: ComputeProgram | undefined): void {
  const entries = target.compute.entries();
  expect(entries.filter((e) => !isManaged(e)).map(withoutScanStatus)).toEqual(before);
  const managed = entries.filter(isManaged);
  const expected = declared ? declaredEntries(declared) : [];
  expect(managed.map((e) => e.repository)).toEqual(expected.map((e) => e.repository));
  managed.forEach((entry, i) => expect(entry).toMatchObject(expected[i]));
  const resource = engine.find("compute");
  if (!declared) {
    expect(resource).toBeUndefined();
    return;
  }
  // Entries this stack wrote are its own, never "adopted" from the console (a destroy would leave adopted ones behind).
  expect(resource?.outputs).toMatchObject({ managedCount: declared.count, unmanagedCount: before.length });
  expect(resource?.outputs.adopted).toEqual({});
  expect(resource?.outputs.adoptionRecords).toEqual({});
}

// ---------------------------------------------------------------------------
// CortexRegistryConnector

type ConnectorOverrides = NonNullable<Parameters<typeof harborArgs>[0]>;

/** Connectors someone else keeps in the tenant, with fields this package does not model. */
function unmanagedConnectors(): Record<string, unknown>[] {
  return [
    { ...wire("ops-ecr"), vendor: "ECR", future_field: { keep: "ops-ecr", nested: [1, 2] } },
    { ...wire("ops-dockerhub"), vendor: "DOCKER_HUB", scan_schedule: "nightly", labels: ["a"] },
  ];
}

function wire(name: string): Record<string, unknown> {
  return {
    name,
    url: "https://registry.example.com",
    username: "robot",
    password: "their-password",
    auth_token: "their-token",
    scanning_mode: "CLOUD",
    region: "us-east-1",
    insecure_pull: false,
    initial_scan_configuration: { mode: "ALL" },
  };
}

const UPDATED_REGION = "eu-west-1";

function cortexProgram(verb: Verb, phase: "before" | "after", importId?: string) {
  const declared: Record<string, ConnectorOverrides> = { kept: {} };
  if (phase === "after" && verb === "update") declared.target = { region: UPDATED_REGION };
  else if (!(phase === "before" && verb === "create") && !(phase === "after" && verb === "delete")) declared.target = {};
  const opts: Record<string, CustomResourceOptions> = importId ? { target: { import: importId } } : {};
  return connectors(declared, opts);
}

async function runCortexCell(cell: Cell): Promise<void> {
  const { verb, fault } = cell;
  const target = emulator;
  const others = unmanagedConnectors().map((body) => target.cortex.put(body));
  const othersBefore = others.map((id) => target.cortex.get(id));
  const engine = await startCortexEngine(target, { config: { ...cortexConfig(target), ...timeLimitConfig("cortex", fault) } });
  engines.push(engine);

  await engine.up(cortexProgram(verb, "before"));
  const keptBefore = target.cortex.get(engine.find("kept")!.id);
  const targetId = engine.find("target")?.id;
  const targetBefore = targetId === undefined ? undefined : target.cortex.get(targetId);
  const stackBefore = structuredClone(engine.resources);
  const run = () => (verb === "refresh" ? engine.refresh() : engine.up(cortexProgram(verb, "after")));

  const method = { create: "POST", update: "PUT", delete: "DELETE", refresh: "GET" }[verb];
  const match: FaultMatch = { api: "cortex", method, pathIncludes: targetId === undefined ? INSTANCES_PATH : `${INSTANCES_PATH}/${targetId}` };
  inject(target, fault, match, (start) => start());
  target.clearRequests();
  const started = Date.now();
  const outcome = outcomeOf(cell);

  const expectOthersUntouched = () => {
    expect(others.map((id) => target.cortex.get(id))).toEqual(othersBefore);
    expect(target.cortex.get(keptBefore!.connectorId)).toEqual(keptBefore);
    // No write reached another connector (a refresh reads every connector of the stack, and only reads).
    const untouchable = [...others, keptBefore!.connectorId].map((id) => `${INSTANCES_PATH}/${id}`);
    const writes = target.requests().filter((r) => r.api === "cortex" && r.method !== "GET");
    expect(writes.filter((r) => untouchable.includes(r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  };

  if (outcome === "recovers") {
    await run();
    const expected = expectedRecoveredCalls(fault, method, verb === "delete" ? 404 : 200);
    if (expected) expect(callsTo(target, match)).toEqual(expected);
    if (fault.kind === "status" && fault.retryAfterSeconds !== undefined) expect(Date.now() - started).toBeGreaterThanOrEqual(fault.retryAfterSeconds * 1000);
    expectOthersUntouched();
    expectCortexConverged(target, engine, verb, others);
    return;
  }

  const error = await failureOf(run);
  expectCleanMessage(error.message);
  expectOthersUntouched();

  if (outcome === "unconfirmed-create") {
    expectUnconfirmedCreateMessage(error.message, fault);
    // Sent once, never again.
    expect(callsTo(target, match).map((c) => c.split(" ")[0])).toEqual(["POST"]);
    const stored = target.cortex.connectors().filter((c) => c.body.name === "target");
    expect(stored).toHaveLength(postWasStored(fault) ? 1 : 0);
    const placeholder = engine.find("target")!;
    expect(placeholder.id).toMatch(/^unconfirmed-create-/);
    expect(JSON.stringify(placeholder.outputs)).not.toContain(REGISTRY_PASSWORD);

    // A plain rerun stops before any request, saying how to finish.
    target.faults.clear();
    target.clearRequests();
    const again = await failureOf(run);
    expectCleanMessage(again.message);
    expect(again.message).toContain('Registry connector "target" is recorded in this stack as unconfirmed');
    expect(again.message).toContain("run `pulumi state delete <URN>` and `pulumi up`, which creates it");
    expect(target.requests()).toEqual([]);

    // The user's documented finishing step: state delete, then import what the console lists, or create.
    engine.stateDelete("target");
    await engine.up(cortexProgram(verb, "after", stored[0]?.connectorId));
    expectOthersUntouched();
    expectCortexConverged(target, engine, verb, others);
    return;
  }

  expectCortexFailureMessage(error.message, fault, method, targetId!);
  if (fault.kind === "status") {
    expect(callsTo(target, match)).toEqual(Array<string>(MAX_ATTEMPTS).fill(`${method} ${fault.status}`));
    // Nothing was applied: the connector and the stack are as they were.
    expect(target.cortex.get(targetId!)).toEqual(targetBefore);
    expect(engine.resources).toEqual(stackBefore);
  } else {
    // Latency beyond the timeout: every attempt reached the tenant and was given up on, within the operation timeout.
    const attempts = callsTo(target, match).length + (verb === "refresh" ? callsTo(target, { api: "cortex", method: "GET", pathIncludes: keptBefore!.connectorId }).length : 0);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
  }

  target.faults.clear();
  await run();
  expectOthersUntouched();
  expectCortexConverged(target, engine, verb, others);
}

function expectUnconfirmedCreateMessage(message: string, fault: Fault): void {
  const cause =
    fault.kind === "status"
      ? `failed with HTTP ${fault.status} (`
      : fault.kind === "drop"
        ? "lost its answer (connection failed"
        : "lost its answer (no answer from the tenant within the request timeout of 1 s (from stack config cortex:requestTimeoutSeconds))";
  expect(message).toContain(`Cortex POST ${INSTANCES_PATH} ${cause}`);
  if (fault.kind === "status") expect(message).toContain(`injected fault: HTTP ${fault.status})`);
  expect(message).toContain('so registry connector "target" may or may not have been created');
  expect(message).toContain("This stack now records the connector as unconfirmed, so a plain `pulumi up` stops instead of creating a second one");
  expect(message).toContain("pulumi state delete");
  expect(message).toContain('add { import: "<its connector id>" } to the resource\'s options');
}

function expectCortexFailureMessage(message: string, fault: Fault, method: string, targetId: string): void {
  if (fault.kind === "status") {
    expect(message).toContain(
      `Cortex ${method} ${INSTANCES_PATH}/${targetId} failed with HTTP ${fault.status}: `,
    );
    expect(message).toContain(
      `injected fault: HTTP ${fault.status} (after ${MAX_ATTEMPTS} attempts). The tenant failed; run the command again, and check Cortex's status if it persists.`,
    );
  } else if (fault.kind === "latency") {
    expect(message).toMatch(new RegExp(`Cortex:? (${method}|the operation timeout)`));
    expect(message).toMatch(/the (request timeout of 1 s \(from stack config cortex:requestTimeoutSeconds\)|operation timeout of 4 s \(from stack config cortex:operationTimeoutSeconds\))/);
    expect(message).toMatch(/raise cortex:(request|operation)TimeoutSeconds/);
  } else {
    throw new Error(`no failure expected for ${fault.name}`);
  }
}

/** Exactly the declared connectors of this stack exist (each once, as declared, in the stack), beside the others untouched. */
function expectCortexConverged(target: Emulator, engine: Engine, verb: Verb, others: string[]): void {
  const ours = target.cortex.connectors().filter((c) => !others.includes(c.connectorId));
  const declaredNames = verb === "delete" ? ["kept"] : ["kept", "target"];
  expect(ours.map((c) => c.body.name).sort()).toEqual(declaredNames);
  for (const name of declaredNames) {
    const connector = ours.find((c) => c.body.name === name)!;
    const region = name === "target" && verb === "update" ? UPDATED_REGION : "us-east-1";
    expect(connector.body).toMatchObject({ name, region, password: REGISTRY_PASSWORD, auth_token: REGISTRY_TOKEN });
    expect(engine.find(name)?.id).toBe(connector.connectorId);
  }
  expect(engine.resources.map((r) => r.name).sort()).toEqual(declaredNames);
}

// ---------------------------------------------------------------------------

const RESOURCE_OF: Record<Api, string> = { compute: "RegistrySettings", cortex: "CortexRegistryConnector" };
const EXPECTATION: Record<Outcome, string> = {
  recovers: "recovers",
  fails: "fails cleanly, changes nothing else, and a rerun converges",
  "unconfirmed-create": "is recorded as unconfirmed, and the documented finish leaves exactly one connector",
};

for (const api of ["compute", "cortex"] as const) {
  describe(`${RESOURCE_OF[api]} under faults`, () => {
    for (const cell of CELLS.filter((c) => c.api === api)) {
      it(`${cell.verb} with ${cell.fault.name}: ${EXPECTATION[outcomeOf(cell)]}`, () => (api === "compute" ? runComputeCell(cell) : runCortexCell(cell)));
    }
  });
}
