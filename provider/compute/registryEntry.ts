import { createHash } from "node:crypto";
import { z } from "zod";
import { INPUT_LIMITS, MAX_REGISTRY_ENTRIES, REGISTRY_IDENTITY_FIELDS } from "../../rules";
import { boundedList, boundedString } from "../validation/bounds";

export { MAX_REGISTRY_ENTRIES };

export const REGISTRY_VERSIONS = ["aws", "azure", "coreos", "2", "dtr", "gcr", "gitlab", "harbor", "bluemix", "jfrog", "redhat", "sonatype"] as const;
export const REGISTRY_OS_TYPES = ["linux", "linuxARM64", "windows"] as const;
export const JFROG_REPO_TYPES = ["local", "remote", "virtual"] as const;

/** Fields the console sets and reports; never written back as if they were configuration. */
export const SERVER_STATUS_FIELDS = [
  "scanStatus",
  "lastScanStatus",
  "scanTime",
  "lastScanTime",
  "scanError",
  "scannedImagesSuccessTotal",
] as const;

/**
 * Values an entry takes when the program leaves the field out, applied where
 * an entry is encoded (SDK and check alike), so an unchanged entry arrives as
 * the very string the state holds.
 */
export const ENTRY_DEFAULTS = { registry: "" } as const;

const nonNegativeInteger = z.number().int("must be an integer").nonnegative("must not be negative");

const { registryAddressLength, repositoryLength, tagLength, textLength, certificateLength } = INPUT_LIMITS;
const text = boundedString(textLength);
const textList = boundedList(text);

/** A declared entry's fields, in camelCase as users write them. */
export const registryEntryFieldsSchema = z.strictObject({
  version: z.enum(REGISTRY_VERSIONS),
  registry: boundedString(registryAddressLength).default(ENTRY_DEFAULTS.registry),
  namespace: text.optional(),
  repository: boundedString(repositoryLength).optional(),
  tag: boundedString(tagLength).optional(),
  os: z.enum(REGISTRY_OS_TYPES).optional(),
  cap: nonNegativeInteger.optional(),
  scanners: nonNegativeInteger.optional(),
  collections: textList.optional(),
  credentialId: text.optional(),
  excludedRepositories: boundedList(boundedString(repositoryLength)).optional(),
  excludedTags: boundedList(boundedString(tagLength)).optional(),
  harborDeploymentSecurity: z.boolean().optional(),
  jfrogRepoTypes: z.array(z.enum(JFROG_REPO_TYPES)).optional(),
  versionPattern: text.optional(),
  caCert: boundedString(certificateLength).optional(),
  // Taken as it is; its depth and keys are judged by freeFormFailures.
  azureCloudMetadata: z.record(z.string(), z.unknown()).optional(),
  gitlabRegistrySpec: z
    .strictObject({
      userId: text.optional(),
      projectIds: textList.optional(),
      groupIds: textList.optional(),
      excludedGroupIds: textList.optional(),
      apiDomainName: text.optional(),
    })
    .optional(),
});
export type RegistryEntryFields = z.infer<typeof registryEntryFieldsSchema>;

/** An entry as the API carries it; fields this package does not model are kept as they are. */
export type WireEntry = Record<string, unknown>;

/** User field name → API field name, where they differ. */
const WIRE_NAMES: Partial<Record<keyof RegistryEntryFields, string>> = { credentialId: "credentialID" };
const GITLAB_WIRE_NAMES: Record<string, string> = {
  userId: "userID",
  projectIds: "projectIDs",
  groupIds: "groupIDs",
  excludedGroupIds: "excludedGroupIDs",
  apiDomainName: "apiDomainName",
};
const invert = (names: Record<string, string>) => Object.fromEntries(Object.entries(names).map(([k, v]) => [v, k]));
const USER_NAMES = invert(WIRE_NAMES as Record<string, string>);
const GITLAB_USER_NAMES = invert(GITLAB_WIRE_NAMES);

/** The API fields this package models; any other field of a console entry is carried through untouched. */
export const MODELED_WIRE_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(registryEntryFieldsSchema.shape).map((field) => WIRE_NAMES[field as keyof RegistryEntryFields] ?? field),
);

export function toWireEntry(fields: RegistryEntryFields): WireEntry {
  const wire: WireEntry = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const name = WIRE_NAMES[field as keyof RegistryEntryFields] ?? field;
    wire[name] = field === "gitlabRegistrySpec" ? renameKeys(value as Record<string, unknown>, GITLAB_WIRE_NAMES) : value;
  }
  return wire;
}

/** The modeled fields of a console entry, in the user's names (what a refresh shows). */
export function fromWireEntry(wire: WireEntry): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) {
    if (!MODELED_WIRE_FIELDS.has(name) || value === undefined || value === null) continue;
    const field = USER_NAMES[name] ?? name;
    fields[field] = name === "gitlabRegistrySpec" ? renameKeys(value as Record<string, unknown>, GITLAB_USER_NAMES) : value;
  }
  return fields;
}

function renameKeys(value: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [names[k] ?? k, v]));
}

/**
 * What makes two entries the same scan target in the console: the same
 * registry type, address, namespace, repository, tag and OS. Adoption and
 * duplicate detection both rest on it.
 */
export function identityOf(wire: WireEntry): string {
  return JSON.stringify(REGISTRY_IDENTITY_FIELDS.map((name) => (typeof wire[name] === "string" ? wire[name] : "")));
}

/** The identity of a declared entry, from its fields as users write them. */
export function identityOfFields(fields: RegistryEntryFields): string {
  return identityOf(toWireEntry(fields));
}

/** A short readable form of an identity for messages, e.g. `2 docker.io/library/ubuntu:18.04 (linux)`. */
export function describeIdentity(wire: WireEntry): string {
  const text = (name: string) => (typeof wire[name] === "string" ? (wire[name] as string) : "");
  const registry = text("registry") || "docker.io";
  const namespace = text("namespace") ? `${text("namespace")}/` : "";
  const tag = text("tag") ? `:${text("tag")}` : "";
  const os = text("os") ? ` (${text("os")})` : "";
  return `${text("version")} ${registry}/${namespace}${text("repository")}${tag}${os}`;
}

/** A console entry without the status fields the console sets, ready to be written back. */
export function withoutServerStatus(wire: WireEntry): WireEntry {
  const copy = { ...wire };
  for (const field of SERVER_STATUS_FIELDS) delete copy[field];
  return copy;
}

/**
 * An entry's name where a program is written from a console (export, `pulumi import`): its identity as a reader knows it
 * ("2 registry.example.com/team/app:latest (linux)"), the same on every
 * export of the same console, cut with a digest when too long to be a name.
 */
export function entryNameOf(wire: WireEntry): string {
  const name = describeIdentity(wire).replace(/\s+/g, " ").trim();
  if (name.length <= INPUT_LIMITS.nameLength) return name;
  const digest = createHash("sha256").update(identityOf(wire)).digest("hex").slice(0, 12);
  return `${name.slice(0, INPUT_LIMITS.nameLength - 14)}~${digest}`;
}

/**
 * A console's entries as a program declares them (export, `pulumi import`): the
 * first entry of each identity, named by what it scans; later ones with the
 * same identity are duplicates the console scans twice, left undeclared.
 */
export function declarableEntries(entries: readonly WireEntry[]): { declared: { name: string; wire: WireEntry }[]; duplicates: WireEntry[] } {
  const seen = new Set<string>();
  const declared: { name: string; wire: WireEntry }[] = [];
  const duplicates: WireEntry[] = [];
  for (const wire of entries) {
    const identity = identityOf(wire);
    if (seen.has(identity)) {
      duplicates.push(wire);
      continue;
    }
    seen.add(identity);
    declared.push({ name: entryNameOf(wire), wire });
  }
  return { declared, duplicates };
}
