import { ENTRY_DEFAULTS, type RegistryEntryFields } from "./registryEntry";

/**
 * Entries travel between the program, the engine and the provider as one
 * canonical JSON string each. The engine moves properties as protobuf
 * `Struct`s, and 19,999 nested entries cost seconds to encode and decode at
 * every Check and Diff (and hundreds of MB); one string per entry costs a
 * tenth of that, and previews still read per entry, by name.
 */

/**
 * JSON has no NaN or Infinity (it writes null): a program's NaN travels as
 * this one-key object instead, so check can say what was given.
 */
const NON_FINITE_KEY = "$nonFiniteNumber";

/** JSON with object keys sorted at every level, so equal entries encode to equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Parses what canonicalJson wrote, non-finite numbers included. */
export function parseCanonicalJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    const marked = (value as Record<string, unknown>)[NON_FINITE_KEY];
    return keys.length === 1 && typeof marked === "string" ? Number(marked) : value;
  });
}

function sortKeys(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return { [NON_FINITE_KEY]: String(value) };
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
 * An entry's fields as the program sends them and as checked inputs and state
 * hold them: keyed by the entry's name (the name is the key, never inside the
 * string), with the defaults applied, so an unchanged entry arrives as the very
 * string the state holds and check can skip it.
 */
export function encodeEntryFields(fields: object): string {
  return canonicalJson({ ...ENTRY_DEFAULTS, ...fields });
}

/**
 * An entry's fields. State written by earlier versions holds the name inside
 * the string, or objects instead of strings: both are read too.
 */
export function decodeEntryFields(text: string | RegistryEntryFields): RegistryEntryFields {
  const entry = (typeof text === "string" ? parseCanonicalJson(text) : text) as RegistryEntryFields & { name?: string };
  const { name: _name, ...fields } = entry;
  return fields as RegistryEntryFields;
}

/** The entries of checked inputs or state, decoded once, keeping their order. */
export function decodeSpecifications(
  specifications: Readonly<Record<string, string | RegistryEntryFields>>,
): Record<string, RegistryEntryFields> {
  return Object.fromEntries(Object.entries(specifications).map(([name, text]) => [name, decodeEntryFields(text)]));
}

/** Whether two name-keyed maps hold the same entries, however each was encoded (state of earlier versions included). */
export function sameSpecifications(
  olds: Readonly<Record<string, string | RegistryEntryFields>>,
  news: Readonly<Record<string, string>>,
): boolean {
  const names = Object.keys(news);
  if (names.length !== Object.keys(olds).length) return false;
  return names.every((name) => {
    const old = olds[name];
    if (old === undefined) return false;
    return old === news[name] || encodeEntryFields(decodeEntryFields(old)) === news[name];
  });
}
