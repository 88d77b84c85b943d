import { z } from "zod";
import { issuesToFailures, isUnknown, splitUnknown, touchesUnknown, UNKNOWN_VALUE, type CheckFailure } from "../validation/checkFailure";
import { INPUT_LIMITS, RESERVED_KEYS } from "../../rules";
import { freeFormFailures } from "../validation/bounds";
import { consoleArgsSchema, type ConsoleArgs } from "./connection";
import type { TimeoutsArgs } from "../timeLimits";
import { decodeEntryFields, encodeEntryFields, parseCanonicalJson } from "./entryEncoding";
import {
  describeIdentity,
  identityOfFields,
  MAX_REGISTRY_ENTRIES,
  registryEntryFieldsSchema,
  toWireEntry,
  type RegistryEntryFields,
} from "./registryEntry";

export const SETTINGS_MODES = ["managed", "authoritative"] as const;
export type SettingsMode = (typeof SETTINGS_MODES)[number];
/** What happens to a console entry this stack adopted when it leaves the program or the stack is destroyed. */
export const RELEASE_ADOPTED_CHOICES = ["restore", "delete"] as const;

/**
 * Checked, canonical inputs. Entries are keyed by name, so that the engine's
 * diff of old and new inputs reads per entry ("+ specifications.ubuntu-18.04")
 * rather than as a shifted array, each entry one canonical JSON string of its
 * fields (see entryEncoding.ts for why a string).
 */
export interface RegistrySettingsInputs {
  specifications: Record<string, string>;
  mode: SettingsMode;
  scanLater: boolean;
  releaseAdopted: (typeof RELEASE_ADOPTED_CHOICES)[number];
  console?: ConsoleArgs;
  /** Time limits of this resource's operations; checked and canonicalized by the provider's check (timeLimits.ts). */
  timeouts?: TimeoutsArgs;
  /**
   * Declared entries that were in the console before this stack took them
   * over, by name, each described. Worked out by check from the console, kept
   * while the entry is declared: a preview tells a release (put back as it
   * was) from a removal by it.
   */
  adopted: Record<string, string>;
  /**
   * What applies have done or will do to the console beyond the program's own
   * change, per entry (see RegistryWritePlan.effects), each stamped with the
   * apply that does it: "(#3)". Check adds the coming apply's rows to the
   * previous ones, so a preview shows only its own as changed, and empties
   * the map once an apply has nothing to do.
   */
  consoleChanges: Record<string, string>;
  /** The console the entries live in, as check resolved it: a later check refuses another one before any request. */
  consoleUrl?: string;
  /** The console project the entries live in; absent: the console's own. */
  consoleProject?: string;
}

export const topLevelSchema = z.object({
  mode: z.enum(SETTINGS_MODES).default("managed"),
  scanLater: z.boolean().default(false),
  releaseAdopted: z.enum(RELEASE_ADOPTED_CHOICES).default("restore"),
  console: consoleArgsSchema.optional(),
});

/**
 * Names under which earlier versions recorded, on refresh, console entries no
 * program declared (authoritative mode). Still reserved, and never counted as
 * this stack's when read from such a state.
 */
export const UNDECLARED_ENTRY_PREFIX = "undeclared:";

/**
 * Validates what a program declared, reporting every problem at once with its
 * property path, before any request is sent.
 */
export function checkRegistrySettingsInputs(
  news: Record<string, unknown>,
  /** The entries as the last check accepted them: an entry arriving unchanged is not judged again. */
  accepted: Readonly<Record<string, unknown>> = {},
): {
  inputs: DeclaredSettings;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  const { mode, scanLater, releaseAdopted, console } = news;
  const top = topLevelSchema.safeParse({ mode, scanLater, releaseAdopted, console }, { reportInput: true });
  // A value a preview cannot know yet is judged at `pulumi up`, when it is known.
  if (!top.success) failures.push(...issuesToFailures("", top.error.issues.filter((issue) => !touchesUnknown(news, issue.path))));
  const settings = top.success ? defaults(top.data) : undecided(news);

  const specifications: Record<string, string> = {};
  const raw = news.specifications;
  if (isUnknown(raw)) {
    return { inputs: { ...settings, specifications: raw } as unknown as DeclaredSettings, failures };
  }
  const declared = listDeclaredEntries(raw, failures);
  if (declared.length > MAX_REGISTRY_ENTRIES) {
    failures.push({
      property: "specifications",
      reason: `declares ${declared.length} entries; a console holds at most ${MAX_REGISTRY_ENTRIES}. Split them across consoles or remove ${declared.length - MAX_REGISTRY_ENTRIES}.`,
    });
  }

  // Names are the map's keys, unique by construction (the SDK refuses a repeated one where the program can say which).
  const firstNameByIdentity = new Map<string, string>();
  for (const { name, fields, text } of declared) {
    // A name too long to be one is shown cut, so the message stays readable.
    const tooLong = name.length > INPUT_LIMITS.nameLength;
    const path = `specifications[${tooLong ? `${name.slice(0, 40)}...` : name}]`;
    if (fields === undefined) {
      specifications[name] = UNKNOWN_VALUE;
      continue;
    }
    if (text !== undefined && accepted[name] === text) {
      // Unchanged since the last check accepted it: only its identity still needs comparing with the others.
      specifications[name] = text;
      noteIdentity(name, fields as RegistryEntryFields);
      continue;
    }
    if (name.trim() === "") failures.push({ property: path, reason: "is required: a non-empty name that identifies the entry" });
    if (tooLong) failures.push({ property: path, reason: `the name must be at most ${INPUT_LIMITS.nameLength} characters, not ${name.length}` });
    if (RESERVED_KEYS.has(name)) failures.push({ property: path, reason: `"${name}" is a reserved name; choose another` });
    if (name.startsWith(UNDECLARED_ENTRY_PREFIX)) {
      failures.push({ property: path, reason: `names starting with "${UNDECLARED_ENTRY_PREFIX}" are reserved (earlier versions recorded console entries under them)` });
    }
    const { known, unknown } = splitUnknown(fields);
    if ("credential" in known) {
      failures.push({
        property: `${path}.credential`,
        reason: "embedded credentials are not supported, because they would put registry secrets into the Pulumi state; store the credential in the console's credential store and set credentialId",
      });
      delete known.credential;
    }
    const parsed = registryEntryFieldsSchema.safeParse(known, { reportInput: true });
    if (!parsed.success) {
      const judged = parsed.error.issues.filter((issue) => !touchesUnknown(fields, issue.path));
      failures.push(...issuesToFailures(path, judged));
      if (judged.length === 0) specifications[name] = encodeEntryFields(fields);
      continue;
    }
    const entry = parsed.data;
    failures.push(...entryRuleFailures(path, entry), ...freeFormFailures(known.azureCloudMetadata, `${path}.azureCloudMetadata`));
    specifications[name] = encodeEntryFields({ ...entry, ...unknown });
    if (Object.keys(unknown).length > 0) continue;
    noteIdentity(name, entry);
  }

  function noteIdentity(name: string, entry: RegistryEntryFields): void {
    const identity = identityOfFields(entry);
    const sameAs = firstNameByIdentity.get(identity);
    if (sameAs === undefined) {
      firstNameByIdentity.set(identity, name);
      return;
    }
    failures.push({
      property: `specifications[${name}]`,
      reason: `targets the same registry, repository, tag and OS (${describeIdentity(toWireEntry(entry))}) as specifications[${sameAs}]; the console would scan it twice. Remove one or make them differ.`,
    });
  }

  return { inputs: { ...settings, specifications }, failures };
}

/** The inputs as the program declared them, checked; the console's side (`adopted`, `consoleChanges`) is added by the provider's check. */
export type DeclaredSettings = Omit<RegistrySettingsInputs, "adopted" | "consoleChanges" | "consoleUrl" | "consoleProject">;

function defaults(top: z.infer<typeof topLevelSchema>): Omit<DeclaredSettings, "specifications"> {
  const result: Omit<DeclaredSettings, "specifications"> = { mode: top.mode, scanLater: top.scanLater, releaseAdopted: top.releaseAdopted };
  if (top.console) result.console = top.console;
  return result;
}

/** The settings as given, when some are not known yet (or invalid, which the failures report). */
function undecided(news: Record<string, unknown>): Omit<DeclaredSettings, "specifications"> {
  const result = {
    mode: news.mode ?? "managed",
    scanLater: news.scanLater ?? false,
    releaseAdopted: news.releaseAdopted ?? "restore",
  } as Omit<DeclaredSettings, "specifications">;
  if (news.console !== undefined) result.console = news.console as ConsoleArgs;
  return result;
}

/** One declared entry, decoded once: its name (the map's key) and its fields. */
interface DeclaredEntry {
  name: string;
  /** Undefined for an entry a preview cannot know yet. */
  fields: Record<string, unknown> | undefined;
  /** The entry's encoded form, when it arrived as one. */
  text?: string;
}

/** The name-keyed map of encoded entries the SDK sends (and checked inputs and state hold), decoded. */
function listDeclaredEntries(raw: unknown, failures: CheckFailure[]): DeclaredEntry[] {
  if (raw === undefined || raw === null) {
    failures.push({ property: "specifications", reason: "is required: a list of RegistrySpecification" });
    return [];
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    failures.push({ property: "specifications", reason: "must be a list of RegistrySpecification (sent by the SDK as a map keyed by name)" });
    return [];
  }
  return Object.entries(raw as Record<string, unknown>).map(([name, value]): DeclaredEntry => {
    if (isUnknown(value)) return { name, fields: undefined };
    if (typeof value !== "string") return { name, fields: value !== null && typeof value === "object" ? { ...value } : {} };
    const fields = parseEntry(value);
    if (fields === undefined) {
      failures.push({ property: `specifications[${name}]`, reason: "must be a RegistrySpecification's fields" });
      return { name, fields: {} };
    }
    return { name, fields, text: value };
  });
}

/** An entry's fields from its encoded form; undefined when it is not a JSON object. */
function parseEntry(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = parseCanonicalJson(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    return { ...decodeEntryFields(parsed as RegistryEntryFields) };
  } catch {
    return undefined;
  }
}

/** Rules across fields that the console enforces or that would make a useless entry. */
function entryRuleFailures(path: string, entry: RegistryEntryFields): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (entry.version === "gitlab") {
    const spec = entry.gitlabRegistrySpec;
    const hasOne = spec && Object.values(spec).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== ""));
    if (!hasOne) {
      failures.push({
        property: `${path}.gitlabRegistrySpec`,
        reason: "is required for version \"gitlab\", with at least one of userId, projectIds, groupIds, excludedGroupIds, apiDomainName",
      });
    }
  }
  return failures;
}
