import { isDeepStrictEqual } from "node:util";
import {
  describeIdentity,
  identityOf,
  MAX_REGISTRY_ENTRIES,
  MODELED_WIRE_FIELDS,
  SERVER_STATUS_FIELDS,
  toWireEntry,
  withoutServerStatus,
  type RegistryEntryFields,
  type WireEntry,
} from "./registryEntry";
import type { SettingsMode } from "./registrySettingsInputs";

export interface RegistryWritePlan {
  /** The full list to PUT. */
  entries: WireEntry[];
  /** Declared entries in the order written, by name, as the API will hold them. */
  declared: Map<string, WireEntry>;
  /** Console entries no program declared that the list keeps, as read. */
  unmanaged: WireEntry[];
  added: string[];
  adopted: string[];
  /** Console entries the write drops, described for messages. */
  removed: string[];
  /** False when the console already holds exactly this list: no write needed. */
  changesConsole: boolean;
}

export class RegistryCapError extends Error {
  constructor(
    readonly declaredCount: number,
    readonly unmanagedCount: number,
  ) {
    super(
      `The console would hold ${declaredCount + unmanagedCount} registry entries (${declaredCount} declared by this stack + ${unmanagedCount} ` +
        `not managed by it), above its limit of ${MAX_REGISTRY_ENTRIES}. Nothing was written. Remove declared entries, or remove unmanaged ones in the console.`,
    );
    this.name = "RegistryCapError";
  }
}

/**
 * The list to write so that the console holds the declared entries, keeping
 * every entry this stack does not manage in place with all its fields.
 * An entry is this stack's when it is the first console entry with an
 * identity declared now or declared before (`previouslyManaged`); a later
 * entry with the same identity is someone else's and stays as read. In
 * authoritative mode every entry is this stack's.
 */
export function planRegistryWrite(
  remote: readonly WireEntry[],
  declared: Readonly<Record<string, RegistryEntryFields>>,
  previouslyManaged: ReadonlySet<string>,
  mode: SettingsMode,
): RegistryWritePlan {
  const declaredByIdentity = new Map<string, { name: string; wire: WireEntry }>();
  for (const [name, fields] of Object.entries(declared)) {
    declaredByIdentity.set(identityOf(toWireEntry(fields)), { name, wire: toWireEntry(fields) });
  }
  const entries: WireEntry[] = [];
  const written = new Map<string, WireEntry>();
  const unmanaged: WireEntry[] = [];
  const adopted: string[] = [];
  const removed: string[] = [];
  const placed = new Set<string>();
  /** Identities whose first console entry has been seen: later ones are duplicates no program declared. */
  const seen = new Set<string>();

  for (const entry of remote) {
    const identity = identityOf(entry);
    const first = !seen.has(identity);
    seen.add(identity);
    const mine = declaredByIdentity.get(identity);
    if (mine && first) {
      const merged = { ...unmodeledFields(entry), ...mine.wire };
      entries.push(merged);
      written.set(mine.name, merged);
      placed.add(identity);
      if (!previouslyManaged.has(identity)) adopted.push(mine.name);
    } else if (mode === "authoritative" || (first && previouslyManaged.has(identity))) {
      removed.push(describeIdentity(entry));
    } else {
      entries.push(withoutServerStatus(entry));
      unmanaged.push(entry);
    }
  }
  const added: string[] = [];
  for (const [identity, { name, wire }] of declaredByIdentity) {
    if (placed.has(identity)) continue;
    entries.push(wire);
    written.set(name, wire);
    added.push(name);
  }
  // Keep the declaration order for the map of what was written.
  const declaredInOrder = new Map(Object.keys(declared).map((name) => [name, written.get(name) as WireEntry]));
  if (entries.length > MAX_REGISTRY_ENTRIES) throw new RegistryCapError(declaredInOrder.size, unmanaged.length);
  const changesConsole = !isDeepStrictEqual(entries, remote.map(withoutServerStatus));
  return { entries, declared: declaredInOrder, unmanaged, added, adopted, removed, changesConsole };
}

/**
 * The console list without this stack's entries, every other entry kept as
 * read. This stack's entry for a managed identity is the first one with it;
 * later entries with the same identity are someone else's and stay
 * (`unmanaged`, as read, for verifying the write).
 */
export function planRegistryRemoval(
  remote: readonly WireEntry[],
  managed: ReadonlySet<string>,
): { entries: WireEntry[]; removed: number; unmanaged: WireEntry[] } {
  const seen = new Set<string>();
  const unmanaged: WireEntry[] = [];
  for (const entry of remote) {
    const identity = identityOf(entry);
    const first = !seen.has(identity);
    seen.add(identity);
    if (!(first && managed.has(identity))) unmanaged.push(entry);
  }
  return { entries: unmanaged.map(withoutServerStatus), removed: remote.length - unmanaged.length, unmanaged };
}

/** Fields a console entry carries that this package does not model (kept when adopting or updating it), plus its id. */
function unmodeledFields(entry: WireEntry): WireEntry {
  const kept: WireEntry = {};
  const status = new Set<string>(SERVER_STATUS_FIELDS);
  for (const [field, value] of Object.entries(entry)) {
    if (!MODELED_WIRE_FIELDS.has(field) && !status.has(field)) kept[field] = value;
  }
  return kept;
}

/**
 * What differs between what was written and what the console now holds: a
 * declared entry missing or changed, or an unmanaged entry lost or changed.
 * Anything here means another writer raced this one.
 */
export function findWriteDiscrepancies(
  declared: ReadonlyMap<string, WireEntry>,
  unmanaged: readonly WireEntry[],
  readBack: readonly WireEntry[],
): string[] {
  const byIdentity = new Map<string, WireEntry[]>();
  for (const entry of readBack) {
    const identity = identityOf(entry);
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), entry]);
  }
  const problems: string[] = [];
  // A declared entry is the first with its identity (later ones are unmanaged duplicates), so it takes that one.
  for (const [name, wire] of declared) {
    const candidates = byIdentity.get(identityOf(wire));
    const found = candidates?.shift();
    if (!found) {
      problems.push(`declared entry "${name}" (${describeIdentity(wire)}) is missing`);
      continue;
    }
    const changed = Object.keys(wire).filter((field) => field !== "id" && !isDeepStrictEqual(present(found[field]), present(wire[field])));
    if (changed.length > 0) problems.push(`declared entry "${name}" has different ${changed.join(", ")}`);
  }
  // Each unmanaged entry must match one of the remaining entries with its identity, each matched once.
  for (const entry of unmanaged) {
    const candidates = byIdentity.get(identityOf(entry)) ?? [];
    const expected = configurationOf(entry);
    const index = candidates.findIndex((c) => isDeepStrictEqual(configurationOf(c), expected));
    if (index >= 0) candidates.splice(index, 1);
    else problems.push(`unmanaged entry ${describeIdentity(entry)} ${candidates.length === 0 ? "is missing" : "was changed"}`);
  }
  return problems;
}

/**
 * What differs between a removal's write and what the console now holds: an
 * entry the removal kept (`unmanaged`, from planRegistryRemoval) lost or
 * changed, or an entry of this stack's still there (more entries with a
 * managed identity than the removal kept).
 */
export function findRemovalDiscrepancies(
  unmanaged: readonly WireEntry[],
  managed: ReadonlySet<string>,
  readBack: readonly WireEntry[],
): string[] {
  const kept = new Map<string, number>();
  for (const entry of unmanaged) kept.set(identityOf(entry), (kept.get(identityOf(entry)) ?? 0) + 1);
  const stillThere: string[] = [];
  const counted = new Map<string, number>();
  for (const entry of readBack) {
    const identity = identityOf(entry);
    if (!managed.has(identity)) continue;
    counted.set(identity, (counted.get(identity) ?? 0) + 1);
    if ((counted.get(identity) as number) > (kept.get(identity) ?? 0)) stillThere.push(`entry ${describeIdentity(entry)} is still there`);
  }
  return [...stillThere, ...findWriteDiscrepancies(new Map(), unmanaged, readBack)];
}

/**
 * An entry's configuration as compared after a write: without status fields,
 * without the id a console may assign on any write, and without empty values,
 * since a console may omit an empty string or list it was sent (and key order
 * never matters to the comparison).
 */
function configurationOf(entry: WireEntry): WireEntry {
  const { id: _id, ...rest } = withoutServerStatus(entry);
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => present(value) !== undefined));
}

/** A field's value, or undefined when the console may as well have left it out: absent, null, "" or []. */
function present(value: unknown): unknown {
  if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) return undefined;
  return value;
}

/** Below this many entries of others, a drop to few is ordinary housekeeping, not a sign of a bad read. */
const SHRINK_GUARD_MIN_UNMANAGED = 20;

/**
 * Why the list just read is not to be trusted as the base of a write, if it
 * is not: the state recorded `previousUnmanaged` entries of others, and the
 * read holds fewer than a tenth of them. A console answering a partial or
 * empty list would otherwise have every missing one erased by our write.
 */
export function shrunkenListProblem(previousUnmanaged: number | undefined, unmanagedNow: number): string | undefined {
  if (previousUnmanaged === undefined || previousUnmanaged < SHRINK_GUARD_MIN_UNMANAGED) return undefined;
  if (unmanagedNow * 10 >= previousUnmanaged) return undefined;
  return (
    `The console's list holds ${unmanagedNow} entries this stack does not manage, where the last apply or refresh saw ${previousUnmanaged}. ` +
    "Nothing was written: if the read is wrong, a write based on it would erase the missing entries."
  );
}

