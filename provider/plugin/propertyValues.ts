/*
 * Property values as the engine sends them to a provider that accepts secrets:
 * a secret is an object carrying the signature key below; an unknown (in a
 * preview) is a sentinel string, which the handlers already understand.
 */

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

function isSecretValue(value: unknown): value is { value?: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

export function asSecret(value: unknown): Record<string, unknown> {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/**
 * The plain value, and which of its top-level keys (and, for maps of objects
 * such as `specifications`, which of their entries) held a secret anywhere
 * inside: what the outputs must mark secret again.
 */
export interface Unwrapped {
  value: Record<string, unknown>;
  secretKeys: Set<string>;
  secretEntries: Map<string, Set<string>>;
}

export function unwrapSecrets(properties: Record<string, unknown>): Unwrapped {
  const secretKeys = new Set<string>();
  const secretEntries = new Map<string, Set<string>>();
  const value: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(properties)) {
    if (isSecretValue(raw)) {
      secretKeys.add(key);
      value[key] = plain(raw.value);
      continue;
    }
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
      const entries = new Set<string>();
      const inner: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(raw)) {
        if (containsSecret(item)) entries.add(name);
        inner[name] = plain(item);
      }
      if (entries.size > 0) secretEntries.set(key, entries);
      value[key] = inner;
      continue;
    }
    value[key] = plain(raw);
  }
  return { value, secretKeys, secretEntries };
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

function plain(value: unknown): unknown {
  if (isSecretValue(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** What must go back secret: whole top-level keys, and single entries of map-valued keys. */
export interface SecretMarks {
  keys: Iterable<string>;
  entries?: ReadonlyMap<string, Iterable<string>>;
}

/** `properties` with the marked keys and entries wrapped as secrets (absent ones are left absent). */
export function wrapSecrets(properties: Record<string, unknown>, marks: SecretMarks): Record<string, unknown> {
  const wrapped: Record<string, unknown> = { ...properties };
  for (const [key, names] of marks.entries ?? new Map<string, Iterable<string>>()) {
    const map = wrapped[key];
    if (map === null || typeof map !== "object" || Array.isArray(map)) continue;
    const copy: Record<string, unknown> = { ...(map as Record<string, unknown>) };
    for (const name of names) if (copy[name] !== undefined) copy[name] = asSecret(copy[name]);
    wrapped[key] = copy;
  }
  for (const key of marks.keys) if (wrapped[key] !== undefined && !isSecretValue(wrapped[key])) wrapped[key] = asSecret(wrapped[key]);
  return wrapped;
}

/** Both marks together. */
export function mergeMarks(...all: SecretMarks[]): { keys: Set<string>; entries: Map<string, Set<string>> } {
  const keys = new Set<string>();
  const entries = new Map<string, Set<string>>();
  for (const marks of all) {
    for (const key of marks.keys) keys.add(key);
    for (const [key, names] of marks.entries ?? []) {
      const set = entries.get(key) ?? new Set<string>();
      for (const name of names) set.add(name);
      entries.set(key, set);
    }
  }
  return { keys, entries };
}
