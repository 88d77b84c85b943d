import { isDeepStrictEqual } from "node:util";
import { ApiError, provenNotApplied } from "../http/apiError";
import type { PartialStateError } from "../hostErrors";
import { withSerializedProvider } from "../partialState";
import { OperationTimeoutError, startOperation, type Deadline } from "../http/deadline";
import { checkTimeLimits, resolveTimeLimits, TimeLimitSettingError, withTimeouts } from "../timeLimits";
import { containsUnknown, forEngine, isUnknown, type CheckFailure } from "../validation/checkFailure";
import type { ProgressReport } from "../http/httpClient";
import { ComputeClient, type ComputeClientOptions } from "./computeClient";
import { withConsoleLock } from "./consoleLock";
import { canonicalJson, decodeEntryFields, decodeSpecifications, encodeEntryFields, sameSpecifications } from "./entryEncoding";
import {
  ACCEPT_LIST_AS_READ_VARIABLE,
  ConnectionError,
  consoleArgsSchema,
  describeTarget,
  normalizeConsoleUrl,
  resolveConnection,
  resolveConsoleTarget,
  SETTLE_MS_VARIABLE,
  TIME_LIMIT_SETTINGS,
  type ConsoleTarget,
} from "./connection";
import {
  declarableEntries,
  describeIdentity,
  fromWireEntry,
  identityOf,
  identityOfFields,
  withoutServerStatus,
  type RegistryEntryFields,
  type WireEntry,
} from "./registryEntry";
import {
  findWriteDiscrepancies,
  planRegistryWrite,
  RegistryCapError,
  shrunkenListProblem,
  type PreviousOwnership,
  type RegistryWritePlan,
} from "./registryPlan";
import {
  checkRegistrySettingsInputs,
  UNDECLARED_ENTRY_PREFIX,
  type DeclaredSettings,
  type RegistrySettingsInputs,
} from "./registrySettingsInputs";

/** Re-exported for the provider's `configure`, which loads this module only. */
export { stackConfigFrom } from "./connection";

/** What the state holds for a RegistrySettings: its checked inputs plus what the console reported. */
export interface RegistrySettingsOutputs extends RegistrySettingsInputs {
  consoleUrl: string;
  /** Entries this resource declares (and so owns) in the console. */
  managedCount: number;
  /** Entries in the console that no program declared, left as they are. */
  unmanagedCount: number;
  /**
   * Identity → canonical JSON of the console entry as it was before this stack
   * adopted it, every field kept: what a release puts back. A secret output,
   * since a console entry may carry anything.
   */
  adoptionRecords: Record<string, string>;
}

export interface ProviderContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
  clientOptions?: ComputeClientOptions;
  /** Status lines for the user while a step runs (the plugin's front door has a channel for them). */
  report?: ProgressReport;
}

/**
 * A failure after the console was written: carries what was written (`id`,
 * `properties`), which the dynamic-provider host hands the engine as a
 * partial result, so the state keeps the entries and adoption records the
 * console now holds.
 */
export class WrittenThenFailedError extends Error implements PartialStateError {
  readonly reasons: readonly string[];

  constructor(
    cause: Error,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(cause.message);
    this.name = cause.name;
    this.reasons = [cause.message];
  }
}

export class ConcurrentWriteError extends Error {
  constructor(
    problems: string[],
    /** Set so the engine records what was written even though the step failed. */
    readonly id?: string,
    readonly properties?: Record<string, unknown>,
  ) {
    super(
      `The registry list changed while this update wrote it (another writer raced it):\n  - ${problems.slice(0, 20).join("\n  - ")}` +
        `${problems.length > 20 ? `\n  - ... and ${problems.length - 20} more` : ""}\n` +
        "Run `pulumi refresh` to see the console as it is now, then `pulumi up` again; make sure one stack owns each entry.",
    );
    this.name = "ConcurrentWriteError";
    this.reasons = [this.message];
  }

  /** What the engine shows when the error carries a partial state (see hostErrors.ts). */
  readonly reasons: readonly string[];
}

export async function check(
  olds: Partial<RegistrySettingsInputs>,
  news: Record<string, unknown>,
  context: ProviderContext,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  // Entries a refresh only saw (`undeclared:`, written by earlier versions) were never judged: they get no fast path.
  const accepted = Object.fromEntries(
    Object.entries(olds.specifications !== null && typeof olds.specifications === "object" ? olds.specifications : {}).filter(
      ([name]) => !name.startsWith(UNDECLARED_ENTRY_PREFIX),
    ),
  );
  const { inputs: checkedSettings, failures } = checkRegistrySettingsInputs(news, accepted);
  const timeLimits = checkTimeLimits(news.timeouts, TIME_LIMIT_SETTINGS, context.stackConfig, context.environment);
  const declared = withTimeouts(checkedSettings, timeLimits.timeouts);
  failures.push(...timeLimits.failures, ...connectionFailures(news.console, context));
  const knownConsole = !containsUnknown(declared.console);
  const target = knownConsole ? resolveConsoleTarget(declared.console, context.stackConfig, context.environment) : undefined;
  const move = knownConsole ? consoleMove(olds, declared, context) : undefined;
  if (move) failures.push({ property: "", reason: move });
  const base = { ...declared, ...(target ? targetFields(target) : {}), consoleChanges: olds.consoleChanges ?? {} };
  // Without the console's answer, adoptions carry over from the state (decoding every entry: only on this path).
  const unread = () => ({ ...base, adopted: carriedAdoptions(olds, declared) });
  if (failures.length > 0 || containsUnknown(declared)) return { inputs: unread(), failures: forEngine(failures) };
  try {
    const { client } = connect(declared, context);
    const remote = await client.getRegistryEntries();
    const previous = ownershipFromInputs(olds);
    const declaredEntries = decodeSpecifications(declared.specifications);
    const dangling = await danglingCredentialFailures(client, declaredEntries, accepted);
    if (dangling.length > 0) return { inputs: unread(), failures: forEngine(dangling) };
    const plan = planRegistryWrite(remote, declaredEntries, previous, declared);
    return {
      inputs: { ...base, adopted: adoptedNames(plan, previous), consoleChanges: stampConsoleChanges(base.consoleChanges, plan.effects) },
      failures: [],
    };
  } catch (error) {
    // A preview that cannot read the console cannot say what the apply would do to it: it stops here.
    if (
      error instanceof RegistryCapError ||
      error instanceof ApiError ||
      error instanceof ConnectionError ||
      error instanceof OperationTimeoutError ||
      error instanceof TimeLimitSettingError
    ) {
      return { inputs: unread(), failures: [{ property: "", reason: error.message }] };
    }
    throw error;
  }
}

/**
 * New or changed entries naming a credential the console's store does not
 * hold: the console would take the entry and then fail every scan of it. Only
 * plain ids are judged (one from a ComputeCredential not created yet is
 * unknown to a preview), and only when the store can be listed: a user
 * without that permission keeps a working preview.
 */
async function danglingCredentialFailures(
  client: ComputeClient,
  entries: Record<string, RegistryEntryFields>,
  accepted: Readonly<Record<string, unknown>>,
): Promise<CheckFailure[]> {
  const judged = Object.entries(entries).filter(
    ([name, fields]) => typeof fields.credentialId === "string" && fields.credentialId !== "" && accepted[name] !== encodeEntryFields(fields),
  );
  if (judged.length === 0) return [];
  let held: Set<string>;
  try {
    held = new Set((await client.listCredentials()).map((credential) => credential._id));
  } catch (error) {
    if (error instanceof ApiError) return [];
    throw error;
  }
  const shown = [...held].slice(0, 10).map((id) => JSON.stringify(id)).join(", ");
  const holds = held.size === 0 ? "none" : `${shown}${held.size > 10 ? ", ..." : ""}`;
  return judged
    .filter(([, fields]) => !held.has(fields.credentialId as string))
    .map(([name, fields]) => ({
      property: `specifications[${name}].credentialId`,
      reason:
        `the console has no credential ${JSON.stringify(fields.credentialId)} (its store holds ${holds}). Fix the name, or create it ` +
        "first: give the entry a ComputeCredential's id (credential.id) and the engine creates the credential before the entry.",
    }));
}

/**
 * Declared entries this stack adopted (now or before), by name, each
 * described: what `adopted` shows. `previous` counts adoptions whose record
 * is not at hand (a preview has inputs only).
 */
function adoptedNames(plan: Pick<RegistryWritePlan, "declared" | "adoptionRecords">, previous?: PreviousOwnership): Record<string, string> {
  const adopted: Record<string, string> = {};
  for (const [name, wire] of plan.declared) {
    const identity = identityOf(wire);
    if (plan.adoptionRecords.has(identity) || previous?.adopted.has(identity)) adopted[name] = describeIdentity(wire);
  }
  return adopted;
}

/**
 * The coming apply's effects stamped with its number and laid over the rows
 * of earlier applies, which stay as they were, so the engine's diff shows only
 * the new ones. Rows are never dropped: a dropped row would show as removed in
 * the next preview, and numbers that start again could repeat a row the state
 * still holds (the same drift twice), which no diff would see.
 */
export function stampConsoleChanges(previous: Readonly<Record<string, string>>, effects: Readonly<Record<string, string>>): Record<string, string> {
  if (Object.keys(effects).length === 0) return { ...previous };
  const last = Math.max(0, ...Object.values(previous).map((row) => Number(/\(#(\d+)\)$/.exec(row)?.[1] ?? 0)));
  const stamped = Object.fromEntries(Object.entries(effects).map(([key, effect]) => [key, `${effect} (#${last + 1})`]));
  return { ...previous, ...stamped };
}

/** Adoptions recorded before that still hold: the entry is declared with the same identity (under any name). */
function carriedAdoptions(olds: Partial<RegistrySettingsInputs>, inputs: DeclaredSettings): Record<string, string> {
  if (isUnknown(inputs.specifications) || olds.adopted === undefined || olds.specifications === undefined) return {};
  const adoptedIdentities = new Map<string, string>();
  for (const [name, description] of Object.entries(olds.adopted)) {
    const text = olds.specifications[name];
    if (typeof text === "string") adoptedIdentities.set(identityOfFields(decodeEntryFields(text)), description);
  }
  const carried: Record<string, string> = {};
  for (const [name, text] of Object.entries(inputs.specifications)) {
    if (isUnknown(text)) {
      // Not known yet in a preview: it keeps what it had, under its name.
      if (olds.adopted[name] !== undefined) carried[name] = olds.adopted[name];
      continue;
    }
    const description = adoptedIdentities.get(identityOfFields(decodeEntryFields(text)));
    if (description !== undefined) carried[name] = description;
  }
  return carried;
}

/**
 * Why these inputs may not be applied to the entries the state says live in
 * another console or project. No automatic move: two URLs may name one
 * console (an alias, an IP), and a delete on one plus a write on the other
 * would then lose entries or their console ids.
 */
function consoleMove(
  olds: Partial<Pick<RegistrySettingsInputs, "consoleUrl" | "consoleProject">>,
  news: Pick<RegistrySettingsInputs, "console">,
  context: ProviderContext,
): string | undefined {
  const now = resolveConsoleTarget(news.console, context.stackConfig, context.environment);
  if (olds.consoleUrl === undefined || now === undefined) return undefined;
  const before = stateTarget(olds);
  if (now.url !== before.url) {
    return (
      `This RegistrySettings manages entries in the console ${before.url}, but ${news.console?.url ? "console.url" : "prismaCloudCompute:url (or PRISMA_CLOUD_COMPUTE_URL)"} ` +
      `now names ${now.url}. A RegistrySettings stays on its console. If both URLs name the same console, keep the old one. ` +
      "To move the entries to another console, run `pulumi destroy --target <this resource's URN>` with the old URL (it removes " +
      "only this stack's entries there), then `pulumi up` with the new one."
    );
  }
  if (now.project !== before.project) {
    const name = (project: string | undefined) => (project === undefined ? "the console's own project" : `project "${project}"`);
    return (
      `This RegistrySettings manages entries in ${name(before.project)} of ${before.url}, but ${news.console?.url ? "console.project" : "prismaCloudCompute:project (or PRISMA_CLOUD_COMPUTE_PROJECT)"} ` +
      `now names ${name(now.project)}. A RegistrySettings stays on its project, as on its console. To move the entries, run ` +
      "`pulumi destroy --target <this resource's URN>` with the old project, then `pulumi up` with the new one."
    );
  }
  return undefined;
}

/** The console and project the state's entries live in (no project recorded: the console's own). */
function stateTarget(olds: Partial<Pick<RegistrySettingsInputs, "consoleUrl" | "consoleProject">>): ConsoleTarget {
  const url = normalizeConsoleUrl(olds.consoleUrl ?? "");
  return olds.consoleProject === undefined ? { url } : { url, project: olds.consoleProject };
}

/**
 * A console this resource cannot reach for want of settings fails the preview
 * already, naming what to set, rather than the apply after it. Judged only
 * when the resource's own `console` argument is known.
 */
function connectionFailures(consoleArgs: unknown, context: ProviderContext): CheckFailure[] {
  if (containsUnknown(consoleArgs)) return [];
  const parsed = consoleArgsSchema.optional().safeParse(consoleArgs ?? undefined);
  if (!parsed.success) return [];
  try {
    resolveConnection(parsed.data, context.stackConfig, context.environment);
    return [];
  } catch (error) {
    return error instanceof ConnectionError ? [{ property: "", reason: error.message }] : [];
  }
}

export function diff(
  olds: RegistrySettingsOutputs,
  news: RegistrySettingsInputs,
  context: ProviderContext,
): { changes: false | undefined; replaces: string[] } {
  const move = consoleMove(olds, news, context);
  if (move) throw new ConnectionError(move);
  // A new time limit is recorded by an update that sends nothing (see update), never a replacement.
  const changes = changesConsoleSettings(olds, news) || !isDeepStrictEqual(olds.timeouts ?? {}, news.timeouts ?? {});
  // "Changes, not known which" on purpose: the engine then diffs the old and new inputs itself and
  // keeps that detailed diff, so `pulumi preview --diff` prints only the entries and fields that
  // change. With a plain "changes" it prints every entry of the list (the SDK's dynamic-provider
  // host forwards no detailed diff of ours), some 300,000 lines for a one-field change among 19,999.
  return { changes: changes ? undefined : false, replaces: [] };
}

/** Whether the inputs ask anything different of the console than the state records (time limits aside). */
function changesConsoleSettings(olds: RegistrySettingsOutputs, news: RegistrySettingsInputs): boolean {
  return (
    olds.mode !== news.mode ||
    olds.scanLater !== news.scanLater ||
    (olds.releaseAdopted ?? "restore") !== news.releaseAdopted ||
    !isDeepStrictEqual(olds.console ?? null, news.console ?? null) ||
    !sameSpecifications(olds.specifications, news.specifications) ||
    !isDeepStrictEqual(olds.adopted ?? {}, news.adopted ?? {}) ||
    // New rows are what check found the console needs (drift, adoption...); an emptied map is a no-op's bookkeeping.
    (Object.keys(news.consoleChanges ?? {}).length > 0 && !isDeepStrictEqual(olds.consoleChanges ?? {}, news.consoleChanges))
  );
}

export async function create(inputs: RegistrySettingsInputs, context: ProviderContext) {
  const { client, target, deadline } = connect(inputs, context);
  const id = idFor(target);
  const outs = await withConsoleLock(describeTarget(target), () =>
    write({ client, target, inputs, previousState: NO_STATE, id, context, deadline }),
  );
  return { id, outs };
}

export async function update(id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs, context: ProviderContext) {
  // Only the time limits changed: how long later calls may take, nothing the console holds. Recorded, nothing sent.
  if (!changesConsoleSettings(olds, news)) return { outs: withTimeouts(olds, news.timeouts) };
  const { client, target, deadline } = connect(news, context, olds);
  return {
    outs: await withConsoleLock(describeTarget(target), () => write({ client, target, inputs: news, previousState: olds, id, context, deadline })),
  };
}

export async function read(id: string, olds: RegistrySettingsOutputs, context: ProviderContext) {
  const { client, target } = connect(olds, context, olds);
  const remote = await client.getRegistryEntries();
  // The first entry of an identity is the one this resource manages; later duplicates are someone else's.
  const remoteByIdentity = new Map<string, WireEntry>();
  for (const entry of remote) if (!remoteByIdentity.has(identityOf(entry))) remoteByIdentity.set(identityOf(entry), entry);
  const specifications: Record<string, string> = {};
  for (const [name, fields] of Object.entries(decodeSpecifications(olds.specifications))) {
    if (name.startsWith(UNDECLARED_ENTRY_PREFIX)) continue;
    const found = remoteByIdentity.get(identityOfFields(fields));
    if (found) specifications[name] = encodeEntryFields(refreshedFields(fields, fromWireEntry(found)));
  }
  const managedCount = Object.keys(specifications).length;
  const inputs: RegistrySettingsInputs = {
    specifications,
    mode: olds.mode,
    scanLater: olds.scanLater,
    releaseAdopted: olds.releaseAdopted ?? "restore",
    adopted: Object.fromEntries(Object.entries(olds.adopted ?? {}).filter(([name]) => name in specifications)),
    consoleChanges: olds.consoleChanges ?? {},
    ...targetFields(target),
  };
  if (olds.console) inputs.console = olds.console;
  if (olds.timeouts) inputs.timeouts = olds.timeouts;
  const props: RegistrySettingsOutputs = {
    ...inputs,
    consoleUrl: target.url,
    managedCount,
    unmanagedCount: remote.length - managedCount,
    adoptionRecords: olds.adoptionRecords ?? {},
  };
  return { id, props, inputs };
}

/**
 * `pulumi import` of a console's list: a read by id with no state. Every
 * entry the console holds becomes declared (named by what it scans, as the
 * export command names it) and adopted, its record the entry as it is, so
 * that destroying the imported resource puts each back as it was and a
 * preview of the generated program changes nothing. A later duplicate of an
 * identity stays unmanaged, as in any other adoption.
 */
export async function importList(id: string, context: ProviderContext) {
  const expected = targetOfId(id);
  const { client, target } = connect({}, context, targetFields(expected));
  const remote = await client.getRegistryEntries();
  const specifications: Record<string, string> = {};
  const adopted: Record<string, string> = {};
  const adoptionRecords: Record<string, string> = {};
  for (const { name, wire } of declarableEntries(remote).declared) {
    specifications[name] = encodeEntryFields(fromWireEntry(wire));
    adopted[name] = describeIdentity(wire);
    adoptionRecords[identityOf(wire)] = canonicalJson(withoutServerStatus(wire));
  }
  const inputs: RegistrySettingsInputs = {
    specifications,
    mode: "managed",
    scanLater: false,
    releaseAdopted: "restore",
    adopted,
    consoleChanges: {},
    ...targetFields(target),
  };
  const managedCount = Object.keys(specifications).length;
  const props: RegistrySettingsOutputs = { ...inputs, consoleUrl: target.url, managedCount, unmanagedCount: remote.length - managedCount, adoptionRecords };
  return { id: idFor(target), props, inputs };
}

/**
 * The console and project an import id names: a console URL, with
 * `?project=<name>` for a project's list, or a RegistrySettings id
 * (`<url>/settings/registry[?project=<name>]`).
 */
export function targetOfId(id: string): ConsoleTarget {
  const [location, query = ""] = id.trim().split("?", 2);
  const project = new URLSearchParams(query).get("project") ?? undefined;
  const parsed = consoleArgsSchema.shape.url.safeParse(location.replace(/\/settings\/registry\/*$/, ""));
  if (!parsed.success) {
    throw new ConnectionError(
      `Cannot import "${id}": an import id is the console's URL (https://console.example.com), with ?project=<name> for a project's list.`,
    );
  }
  const url = normalizeConsoleUrl(parsed.data);
  return project === undefined || project === "" ? { url } : { url, project };
}

/**
 * Destroy: this stack's entries leave the console (adopted ones go back to
 * what they were, unless `releaseAdopted` is "delete"); when it owned every
 * entry, the list left is empty, and that is what is written and verified.
 */
export async function remove(olds: RegistrySettingsOutputs, context: ProviderContext): Promise<void> {
  const { client, target, deadline } = connect(olds, context, olds);
  const nothingDeclared: RegistrySettingsInputs = { ...olds, specifications: {}, mode: "managed", adopted: {}, consoleChanges: {} };
  await withConsoleLock(describeTarget(target), () =>
    write({ client, target, inputs: nothingDeclared, previousState: olds, id: idFor(target), context, deadline }),
  );
}

/** Another writer undoing ours is repaired by writing again from the list as it is now, this many times at most. */
const MAX_WRITE_ATTEMPTS = 4;
/** The least wait before the settle re-read. */
const MIN_SETTLE_MS = 500;

type PreviousState = Pick<RegistrySettingsOutputs, "specifications" | "unmanagedCount" | "adoptionRecords">;
const NO_STATE: PreviousState = { specifications: {}, unmanagedCount: 0, adoptionRecords: {} };

/**
 * Read, plan, write, verify; then settle and read again, because a writer that
 * read the list before our write may still write its own version over ours.
 * When our entries are missing or changed (or released ones back), it plans
 * again from the list as it is now, keeping everyone else's entries, and
 * writes again, a bounded number of times.
 */
interface WriteJob {
  client: ComputeClient;
  target: ConsoleTarget;
  inputs: RegistrySettingsInputs;
  /** What the state says this resource owned before (nothing, for a create). */
  previousState: Partial<PreviousState>;
  id: string;
  context: ProviderContext;
  /** The operation's deadline, which the settle wait keeps as the requests do. */
  deadline: Deadline;
}

async function write(job: WriteJob): Promise<RegistrySettingsOutputs> {
  const progress: WriteProgress = {};
  const { id } = job;
  try {
    return await writeUntilSettled(job, progress);
  } catch (error) {
    // Once the console holds our write, a failure must still leave its entries and adoption records in the state.
    if (progress.written === undefined || !(error instanceof Error) || error instanceof ConcurrentWriteError) throw error;
    throw new WrittenThenFailedError(error, id, withSerializedProvider({ ...progress.written }, job.inputs));
  }
}

interface WriteProgress {
  /** What the console holds since our last write. */
  written?: RegistrySettingsOutputs;
}

async function writeUntilSettled(job: WriteJob, progress: WriteProgress): Promise<RegistrySettingsOutputs> {
  const { client, target, inputs, previousState, id, context, deadline } = job;
  const declared = decodeSpecifications(inputs.specifications);
  let previous = ownershipFromState(previousState);
  const readAt = Date.now();
  const report = context.report ?? (() => undefined);
  report(`reading the registry list of ${describeTarget(target)}`);
  let remote = await client.getRegistryEntries();
  for (let attempt = 1; ; attempt += 1) {
    const plan = planRegistryWrite(remote, declared, previous, inputs);
    if (attempt === 1 && plan.changesConsole) refuseShrunkenList(previousState.unmanagedCount, plan.unmanaged.length + plan.restored.length, context);
    const outs = outputsOf(inputs, target, plan);
    if (!plan.changesConsole) return outs;
    report(
      `${attempt > 1 ? `another writer undid part of this write: writing again (attempt ${attempt} of ${MAX_WRITE_ATTEMPTS}), ` : ""}` +
        `writing ${entries(plan.entries.length)} in one PUT (${plan.declared.size.toLocaleString("en-US")} this stack's; ${remote.length.toLocaleString("en-US")} read)`,
    );
    try {
      await client.putRegistryEntries(plan.entries, inputs.scanLater);
    } catch (error) {
      // No success came back, yet the console may hold the write (an answer lost or a 5xx after it stored the
      // list, an earlier attempt applied): the state must own what the console may hold, or the next apply
      // would adopt this stack's own entries. Only a refusal (4xx) or no connection at all proves nothing was written.
      if (!provenNotApplied(error)) progress.written = outs;
      throw error;
    }
    progress.written = outs;
    const settleMs = settleDelayMs(Date.now() - readAt, context);
    report("written: reading the list back to verify it");
    let readBack = await client.getRegistryEntries();
    let problems = findWriteDiscrepancies(plan, readBack);
    if (problems.ours.length === 0 && settleMs > 0) {
      report(`verified: re-reading in ${(settleMs / 1000).toFixed(1)} s, in case another writer read the list before this write`);
      await deadline.wait(settleMs, "Prisma Cloud Compute", "the settle re-read of the registry list (the write itself was applied and verified)");
      readBack = await client.getRegistryEntries();
      problems = findWriteDiscrepancies(plan, readBack);
    }
    // Entries of others that changed since our write are their writers' business: ours are what must hold.
    if (problems.ours.length === 0) {
      report(`done: ${entries(outs.managedCount)} this stack's, ${outs.unmanagedCount.toLocaleString("en-US")} other${outs.unmanagedCount === 1 ? "" : "s"} left as they were`);
      return outs;
    }
    if (attempt === MAX_WRITE_ATTEMPTS) throw new ConcurrentWriteError(problems.ours, id, withSerializedProvider({ ...outs }, inputs));
    // What this write adopted stays adopted (with its record as first read) when planning again.
    previous = {
      names: new Map([...previous.names, ...[...plan.declared].map(([name, wire]) => [identityOf(wire), name] as const)]),
      adopted: new Map([...previous.adopted, ...plan.adoptionRecords]),
    };
    remote = readBack;
  }
}

/** "1 entry", "19,999 entries": for status lines. */
function entries(count: number): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? "entry" : "entries"}`;
}

/**
 * How long to wait before the settle re-read: twice the time our own read and
 * write took (another writer of this package needs about as long from its
 * read to its write), at least MIN_SETTLE_MS. 0 turns the re-read off.
 */
function settleDelayMs(ownReadToWriteMs: number, context: ProviderContext): number {
  const configured = context.environment[SETTLE_MS_VARIABLE];
  if (configured !== undefined && configured !== "" && Number.isFinite(Number(configured)) && Number(configured) >= 0) return Number(configured);
  return Math.max(MIN_SETTLE_MS, 2 * ownReadToWriteMs);
}

function outputsOf(inputs: RegistrySettingsInputs, target: ConsoleTarget, plan: RegistryWritePlan): RegistrySettingsOutputs {
  return {
    ...inputs,
    ...targetFields(target),
    consoleUrl: target.url,
    managedCount: plan.declared.size,
    unmanagedCount: plan.unmanaged.length + plan.restored.length,
    adopted: adoptedNames(plan),
    adoptionRecords: Object.fromEntries([...plan.adoptionRecords].map(([identity, record]) => [identity, canonicalJson(record)])),
  };
}

/** The inputs' and outputs' record of the list a resource manages. */
function targetFields(target: ConsoleTarget): Pick<RegistrySettingsInputs, "consoleUrl" | "consoleProject"> {
  return target.project === undefined ? { consoleUrl: target.url } : { consoleUrl: target.url, consoleProject: target.project };
}

/**
 * The client for the console these inputs name. With `expected` (where the
 * state's entries live), refuses another console or project: its entries
 * would otherwise be read, changed or removed on the wrong list.
 */
function connect(
  inputs: Pick<RegistrySettingsInputs, "console" | "timeouts">,
  context: ProviderContext,
  expected?: Partial<Pick<RegistrySettingsInputs, "consoleUrl" | "consoleProject">>,
): { client: ComputeClient; target: ConsoleTarget; deadline: Deadline } {
  // The operation's clock starts here, before any wait for another resource's write to the same list.
  const limits = startOperation(resolveTimeLimits(TIME_LIMIT_SETTINGS, inputs.timeouts, context.stackConfig, context.environment));
  const connection = resolveConnection(inputs.console, context.stackConfig, context.environment);
  const target: ConsoleTarget = connection.project === undefined ? { url: connection.url } : { url: connection.url, project: connection.project };
  if (expected?.consoleUrl !== undefined && describeTarget(target) !== describeTarget(stateTarget(expected))) {
    throw new ConnectionError(
      `This RegistrySettings manages entries in the console ${describeTarget(stateTarget(expected))}, but the console configured now is ${describeTarget(target)}. ` +
        "Restore the previous prismaCloudCompute:url and prismaCloudCompute:project (or PRISMA_CLOUD_COMPUTE_URL and PRISMA_CLOUD_COMPUTE_PROJECT) " +
        "to refresh or delete it there, or give the resource a console argument.",
    );
  }
  const options = { ...context.clientOptions, acceptMissingList: acceptsListAsRead(context), report: context.report };
  return { client: new ComputeClient(connection, limits, options), target, deadline: limits.deadline };
}

function acceptsListAsRead(context: ProviderContext): boolean {
  return context.environment[ACCEPT_LIST_AS_READ_VARIABLE] === "true";
}

function refuseShrunkenList(previousUnmanaged: number | undefined, unmanagedNow: number, context: ProviderContext): void {
  const problem = shrunkenListProblem(previousUnmanaged, unmanagedNow);
  if (problem && !acceptsListAsRead(context)) {
    throw new Error(
      `${problem} If those entries really were removed in the console, run \`pulumi refresh\`, or run the command again with ` +
        `${ACCEPT_LIST_AS_READ_VARIABLE}=true.`,
    );
  }
}

function idFor(target: ConsoleTarget): string {
  return target.project === undefined ? `${target.url}/settings/registry` : `${target.url}/settings/registry?project=${encodeURIComponent(target.project)}`;
}

/** What the state says this resource owns: the entries it declared (never rows a refresh only saw) and its adoption records. */
function ownershipFromState(olds: Partial<PreviousState>): PreviousOwnership {
  const adopted = new Map<string, WireEntry>();
  for (const [identity, record] of Object.entries(olds.adoptionRecords ?? {})) adopted.set(identity, JSON.parse(record) as WireEntry);
  return { names: ownedNames(olds.specifications ?? {}), adopted };
}

/** The same from old inputs, as check has them: which entries were adopted, not what they were. */
function ownershipFromInputs(olds: Partial<RegistrySettingsInputs>): PreviousOwnership {
  const names = ownedNames(olds.specifications ?? {});
  const adoptedNames = new Set(Object.keys(olds.adopted ?? {}));
  return { names, adopted: new Map([...names].filter(([, name]) => adoptedNames.has(name)).map(([identity]) => [identity, null])) };
}

function ownedNames(specifications: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(
    Object.entries(specifications)
      .filter(([name, text]) => !name.startsWith(UNDECLARED_ENTRY_PREFIX) && !isUnknown(text))
      .map(([name, text]) => [identityOfFields(decodeEntryFields(text)), name]),
  );
}

/** The console's values for the fields the program declared, so drift shows without noise from console defaults. */
function refreshedFields(declared: RegistryEntryFields, remote: Record<string, unknown>): RegistryEntryFields {
  const fields: Record<string, unknown> = {};
  for (const field of Object.keys(declared)) {
    if (remote[field] !== undefined) fields[field] = remote[field];
  }
  return fields as RegistryEntryFields;
}

