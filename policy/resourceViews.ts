import { CORTEX_CONNECTOR_TYPE, normalizeConsoleUrl, REGISTRY_SETTINGS_TYPE, RESOURCE_TYPES } from "../rules";
import { isPlainObject, isUnknown, toPlainObject, UNKNOWN, type Plain, type PlainObject, type Unknown } from "./plainValues";

/** The type tokens the SDK's dynamic resources register under (named in messages). */
export { CORTEX_CONNECTOR_TYPE, REGISTRY_SETTINGS_TYPE };

/** Whether a type token is the resource's, from the TypeScript SDK (dynamic) or the provider plugin (Python, Go, C#, YAML). */
export const isRegistrySettings = (type: string): boolean => (RESOURCE_TYPES.registrySettings as readonly string[]).includes(type);
export const isCortexConnector = (type: string): boolean => (RESOURCE_TYPES.cortexConnector as readonly string[]).includes(type);
export const isComputeCredential = (type: string): boolean => (RESOURCE_TYPES.computeCredential as readonly string[]).includes(type);

/** What a policy is handed for one resource: `args` of a resource policy, or one of a stack policy's resources. */
export interface PolicyResourceLike {
  type: string;
  name: string;
  urn: string;
  props: unknown;
}

/** Which console a RegistrySettings writes to. */
export type ConsoleTarget =
  | { kind: "url"; key: string }
  /** No `console.url`: the provider's configured console, the same for every such resource in the stack. */
  | { kind: "default" }
  /** `console.url` is not known yet. */
  | { kind: "unknown" };

export const DEFAULT_CONSOLE_LABEL = "the stack's default console";

export function consoleLabel(target: ConsoleTarget): string {
  if (target.kind === "url") return `console ${target.key}`;
  if (target.kind === "default") return `${DEFAULT_CONSOLE_LABEL} (RegistrySettings without console.url)`;
  return "a console not known yet";
}

/** One entry of `specifications`, in either shape. */
export interface RegistryEntry {
  /** Where it is in the resource's inputs, e.g. `specifications[ubuntu-18.04]` or `specifications[3]`. */
  path: string;
  /** The entry's fields, or `UNKNOWN` when the whole entry is not known yet. */
  fields: PlainObject | Unknown;
}

export interface RegistrySettingsView {
  name: string;
  urn: string;
  props: PlainObject;
  console: ConsoleTarget;
  /** `managed` (the default) or `authoritative`; another string is kept as given. */
  mode: string | Unknown;
  /** `UNKNOWN` when `specifications` as a whole is not known yet. */
  entries: RegistryEntry[] | Unknown;
}

export interface ConnectorView {
  name: string;
  urn: string;
  props: PlainObject;
}

export function readRegistrySettings(resource: PolicyResourceLike): RegistrySettingsView {
  const props = toPlainObject(resource.props);
  const mode = props.mode;
  return {
    name: resource.name,
    urn: resource.urn,
    props,
    console: consoleTarget(props.console),
    mode: isUnknown(mode) ? UNKNOWN : typeof mode === "string" && mode !== "" ? mode : "managed",
    entries: registryEntries(props.specifications),
  };
}

export function readConnector(resource: PolicyResourceLike): ConnectorView {
  return { name: resource.name, urn: resource.urn, props: toPlainObject(resource.props) };
}

/** The RegistrySettings among a stack's resources. */
export function registrySettingsIn(resources: readonly PolicyResourceLike[]): RegistrySettingsView[] {
  return resources.filter((r) => isRegistrySettings(r.type)).map(readRegistrySettings);
}

/**
 * `specifications` as the program gives it (an array of entries carrying
 * their `name`) or as the provider's check stores it (a map keyed by name).
 */
export function registryEntries(specifications: Plain | undefined): RegistryEntry[] | Unknown {
  if (isUnknown(specifications)) return UNKNOWN;
  if (Array.isArray(specifications)) {
    return specifications.map((raw, index) => {
      const entry = decodeEntry(raw);
      const name = isPlainObject(entry) && typeof entry.name === "string" && entry.name !== "" ? entry.name : String(index);
      return { path: `specifications[${name}]`, fields: entryFields(entry) };
    });
  }
  if (isPlainObject(specifications)) {
    return Object.entries(specifications).map(([name, raw]) => ({ path: `specifications[${name}]`, fields: entryFields(decodeEntry(raw)) }));
  }
  return [];
}

/** The SDK sends each entry as one canonical JSON string (objects are accepted too). */
function decodeEntry(entry: Plain): Plain {
  if (typeof entry !== "string" || isUnknown(entry)) return entry;
  try {
    return JSON.parse(entry) as Plain;
  } catch {
    return {};
  }
}

function entryFields(entry: Plain): PlainObject | Unknown {
  if (isUnknown(entry)) return UNKNOWN;
  return isPlainObject(entry) ? entry : {};
}

export function entryCount(view: RegistrySettingsView): number | Unknown {
  return isUnknown(view.entries) ? UNKNOWN : view.entries.length;
}

export function consoleTarget(console: Plain | undefined): ConsoleTarget {
  if (isUnknown(console)) return { kind: "unknown" };
  if (!isPlainObject(console)) return { kind: "default" };
  const url = console.url;
  if (isUnknown(url)) return { kind: "unknown" };
  if (typeof url !== "string" || url.trim() === "") return { kind: "default" };
  return { kind: "url", key: normalizeConsoleUrl(url) };
}

/** A URL as a message may show it: without user info, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return url.length > 80 ? `${url.slice(0, 77)}...` : url;
  }
}

export function describeRegistrySettings(name: string): string {
  return `RegistrySettings "${name}"`;
}

export function describeConnector(name: string): string {
  return `CortexRegistryConnector "${name}"`;
}
