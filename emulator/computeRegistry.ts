import { randomBytes } from "node:crypto";
import { isPlainObject } from "./exchange";
import { SERVER_SET_FIELDS, type RegistrySpecification } from "./computeSchema";

/** The console's hard cap (since 22.11): more entries than this are refused, for PUT and POST alike. */
export const MAX_REGISTRY_ENTRIES = 19_999;

/** Go's zero time, which the console reports for a registry that has never been scanned. */
const NEVER = "0001-01-01T00:00:00Z";

export type StoreResult = { ok: true } | { ok: false; message: string };

type StoredEntry = Record<string, unknown>;
type ScanFields = Pick<
  StoredEntry,
  "scanStatus" | "lastScanStatus" | "scanTime" | "lastScanTime" | "scanError" | "scannedImagesSuccessTotal"
>;

function neverScanned(): ScanFields {
  return {
    scanStatus: "pending",
    lastScanStatus: "",
    scanTime: NEVER,
    lastScanTime: NEVER,
    scanError: "",
    scannedImagesSuccessTotal: 0,
  };
}

/** The emulator has no images to scan, so a triggered scan completes at once and finds nothing. */
function scannedAt(time: string): ScanFields {
  return {
    scanStatus: "completed",
    lastScanStatus: "completed",
    scanTime: time,
    lastScanTime: time,
    scanError: "",
    scannedImagesSuccessTotal: 0,
  };
}

/** Seeded entries may lack scan fields; those fall back to "never scanned". */
function scanFieldsOf(entry: StoredEntry): ScanFields {
  const fields = neverScanned();
  for (const name of Object.keys(fields) as (keyof ScanFields)[]) {
    if (entry[name] !== undefined) fields[name] = entry[name];
  }
  return fields;
}

function withoutServerFields(specification: RegistrySpecification): Record<string, unknown> {
  const configuration: Record<string, unknown> = { ...specification };
  for (const field of SERVER_SET_FIELDS) delete configuration[field];
  return configuration;
}

export function capExceededMessage(count: number): string {
  return `maximum of ${MAX_REGISTRY_ENTRIES} registry entries exceeded (the request would leave ${count})`;
}

function capExceeded(count: number): StoreResult {
  return { ok: false, message: capExceededMessage(count) };
}

/** Mongo ObjectId-shaped ids, as the console keeps its settings in MongoDB: unique without a random draw per entry. */
class EntryIdGenerator {
  private readonly processPart = randomBytes(5).toString("hex");
  private counter = randomBytes(3).readUIntBE(0, 3);

  next(): string {
    this.counter = (this.counter + 1) % 0x1000000;
    const seconds = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, "0");
    return `${seconds}${this.processPart}${this.counter.toString(16).padStart(6, "0")}`;
  }
}

/** The console's registry scanning settings: one ordered list of entries, replaced or appended to as a whole. */
export class RegistrySettingsStore {
  private entries: StoredEntry[] = [];
  private readonly ids = new EntryIdGenerator();

  constructor(private readonly seedEntries: readonly unknown[]) {
    this.reset();
  }

  /** Serialised straight to the wire, so callers must not mutate what they get. */
  view(): readonly StoredEntry[] {
    return this.entries;
  }

  copies(): StoredEntry[] {
    return structuredClone(this.entries);
  }

  count(): number {
    return this.entries.length;
  }

  /** Test seeding: stored verbatim, without validation or server fields, to model anything a console may hold. */
  setEntries(entries: readonly unknown[]): void {
    entries.forEach((entry, index) => {
      if (!isPlainObject(entry)) throw new TypeError(`compute entry ${index} is not an object`);
    });
    this.entries = structuredClone(entries) as StoredEntry[];
  }

  reset(): void {
    this.setEntries(this.seedEntries);
  }

  /**
   * PUT semantics: everything is erased, then the given list is stored.
   * An entry that echoes the id of a stored entry keeps that id; anything else gets a fresh one.
   */
  replaceAll(specifications: readonly RegistrySpecification[], scanLater: boolean): StoreResult {
    if (specifications.length > MAX_REGISTRY_ENTRIES) return capExceeded(specifications.length);

    const storedById = new Map<string, StoredEntry>();
    for (const entry of this.entries) {
      if (typeof entry.id === "string") storedById.set(entry.id, entry);
    }
    const now = new Date().toISOString();
    const claimedIds = new Set<string>();

    this.entries = specifications.map((specification) => {
      const echoedId = specification.id;
      const previous =
        typeof echoedId === "string" && !claimedIds.has(echoedId) ? storedById.get(echoedId) : undefined;
      const id = previous !== undefined && typeof echoedId === "string" ? echoedId : this.ids.next();
      claimedIds.add(id);
      const scanFields = scanLater ? (previous ? scanFieldsOf(previous) : neverScanned()) : scannedAt(now);
      return { ...withoutServerFields(specification), id, ...scanFields };
    });
    return { ok: true };
  }

  /** POST semantics: one new entry at the end, always with a fresh id. */
  append(specification: RegistrySpecification, scanLater: boolean): StoreResult {
    if (this.entries.length + 1 > MAX_REGISTRY_ENTRIES) return capExceeded(this.entries.length + 1);
    const scanFields = scanLater ? neverScanned() : scannedAt(new Date().toISOString());
    this.entries.push({ ...withoutServerFields(specification), id: this.ids.next(), ...scanFields });
    return { ok: true };
  }
}
