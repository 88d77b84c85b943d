import { z } from "zod";
import { issuesToFailures, isUnknown, splitUnknown, type CheckFailure } from "../validation/checkFailure";
import { consoleArgsSchema, type ConsoleArgs } from "./connection";
import {
  describeIdentity,
  identityOf,
  MAX_REGISTRY_ENTRIES,
  registryEntryFieldsSchema,
  toWireEntry,
  type RegistryEntryFields,
} from "./registryEntry";

export const SETTINGS_MODES = ["managed", "authoritative"] as const;
export type SettingsMode = (typeof SETTINGS_MODES)[number];

/**
 * Checked, canonical inputs. Entries are keyed by name, so that the engine's
 * diff of old and new inputs reads per entry ("+ specifications.ubuntu-18.04")
 * rather than as a shifted array.
 */
export interface RegistrySettingsInputs {
  specifications: Record<string, RegistryEntryFields>;
  mode: SettingsMode;
  scanLater: boolean;
  console?: ConsoleArgs;
}

const topLevelSchema = z.object({
  mode: z.enum(SETTINGS_MODES).default("managed"),
  scanLater: z.boolean().default(false),
  console: consoleArgsSchema.optional(),
});

/** Names of entries a refresh found in the console that no program declared (authoritative mode only). */
export const UNDECLARED_ENTRY_PREFIX = "undeclared:";

/**
 * Validates what a program declared, reporting every problem at once with its
 * property path, before any request is sent.
 */
export function checkRegistrySettingsInputs(news: Record<string, unknown>): {
  inputs: RegistrySettingsInputs;
  failures: CheckFailure[];
} {
  const failures: CheckFailure[] = [];
  const top = topLevelSchema.safeParse(stripUnknownTopLevel(news), { reportInput: true });
  if (!top.success) failures.push(...issuesToFailures("", top.error.issues));

  const specifications: Record<string, RegistryEntryFields> = {};
  const raw = news.specifications;
  if (isUnknown(raw)) {
    return { inputs: { ...defaults(top.data), ...news, specifications: raw } as unknown as RegistrySettingsInputs, failures };
  }
  const declared = listDeclaredEntries(raw, failures);
  if (declared.length > MAX_REGISTRY_ENTRIES) {
    failures.push({
      property: "specifications",
      reason: `declares ${declared.length} entries; a console holds at most ${MAX_REGISTRY_ENTRIES}. Split them across consoles or remove ${declared.length - MAX_REGISTRY_ENTRIES}.`,
    });
  }

  const firstNameAt = new Map<string, number>();
  const firstNameByIdentity = new Map<string, string>();
  declared.forEach(({ name, fields }, index) => {
    const path = `specifications[${name}]`;
    const previous = firstNameAt.get(name);
    if (previous !== undefined) {
      failures.push({ property: path, reason: `the name "${name}" is declared twice (entries ${previous} and ${index}); names must be unique` });
      return;
    }
    firstNameAt.set(name, index);
    if (name.startsWith(UNDECLARED_ENTRY_PREFIX)) {
      failures.push({ property: path, reason: `names starting with "${UNDECLARED_ENTRY_PREFIX}" are reserved for entries a refresh found in the console` });
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
      failures.push(...issuesToFailures(path, parsed.error.issues));
      return;
    }
    const entry = parsed.data;
    failures.push(...entryRuleFailures(path, entry));
    specifications[name] = { ...entry, ...unknown } as RegistryEntryFields;
    if (Object.keys(unknown).length > 0) return;
    const identity = identityOf(toWireEntry(entry));
    const sameAs = firstNameByIdentity.get(identity);
    if (sameAs !== undefined) {
      failures.push({
        property: path,
        reason: `targets the same registry, repository, tag and OS (${describeIdentity(toWireEntry(entry))}) as specifications[${sameAs}]; the console would scan it twice. Remove one or make them differ.`,
      });
    } else {
      firstNameByIdentity.set(identity, name);
    }
  });

  return { inputs: { ...defaults(top.data), specifications }, failures };
}

function defaults(top: z.infer<typeof topLevelSchema> | undefined): Omit<RegistrySettingsInputs, "specifications"> {
  const result: Omit<RegistrySettingsInputs, "specifications"> = { mode: top?.mode ?? "managed", scanLater: top?.scanLater ?? false };
  if (top?.console) result.console = top.console;
  return result;
}

function stripUnknownTopLevel(news: Record<string, unknown>): Record<string, unknown> {
  const { mode, scanLater, console } = news;
  return splitUnknown({ mode, scanLater, console }).known;
}

interface DeclaredEntry {
  name: string;
  fields: Record<string, unknown>;
}

/** Accepts the array the SDK sends and the name-keyed map that checked inputs hold. */
function listDeclaredEntries(raw: unknown, failures: CheckFailure[]): DeclaredEntry[] {
  if (raw === undefined || raw === null) {
    failures.push({ property: "specifications", reason: "is required: a list of RegistrySpecification" });
    return [];
  }
  if (!Array.isArray(raw)) {
    if (typeof raw === "object") {
      return Object.entries(raw as Record<string, unknown>).map(([name, fields]) => ({ name, fields: { ...(fields as object) } }));
    }
    failures.push({ property: "specifications", reason: "must be a list of RegistrySpecification" });
    return [];
  }
  const entries: DeclaredEntry[] = [];
  raw.forEach((item: unknown, index) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      failures.push({ property: `specifications[${index}]`, reason: "must be a RegistrySpecification" });
      return;
    }
    const { name, ...fields } = item as Record<string, unknown>;
    if (typeof name !== "string" || name.trim() === "") {
      failures.push({ property: `specifications[${index}].name`, reason: "is required: a non-empty name that identifies the entry" });
      return;
    }
    entries.push({ name, fields });
  });
  return entries;
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
