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
 * An entry is this stack's when its identity is declared now or was declared
 * before (`previouslyManaged`); in authoritative mode every entry is.
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

  for (const entry of remote) {
    const identity = identityOf(entry);
    const mine = declaredByIdentity.get(identity);
    if (mine && !placed.has(identity)) {
      const merged = { ...unmodeledFields(entry), ...mine.wire };
      entries.push(merged);
      written.set(mine.name, merged);
      placed.add(identity);
      if (!previouslyManaged.has(identity)) adopted.push(mine.name);
    } else if (mode === "authoritative" || previouslyManaged.has(identity) || mine) {
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

/** The console list without this stack's entries, every other entry kept as read. */
export function planRegistryRemoval(remote: readonly WireEntry[], managed: ReadonlySet<string>): { entries: WireEntry[]; removed: number } {
  const entries = remote.filter((entry) => !managed.has(identityOf(entry))).map(withoutServerStatus);
  return { entries, removed: remote.length - entries.length };
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
  for (const [name, wire] of declared) {
    const found = byIdentity.get(identityOf(wire))?.[0];
    if (!found) {
      problems.push(`declared entry "${name}" (${describeIdentity(wire)}) is missing`);
      continue;
    }
    const changed = Object.keys(wire).filter((field) => field !== "id" && !isDeepStrictEqual(found[field], wire[field]));
    if (changed.length > 0) problems.push(`declared entry "${name}" has different ${changed.join(", ")}`);
  }
  for (const entry of unmanaged) {
    const candidates = byIdentity.get(identityOf(entry)) ?? [];
    const expected = configurationOf(entry);
    const kept = candidates.some((c) => isDeepStrictEqual(configurationOf(c), expected));
    if (!kept) problems.push(`unmanaged entry ${describeIdentity(entry)} ${candidates.length === 0 ? "is missing" : "was changed"}`);
  }
  return problems;
}

/** An entry's configuration: without status fields, and without the id a console may assign on any write. */
function configurationOf(entry: WireEntry): WireEntry {
  const { id: _id, ...rest } = withoutServerStatus(entry);
  return rest;
}
