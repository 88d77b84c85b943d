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

export type ReleaseAdopted = "restore" | "delete";

/** What this stack owned in the console before this write (from its state). */
export interface PreviousOwnership {
  /** Identity → the name this stack declared that entry under. */
  names: ReadonlyMap<string, string>;
  /**
   * Identity → the console entry as it was before this stack adopted it. Null
   * where the entry was adopted but its record is not at hand (a preview reads
   * inputs only): enough to say "restore", not to write it.
   */
  adopted: ReadonlyMap<string, WireEntry | null>;
}

export const NOTHING_OWNED: PreviousOwnership = { names: new Map(), adopted: new Map() };

export interface RegistryWritePlan {
  /** The full list to PUT. */
  entries: WireEntry[];
  /** Declared entries in the order written, by name, as the API will hold them. */
  declared: Map<string, WireEntry>;
  /** Console entries the list keeps that this stack does not own after the write, as read. */
  unmanaged: WireEntry[];
  /** Adopted entries the write puts back as they were: this stack's doing, so they must hold after it too. */
  restored: WireEntry[];
  added: string[];
  adopted: string[];
  /** Console entries the write drops, described for messages. */
  removed: string[];
  /** Identities of this stack's entries the write removes (not restored): none of them may be back after it. */
  released: Set<string>;
  /** Identity → the console entry before adoption, for every declared entry this stack adopted (now or before). */
  adoptionRecords: Map<string, WireEntry>;
  /**
   * What the write does to the console beyond what the program's own change
   * says, per entry name (or `console: <entry>` for an entry no program
   * declared): adoptions, renames, replacements, restores, repairs of console
   * drift, changed fields, and authoritative removals. Plain additions and
   * removals of this stack's own entries are left out: the preview shows them.
   */
  effects: Record<string, string>;
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
 * identity declared now or owned before; a later entry with the same identity
 * is someone else's and stays as read. An owned entry the program no longer
 * declares is removed, or, if this stack adopted it, put back as it was before
 * (unless `releaseAdopted` is "delete"). In authoritative mode every entry is
 * this stack's.
 */
export function planRegistryWrite(
  remote: readonly WireEntry[],
  declared: Readonly<Record<string, RegistryEntryFields>>,
  previous: PreviousOwnership,
  options: { mode: SettingsMode; releaseAdopted?: ReleaseAdopted },
): RegistryWritePlan {
  const { mode, releaseAdopted = "restore" } = options;
  const declaredByIdentity = new Map<string, { name: string; wire: WireEntry }>();
  const identityByName = new Map<string, string>();
  for (const [name, fields] of Object.entries(declared)) {
    const wire = toWireEntry(fields);
    const identity = identityOf(wire);
    declaredByIdentity.set(identity, { name, wire });
    identityByName.set(name, identity);
  }
  const entries: WireEntry[] = [];
  const written = new Map<string, WireEntry>();
  const unmanaged: WireEntry[] = [];
  const restored: WireEntry[] = [];
  const adopted: string[] = [];
  const removed: string[] = [];
  const released = new Set<string>();
  const adoptionRecords = new Map<string, WireEntry>();
  const effects: Record<string, string> = {};
  const placed = new Set<string>();
  /** Whether the list to write differs from the console's; tracked per entry, as a deep compare of 20,000 entries costs more than the plan. */
  let changesConsole = false;
  /** Identities whose first console entry has been seen: later ones are duplicates no program declared. */
  const seen = new Set<string>();

  for (const entry of remote) {
    const identity = identityOf(entry);
    const first = !seen.has(identity);
    seen.add(identity);
    const mine = declaredByIdentity.get(identity);
    const ownedName = first ? previous.names.get(identity) : undefined;
    if (mine && first) {
      const merged = Object.assign(unmodeledFields(entry), mine.wire);
      entries.push(merged);
      written.set(mine.name, merged);
      placed.add(identity);
      const changed = changedFields(entry, merged);
      if (changed.length > 0) changesConsole = true;
      const record = previous.adopted.get(identity);
      if (record !== undefined) {
        if (record !== null) adoptionRecords.set(identity, record);
      } else if (ownedName === undefined) {
        adopted.push(mine.name);
        adoptionRecords.set(identity, withoutServerStatus(entry));
        effects[mine.name] =
          `adopt: takes over the console's entry ${describeIdentity(entry)}${typeof entry.id === "string" ? ` (id ${entry.id})` : ""}` +
          `${changed.length > 0 ? ` and changes ${changed.join(", ")}` : ", unchanged"}; put back as it was when released`;
        continue;
      }
      const renamed = ownedName !== undefined && ownedName !== mine.name ? `rename from "${ownedName}": the console entry stays` : undefined;
      const change = changed.length > 0 ? `change ${changed.join(", ")}` : undefined;
      const note = [renamed, change].filter((part) => part !== undefined).join("; ");
      if (note !== "") effects[mine.name] = note;
    } else if (ownedName !== undefined && mode === "managed" && previous.adopted.has(identity) && releaseAdopted === "restore") {
      const record = previous.adopted.get(identity) ?? withoutServerStatus(entry);
      entries.push(record);
      restored.push(record);
      if (!isDeepStrictEqual(configurationOf(record), configurationOf(entry)) || record.id !== entry.id) changesConsole = true;
      effects[effectKeyFor(ownedName, identityByName, identity, entry)] = `restore: ${describeIdentity(entry)} goes back to the fields it had before this stack adopted it`;
    } else if (mode === "authoritative" || ownedName !== undefined) {
      removed.push(describeIdentity(entry));
      changesConsole = true;
      if (ownedName !== undefined && !declaredByIdentity.has(identity)) released.add(identity);
      if (ownedName !== undefined) {
        const replaced = identityByName.get(ownedName);
        if (replaced !== undefined && replaced !== identity) {
          effects[ownedName] = `replace: the console entry ${describeIdentity(entry)} is removed and a new one is added at the end of the list (an identity field changed)`;
        } else if (previous.adopted.has(identity)) {
          effects[ownedName] =
            mode === "authoritative"
              ? `remove: authoritative mode removes every entry no program declares; ${describeIdentity(entry)}, which this stack adopted, is not put back`
              : `remove: deletes ${describeIdentity(entry)}, which this stack adopted (releaseAdopted: "delete")`;
        }
      } else {
        effects[uniqueKey(effects, `console: ${describeIdentity(entry)}`)] = "remove: authoritative mode removes every entry no program declares";
      }
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
    changesConsole = true;
    // An adopted entry deleted in the console since is written again as declared, and still goes back as it was when released.
    const record = previous.adopted.get(identity);
    if (record) adoptionRecords.set(identity, record);
    if (previous.names.has(identity) && previous.names.get(identity) === name) {
      effects[name] = "add back: the entry is missing from the console";
    }
  }
  // Keep the declaration order for the map of what was written.
  const declaredInOrder = new Map(Object.keys(declared).map((name) => [name, written.get(name) as WireEntry]));
  if (entries.length > MAX_REGISTRY_ENTRIES) throw new RegistryCapError(declaredInOrder.size, unmanaged.length + restored.length);
  return { entries, declared: declaredInOrder, unmanaged, restored, added, adopted, removed, released, adoptionRecords, effects, changesConsole };
}

/** The name an effect on a released entry is shown under: its old name, unless a declared entry now has that name. */
function effectKeyFor(ownedName: string, identityByName: ReadonlyMap<string, string>, identity: string, entry: WireEntry): string {
  const now = identityByName.get(ownedName);
  return now === undefined || now === identity ? ownedName : `${ownedName} (was ${describeIdentity(entry)})`;
}

function uniqueKey(taken: Readonly<Record<string, string>>, key: string): string {
  if (!(key in taken)) return key;
  let n = 2;
  while (`${key} #${n}` in taken) n += 1;
  return `${key} #${n}`;
}

const MODELED_FIELDS_SORTED = [...MODELED_WIRE_FIELDS].sort();

/**
 * The modeled fields whose value a write changes, in the API's names, sorted;
 * a value the console may leave out ("", [], null) counts as absent.
 */
function changedFields(before: WireEntry, after: WireEntry): string[] {
  return MODELED_FIELDS_SORTED.filter((field) => {
    const a = present(before[field]);
    const b = present(after[field]);
    return a !== b && (typeof a !== "object" || typeof b !== "object" || !isDeepStrictEqual(a, b));
  });
}

const STATUS_FIELDS: ReadonlySet<string> = new Set(SERVER_STATUS_FIELDS);

/** Fields a console entry carries that this package does not model (kept when adopting or updating it), plus its id. */
function unmodeledFields(entry: WireEntry): WireEntry {
  const kept: WireEntry = {};
  for (const field in entry) {
    if (!MODELED_WIRE_FIELDS.has(field) && !STATUS_FIELDS.has(field)) kept[field] = entry[field];
  }
  return kept;
}

export interface WriteDiscrepancies {
  /** This stack's entries missing or changed, or released ones still there: another writer's PUT undid ours. */
  ours: string[];
  /** Entries of others lost or changed since our write: their writers' doing, or a console that dropped them. */
  others: string[];
}

/**
 * What differs between what a plan wrote and what the console now holds: a
 * declared entry missing or changed, an entry this stack released still
 * there, or an entry of others lost or changed.
 */
export function findWriteDiscrepancies(
  plan: Pick<RegistryWritePlan, "declared" | "unmanaged" | "restored" | "released">,
  readBack: readonly WireEntry[],
): WriteDiscrepancies {
  const byIdentity = new Map<string, WireEntry[]>();
  for (const entry of readBack) {
    const identity = identityOf(entry);
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), entry]);
  }
  const ours: string[] = [];
  const others: string[] = [];
  // A declared entry is the first with its identity (later ones are unmanaged duplicates), so it takes that one.
  for (const [name, wire] of plan.declared) {
    const candidates = byIdentity.get(identityOf(wire));
    const found = candidates?.shift();
    if (!found) {
      ours.push(`declared entry "${name}" (${describeIdentity(wire)}) is missing`);
      continue;
    }
    const changed = Object.keys(wire).filter((field) => field !== "id" && !isDeepStrictEqual(present(found[field]), present(wire[field])));
    if (changed.length > 0) ours.push(`declared entry "${name}" has different ${changed.join(", ")}`);
  }
  /** Takes the read-back entry that is `entry` as configured, each matched once; else says what became of it. */
  const unmatched = (entry: WireEntry): string | undefined => {
    const candidates = byIdentity.get(identityOf(entry)) ?? [];
    const expected = configurationOf(entry);
    const index = candidates.findIndex((c) => isDeepStrictEqual(configurationOf(c), expected));
    if (index < 0) return candidates.length === 0 ? "is missing" : "was changed";
    candidates.splice(index, 1);
    return undefined;
  };
  // An entry put back must be there as it was; then each unmanaged entry must match one of the rest.
  for (const entry of plan.restored) {
    const fate = unmatched(entry);
    if (fate) ours.push(`entry ${describeIdentity(entry)}, which this stack put back as it was before adopting it, ${fate}`);
  }
  for (const entry of plan.unmanaged) {
    const fate = unmatched(entry);
    if (fate) others.push(`unmanaged entry ${describeIdentity(entry)} ${fate}`);
  }
  // What is left of a released identity is an entry of ours the write removed, back again.
  for (const identity of plan.released) {
    for (const entry of byIdentity.get(identity) ?? []) ours.push(`entry ${describeIdentity(entry)}, which this stack removed, is still there`);
  }
  return { ours, others };
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

