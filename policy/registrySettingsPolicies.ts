import type { StackValidationPolicy } from "@pulumi/policy";
import { MAX_REGISTRY_ENTRIES, REGISTRY_IDENTITY_FIELDS } from "../rules";
import { isUnknown, show, UNKNOWN, type Plain, type Unknown } from "./plainValues";
import {
  consoleLabel,
  describeRegistrySettings,
  entryCount,
  REGISTRY_SETTINGS_TYPE,
  registrySettingsIn,
  type RegistryEntry,
  type RegistrySettingsView,
} from "./resourceViews";
import { listSome, reportVerdict, verdict, type Verdict, type Violation } from "./verdict";


/** RegistrySettings grouped by the console they write to; those whose console is not known yet stand apart. */
interface ConsoleGroups {
  known: { label: string; members: RegistrySettingsView[] }[];
  unknownConsole: RegistrySettingsView[];
}

function groupByConsole(resources: readonly RegistrySettingsView[]): ConsoleGroups {
  const known = new Map<string, { label: string; members: RegistrySettingsView[] }>();
  const unknownConsole: RegistrySettingsView[] = [];
  for (const resource of resources) {
    const target = resource.console;
    if (target.kind === "unknown") {
      unknownConsole.push(resource);
      continue;
    }
    const key = target.kind === "url" ? `url:${target.key}` : "default";
    const group = known.get(key) ?? { label: consoleLabel(target), members: [] };
    group.members.push(resource);
    known.set(key, group);
  }
  return { known: [...known.values()], unknownConsole };
}

/** A resource's entry count, 0 while `specifications` is not known yet. */
function knownCount(resource: RegistrySettingsView): number {
  const count = entryCount(resource);
  return isUnknown(count) ? 0 : count;
}

function names(resources: readonly RegistrySettingsView[]): string {
  return resources.map((r) => `"${r.name}"`).join(", ");
}

// ---------------------------------------------------------------------------------------------
// registry-settings-max-entries
// ---------------------------------------------------------------------------------------------

/** Reads the policy's `maxEntries` config; the API's cap is the default and the ceiling. */
export function resolveMaxEntries(configured: unknown): number {
  if (configured === undefined || configured === null) return MAX_REGISTRY_ENTRIES;
  if (typeof configured !== "number" || !Number.isInteger(configured) || configured < 1 || configured > MAX_REGISTRY_ENTRIES) {
    throw new Error(
      `registry-settings-max-entries: maxEntries is ${JSON.stringify(configured)}; it must be an integer from 1 to ${MAX_REGISTRY_ENTRIES}. ` +
        "Fix: correct maxEntries in the policy pack config file.",
    );
  }
  return configured;
}

/** `RegistrySettings "a" declares` or `RegistrySettings "a" (12000 entries), "b" (8000 entries) declare`. */
function declarers(members: readonly RegistrySettingsView[]): string {
  if (members.length === 1) return `${describeRegistrySettings(members[0].name)} declares`;
  const counts = members.map((r) => {
    const count = entryCount(r);
    return `"${r.name}" (${isUnknown(count) ? "a number not known yet" : `${count} entries`})`;
  });
  return `RegistrySettings ${counts.join(", ")} declare`;
}

/** Per console, the entries declared by every RegistrySettings that writes to it must not exceed `maxEntries`. */
export function checkMaxEntries(resources: readonly RegistrySettingsView[], maxEntries: number): Verdict {
  const violations: Violation[] = [];
  const undecided: string[] = [];
  const groups = groupByConsole(resources);
  const knownTotal = (members: readonly RegistrySettingsView[]) => members.reduce((sum, r) => sum + knownCount(r), 0);
  const headroom =
    maxEntries < MAX_REGISTRY_ENTRIES
      ? `this stack keeps headroom below the API's cap of ${MAX_REGISTRY_ENTRIES} with maxEntries ${maxEntries}`
      : `Prisma Cloud Compute refuses more than ${MAX_REGISTRY_ENTRIES} (HTTP 400)`;
  const fix = (excess: number) =>
    `Fix: remove at least ${excess} entr${excess === 1 ? "y" : "ies"} from specifications, or move some to a RegistrySettings for another console.`;

  for (const group of groups.known) {
    const total = knownTotal(group.members);
    const pending = group.members.filter((r) => isUnknown(entryCount(r)));
    if (total > maxEntries) {
      const largest = [...group.members].sort((a, b) => knownCount(b) - knownCount(a))[0];
      violations.push({
        urn: largest.urn,
        message:
          `${declarers(group.members)} ${total}${pending.length > 0 ? " or more" : ""} registry entries in specifications for ${group.label}, ` +
          `more than maxEntries ${maxEntries}. A console's registry scanning list holds at most maxEntries entries, ` +
          `counted across every RegistrySettings that targets it; ${headroom}. ` +
          fix(total - maxEntries),
      });
    } else if (pending.length > 0) {
      undecided.push(
        `${group.label}: specifications of ${names(pending)} not known yet, so its total (${total} known so far) cannot be compared with maxEntries ${maxEntries}`,
      );
    }
  }

  const largestKnownTotal = Math.max(0, ...groups.known.map((g) => knownTotal(g.members)));
  for (const resource of groups.unknownConsole) {
    const count = entryCount(resource);
    if (isUnknown(count)) {
      undecided.push(`${describeRegistrySettings(resource.name)}: console.url and specifications not known yet`);
      continue;
    }
    if (count > maxEntries) {
      violations.push({
        urn: resource.urn,
        message:
          `${describeRegistrySettings(resource.name)} declares ${count} registry entries in specifications, more than maxEntries ${maxEntries}, ` +
          `whichever console its console.url turns out to be. A console's registry scanning list holds at most maxEntries entries; ${headroom}. ` +
          fix(count - maxEntries),
      });
      continue;
    }
    const others = knownTotal(groups.unknownConsole.filter((r) => r !== resource));
    if (count + largestKnownTotal + others > maxEntries) {
      undecided.push(
        `${describeRegistrySettings(resource.name)}: console.url not known yet, so its ${count} entries cannot be added to a console's total (maxEntries ${maxEntries})`,
      );
    }
  }
  return verdict(violations, undecided);
}

export const registrySettingsMaxEntries: StackValidationPolicy = {
  name: "registry-settings-max-entries",
  description:
    "A Prisma Cloud Compute console holds at most maxEntries registry scanning entries (default and ceiling 19,999, the API's cap), counted across every RegistrySettings that targets it.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxEntries: {
        type: "integer",
        minimum: 1,
        maximum: MAX_REGISTRY_ENTRIES,
        default: MAX_REGISTRY_ENTRIES,
        description: "The most registry entries one console may hold; set it lower to keep headroom.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const resources = registrySettingsIn(args.resources);
    if (resources.length === 0) args.notApplicable(`no ${REGISTRY_SETTINGS_TYPE} in this stack`);
    const { maxEntries } = args.getConfig<{ maxEntries?: number }>();
    reportVerdict(checkMaxEntries(resources, resolveMaxEntries(maxEntries)), reportViolation);
  },
};

// ---------------------------------------------------------------------------------------------
// registry-settings-single-authoritative
// ---------------------------------------------------------------------------------------------

/**
 * An authoritative RegistrySettings replaces the console's whole list, so it
 * must be the only RegistrySettings on its console.
 */
export function checkSingleAuthoritative(resources: readonly RegistrySettingsView[]): Verdict {
  const violations: Violation[] = [];
  const undecided: string[] = [];
  const groups = groupByConsole(resources);

  for (const group of groups.known) {
    const authoritative = group.members.filter((r) => r.mode === "authoritative");
    const managed = group.members.filter((r) => !isUnknown(r.mode) && r.mode !== "authoritative");
    const pending = group.members.filter((r) => isUnknown(r.mode));
    if (authoritative.length > 1) {
      violations.push({
        urn: authoritative[1].urn,
        message:
          `${group.label} has ${authoritative.length} RegistrySettings with mode "authoritative" (${names(authoritative)}); ` +
          "at most one RegistrySettings per console may be authoritative, because each replaces the console's whole registry list and would erase the others' entries. " +
          'Fix: merge their specifications into one authoritative RegistrySettings, or set mode: "managed" on all but one.',
      });
    }
    if (authoritative.length > 0 && managed.length > 0) {
      violations.push({
        urn: authoritative[0].urn,
        message:
          `${describeRegistrySettings(authoritative[0].name)} has mode "authoritative" and shares ${group.label} with mode "managed" RegistrySettings ${names(managed)}; ` +
          "an authoritative RegistrySettings may not share a console, because it replaces the whole registry list and would erase the entries the managed ones keep. " +
          `Fix: move the managed resources' specifications into ${describeRegistrySettings(authoritative[0].name)}, or set mode: "managed" on it.`,
      });
    }
    if (pending.length > 0 && group.members.length > 1) {
      undecided.push(`${group.label}: mode of ${names(pending)} not known yet, so whether an authoritative RegistrySettings shares it cannot be told`);
    }
  }

  const anyAuthoritative = resources.some((r) => r.mode === "authoritative");
  for (const resource of groups.unknownConsole) {
    const others = resources.length - 1;
    const couldConflict = resource.mode === "authoritative" || isUnknown(resource.mode) ? others > 0 : anyAuthoritative;
    if (couldConflict) {
      undecided.push(
        `${describeRegistrySettings(resource.name)}: console.url not known yet, so whether it shares a console with an authoritative RegistrySettings cannot be told`,
      );
    }
  }
  return verdict(violations, undecided);
}

export const registrySettingsSingleAuthoritative: StackValidationPolicy = {
  name: "registry-settings-single-authoritative",
  description:
    'At most one RegistrySettings with mode "authoritative" per console, and an authoritative one may not share its console with a "managed" one.',
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const resources = registrySettingsIn(args.resources);
    if (resources.length === 0) args.notApplicable(`no ${REGISTRY_SETTINGS_TYPE} in this stack`);
    reportVerdict(checkSingleAuthoritative(resources), reportViolation);
  },
};

// ---------------------------------------------------------------------------------------------
// registry-settings-unique-entries
// ---------------------------------------------------------------------------------------------


/** How many duplicate identities one console reports one by one before it summarizes the rest. */
export const MAX_DUPLICATES_REPORTED = 20;

/** The entry's identity, or `UNKNOWN` when the entry or one of its identity fields is not known yet. */
export function entryIdentity(entry: RegistryEntry): string[] | Unknown {
  if (isUnknown(entry.fields)) return UNKNOWN;
  const identity: string[] = [];
  for (const field of REGISTRY_IDENTITY_FIELDS) {
    const value: Plain | undefined = entry.fields[field];
    if (isUnknown(value)) return UNKNOWN;
    identity.push(value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));
  }
  return identity;
}

function describeIdentity(identity: readonly string[]): string {
  return REGISTRY_IDENTITY_FIELDS.map((field, i) => `${field} ${show(identity[i])}`).join(", ");
}

interface Occurrence {
  resource: RegistrySettingsView;
  entry: RegistryEntry;
}

function duplicatesIn(label: string, members: readonly RegistrySettingsView[]): { violations: Violation[]; unknownEntries: Occurrence[] } {
  const seen = new Map<string, Occurrence[]>();
  const unknownEntries: Occurrence[] = [];
  for (const resource of members) {
    if (isUnknown(resource.entries)) continue;
    for (const entry of resource.entries) {
      const identity = entryIdentity(entry);
      if (isUnknown(identity)) {
        unknownEntries.push({ resource, entry });
        continue;
      }
      const key = JSON.stringify(identity);
      const list = seen.get(key);
      if (list) list.push({ resource, entry });
      else seen.set(key, [{ resource, entry }]);
    }
  }
  const duplicated = [...seen.entries()].filter(([, list]) => list.length > 1);
  const violations: Violation[] = duplicated.slice(0, MAX_DUPLICATES_REPORTED).map(([key, list]) => ({
    urn: list[1].resource.urn,
    message:
      `${label}: ${list.length} entries have the same identity (${describeIdentity(JSON.parse(key) as string[])}): ` +
      `${listSome(list.map((o) => `${describeRegistrySettings(o.resource.name)} ${o.entry.path}`))}. ` +
      "Entries with the same version, registry, namespace, repository, tag and os are one scan target for the console, so one would silently override the other. " +
      "Fix: keep one of them and delete the others, merging their settings (collections, cap, credentialId) into the one you keep.",
  }));
  if (duplicated.length > MAX_DUPLICATES_REPORTED) {
    const rest = duplicated.slice(MAX_DUPLICATES_REPORTED);
    violations.push({
      urn: rest[0][1][1].resource.urn,
      message:
        `${label}: ${rest.length} more identities are declared more than once (first: ${rest[0][1].map((o) => `${describeRegistrySettings(o.resource.name)} ${o.entry.path}`).join(" and ")}). ` +
        "Entries with the same version, registry, namespace, repository, tag and os are one scan target for the console. Fix: keep one entry per identity.",
    });
  }
  return { violations, unknownEntries };
}

/** No two entries with the same identity on one console, within or across RegistrySettings. */
export function checkUniqueEntries(resources: readonly RegistrySettingsView[]): Verdict {
  const violations: Violation[] = [];
  const undecided: string[] = [];
  const groups = groupByConsole(resources);
  const totalKnownEntries = (members: readonly RegistrySettingsView[]) =>
    members.reduce((sum, r) => sum + (isUnknown(r.entries) ? 0 : r.entries.length), 0);

  for (const group of groups.known) {
    const result = duplicatesIn(group.label, group.members);
    violations.push(...result.violations);
    const entries = totalKnownEntries(group.members);
    for (const pending of result.unknownEntries) {
      if (entries > 1) {
        undecided.push(`${describeRegistrySettings(pending.resource.name)} ${pending.entry.path}: identity not fully known yet`);
      }
    }
    for (const resource of group.members.filter((r) => isUnknown(r.entries))) {
      undecided.push(`${describeRegistrySettings(resource.name)}: specifications not known yet`);
    }
  }

  for (const resource of groups.unknownConsole) {
    if (isUnknown(resource.entries)) {
      undecided.push(`${describeRegistrySettings(resource.name)}: specifications not known yet`);
      continue;
    }
    // Duplicates within one resource are duplicates whichever console it targets.
    const result = duplicatesIn(`${describeRegistrySettings(resource.name)} (console.url not known yet)`, [resource]);
    violations.push(...result.violations);
    for (const pending of result.unknownEntries) {
      if (resource.entries.length > 1) {
        undecided.push(`${describeRegistrySettings(resource.name)} ${pending.entry.path}: identity not fully known yet`);
      }
    }
    const othersHaveEntries = totalKnownEntries(resources.filter((r) => r !== resource)) > 0;
    if (othersHaveEntries && resource.entries.length > 0) {
      undecided.push(
        `${describeRegistrySettings(resource.name)}: console.url not known yet, so its entries cannot be compared with other RegistrySettings on the same console`,
      );
    }
  }
  return verdict(violations, undecided);
}

export const registrySettingsUniqueEntries: StackValidationPolicy = {
  name: "registry-settings-unique-entries",
  description:
    "No two registry entries on one console may share an identity (version, registry, namespace, repository, tag and os), within or across RegistrySettings.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const resources = registrySettingsIn(args.resources);
    if (resources.length === 0) args.notApplicable(`no ${REGISTRY_SETTINGS_TYPE} in this stack`);
    reportVerdict(checkUniqueEntries(resources), reportViolation);
  },
};

export const registrySettingsPolicies: StackValidationPolicy[] = [
  registrySettingsMaxEntries,
  registrySettingsSingleAuthoritative,
  registrySettingsUniqueEntries,
];
