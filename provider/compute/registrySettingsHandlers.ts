import { isDeepStrictEqual } from "node:util";
import { containsUnknown, forEngine, type CheckFailure } from "../validation/checkFailure";
import { ComputeClient, type ComputeClientOptions } from "./computeClient";
import { withConsoleLock } from "./consoleLock";
import { decodeEntryFields, decodeSpecifications, encodeEntry } from "./entryEncoding";
import { ACCEPT_LIST_AS_READ_VARIABLE, ConnectionError, consoleArgsSchema, normalizeConsoleUrl, resolveConnection, resolveConsoleUrl } from "./connection";
import { describeIdentity, fromWireEntry, identityOf, toWireEntry, type RegistryEntryFields, type WireEntry } from "./registryEntry";
import { findRemovalDiscrepancies, findWriteDiscrepancies, planRegistryRemoval, planRegistryWrite, shrunkenListProblem } from "./registryPlan";
import {
  checkRegistrySettingsInputs,
  UNDECLARED_ENTRY_PREFIX,
  type RegistrySettingsInputs,
} from "./registrySettingsInputs";

/** What the state holds for a RegistrySettings: its checked inputs plus what the console reported. */
export interface RegistrySettingsOutputs extends RegistrySettingsInputs {
  consoleUrl: string;
  /** Entries this resource declares (and so owns) in the console. */
  managedCount: number;
  /** Entries in the console that no program declared, left as they are. */
  unmanagedCount: number;
}

export interface ProviderContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
  clientOptions?: ComputeClientOptions;
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
  }
}

export function check(
  olds: Partial<RegistrySettingsInputs>,
  news: Record<string, unknown>,
  context: ProviderContext,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  // Entries a refresh only saw (`undeclared:`) were never judged: they get no fast path.
  const accepted = Object.fromEntries(
    Object.entries(olds.specifications !== null && typeof olds.specifications === "object" ? olds.specifications : {}).filter(
      ([name]) => !name.startsWith(UNDECLARED_ENTRY_PREFIX),
    ),
  );
  const { inputs, failures } = checkRegistrySettingsInputs(news, accepted);
  return { inputs: { ...inputs }, failures: forEngine([...failures, ...connectionFailures(news.console, context)]) };
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
  const newUrl = resolveConsoleUrl(news.console, context.stackConfig, context.environment);
  const oldUrl = olds.consoleUrl === undefined ? undefined : normalizeConsoleUrl(olds.consoleUrl);
  if (newUrl !== undefined && oldUrl !== undefined && newUrl !== oldUrl) {
    // No automatic move: two URLs may name one console (an alias, an IP), and a delete on one
    // plus a write on the other would then lose entries or their console ids.
    throw new ConnectionError(
      `This RegistrySettings manages entries in the console ${oldUrl}, but ${news.console?.url ? "console.url" : "prismaCloudCompute:url (or PRISMA_CLOUD_COMPUTE_URL)"} ` +
        `now names ${newUrl}. A RegistrySettings stays on its console. If both URLs name the same console, keep the old one. ` +
        "To move the entries to another console, run `pulumi destroy --target <this resource's URN>` with the old URL (it removes " +
        "only this stack's entries there), then `pulumi up` with the new one.",
    );
  }
  const changes =
    olds.mode !== news.mode ||
    olds.scanLater !== news.scanLater ||
    !isDeepStrictEqual(olds.console ?? null, news.console ?? null) ||
    !isDeepStrictEqual(olds.specifications, news.specifications);
  // "Changes, not known which" on purpose: the engine then diffs the old and new inputs itself and
  // keeps that detailed diff, so `pulumi preview --diff` prints only the entries and fields that
  // change. With a plain "changes" it prints every entry of the list (the SDK's dynamic-provider
  // host forwards no detailed diff of ours), some 300,000 lines for a one-field change among 19,999.
  return { changes: changes ? undefined : false, replaces: [] };
}

export async function create(inputs: RegistrySettingsInputs, context: ProviderContext) {
  const { client, consoleUrl } = connect(inputs, context);
  const outs = await withConsoleLock(consoleUrl, () => write(client, consoleUrl, inputs, new Set(), idFor(consoleUrl), context));
  return { id: idFor(consoleUrl), outs };
}

export async function update(id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs, context: ProviderContext) {
  const { client, consoleUrl } = connect(news, context, olds.consoleUrl);
  return { outs: await withConsoleLock(consoleUrl, () => write(client, consoleUrl, news, managedIdentities(olds), id, context, olds.unmanagedCount)) };
}

export async function read(id: string, olds: RegistrySettingsOutputs, context: ProviderContext) {
  const { client, consoleUrl } = connect(olds, context, olds.consoleUrl);
  const remote = await client.getRegistryEntries();
  // The first entry of an identity is the one this resource manages; later duplicates are someone else's.
  const remoteByIdentity = new Map<string, WireEntry>();
  for (const entry of remote) if (!remoteByIdentity.has(identityOf(entry))) remoteByIdentity.set(identityOf(entry), entry);
  const specifications: Record<string, string> = {};
  const claimed = new Set<string>();
  for (const [name, fields] of Object.entries(decodeSpecifications(olds.specifications))) {
    if (name.startsWith(UNDECLARED_ENTRY_PREFIX)) continue;
    const identity = identityOf(toWireEntry(fields));
    const found = remoteByIdentity.get(identity);
    if (!found) continue;
    claimed.add(identity);
    specifications[name] = encodeEntry(name, refreshedFields(fields, fromWireEntry(found)));
  }
  const managedCount = Object.keys(specifications).length;
  if (olds.mode === "authoritative") {
    // Shown as extra entries, so the next preview lists what authoritative mode will remove.
    for (const entry of remote) {
      if (claimed.has(identityOf(entry))) continue;
      const name = `${UNDECLARED_ENTRY_PREFIX}${describeIdentity(entry)}`;
      specifications[name] = encodeEntry(name, fromWireEntry(entry));
    }
  }
  const inputs: RegistrySettingsInputs = { specifications, mode: olds.mode, scanLater: olds.scanLater };
  if (olds.console) inputs.console = olds.console;
  const props: RegistrySettingsOutputs = { ...inputs, consoleUrl, managedCount, unmanagedCount: remote.length - managedCount };
  return { id, props, inputs };
}

export async function remove(olds: RegistrySettingsOutputs, context: ProviderContext): Promise<void> {
  const { client, consoleUrl } = connect(olds, context, olds.consoleUrl);
  await withConsoleLock(consoleUrl, () => removeDeclared(client, olds, context));
}

async function removeDeclared(client: ComputeClient, olds: RegistrySettingsOutputs, context: ProviderContext): Promise<void> {
  const managed = managedIdentities(olds);
  const remote = await client.getRegistryEntries();
  const { entries, removed, unmanaged } = planRegistryRemoval(remote, managed);
  if (removed === 0) return;
  refuseShrunkenList(olds.unmanagedCount, unmanaged.length, context);
  // When this stack owned every entry, the list left is empty, and that is what is written (then verified).
  await client.putRegistryEntries(entries, olds.scanLater);
  const readBack = await client.getRegistryEntries();
  const problems = findRemovalDiscrepancies(unmanaged, managed, readBack);
  if (problems.length > 0) throw new ConcurrentWriteError(problems);
}

async function write(
  client: ComputeClient,
  consoleUrl: string,
  inputs: RegistrySettingsInputs,
  previouslyManaged: ReadonlySet<string>,
  id: string,
  context: ProviderContext,
  previousUnmanaged?: number,
): Promise<RegistrySettingsOutputs> {
  const remote = await client.getRegistryEntries();
  const plan = planRegistryWrite(remote, decodeSpecifications(inputs.specifications), previouslyManaged, inputs.mode);
  if (plan.changesConsole) refuseShrunkenList(previousUnmanaged, plan.unmanaged.length, context);
  const outs: RegistrySettingsOutputs = {
    ...inputs,
    consoleUrl,
    managedCount: plan.declared.size,
    unmanagedCount: plan.unmanaged.length,
  };
  if (!plan.changesConsole) return outs;
  await client.putRegistryEntries(plan.entries, inputs.scanLater);
  const readBack = await client.getRegistryEntries();
  const problems = findWriteDiscrepancies(plan.declared, plan.unmanaged, readBack);
  if (problems.length > 0) throw new ConcurrentWriteError(problems, id, { ...outs });
  return outs;
}

/**
 * The client for the console these inputs name. With `expectedUrl` (the
 * console the state's entries live in), refuses another console: its entries
 * would otherwise be read, changed or removed on the wrong list.
 */
function connect(inputs: Pick<RegistrySettingsInputs, "console">, context: ProviderContext, expectedUrl?: string) {
  const connection = resolveConnection(inputs.console, context.stackConfig, context.environment);
  if (expectedUrl !== undefined && connection.url !== normalizeConsoleUrl(expectedUrl)) {
    throw new ConnectionError(
      `This RegistrySettings manages entries in the console ${expectedUrl}, but the console configured now is ${connection.url}. ` +
        "Restore the previous prismaCloudCompute:url (or PRISMA_CLOUD_COMPUTE_URL) to refresh or delete it there, or give the resource a console argument.",
    );
  }
  const options = { ...context.clientOptions, acceptMissingList: acceptsListAsRead(context) };
  return { client: new ComputeClient(connection, options), consoleUrl: connection.url };
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

function idFor(consoleUrl: string): string {
  return `${consoleUrl}/settings/registry`;
}

/** Identities this resource owns: what it declared last time (never entries a refresh only saw). */
function managedIdentities(olds: RegistrySettingsOutputs): Set<string> {
  return new Set(
    Object.entries(olds.specifications)
      .filter(([name]) => !name.startsWith(UNDECLARED_ENTRY_PREFIX))
      .map(([, text]) => identityOf(toWireEntry(decodeEntryFields(text)))),
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

