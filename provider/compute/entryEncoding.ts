import type { RegistryEntryFields } from "./registryEntry";

/**
 * Entries travel between the program, the engine and the provider as one
 * canonical JSON string each. The engine moves properties as protobuf
 * `Struct`s, and 19,999 nested entries cost seconds to encode and decode at
 * every Check and Diff (and hundreds of MB); one string per entry costs a
 * tenth of that, and previews still read per entry, by name.
 */

/** JSON with object keys sorted at every level, so equal entries encode to equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * An entry with its name, as the program sends it and as checked inputs and
 * state hold it (keyed by that name). The program applies the one default
 * check applies (`registry: ""`), so an unchanged entry arrives as the very
 * string the state holds, and check can skip it.
 */
export function encodeEntry(name: string, fields: object): string {
  return canonicalJson({ registry: "", ...fields, name });
}

/** The entry's fields, without its name. State written before entries were strings holds objects: read those too. */
export function decodeEntryFields(text: string | RegistryEntryFields): RegistryEntryFields {
  const entry = (typeof text === "string" ? JSON.parse(text) : text) as RegistryEntryFields & { name?: string };
  const { name: _name, ...fields } = entry;
  return fields as RegistryEntryFields;
}

/** The entries of checked inputs or state, decoded, keeping their order. */
export function decodeSpecifications(
  specifications: Readonly<Record<string, string | RegistryEntryFields>>,
): Record<string, RegistryEntryFields> {
  return Object.fromEntries(Object.entries(specifications).map(([name, text]) => [name, decodeEntryFields(text)]));
}
