import * as policySdk from "@pulumi/policy";

/**
 * Resource properties as plain JSON, with every value that is not known yet
 * (during a preview, a value computed from another resource's outputs)
 * replaced by `UNKNOWN`. Policies decide on these plain values, so they can
 * say "cannot decide yet" for exactly the values that matter instead of
 * stopping at the first unknown they touch.
 */
export const UNKNOWN: unique symbol = Symbol("unknown until apply");
export type Unknown = typeof UNKNOWN;
export type Plain = null | boolean | number | string | Unknown | Plain[] | PlainObject;
export interface PlainObject {
  [key: string]: Plain;
}

/**
 * The engine's sentinels for unknown values, as they arrive in the analyzer's
 * protobuf Struct (one per kind: bool, number, string, array, asset, archive, object).
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export type UnknownValueErrorClass = new (sentinel: string, path: string[]) => Error;

/** `@pulumi/policy` throws this when a policy reads an unknown value through `args.props` (exported at run time, untyped). */
export const sdkUnknownValueError = (policySdk as unknown as { UnknownValueError?: UnknownValueErrorClass }).UnknownValueError;

export function isUnknownValueError(error: unknown): boolean {
  return sdkUnknownValueError !== undefined && error instanceof sdkUnknownValueError;
}

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

export function isPlainObject(value: Plain | undefined): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Copies `args.props` (the SDK's unknown-checking proxy, or hand-built data)
 * into plain values. A read the SDK refuses because the value is unknown, or
 * a raw unknown sentinel, becomes `UNKNOWN`; `undefined` members are dropped.
 */
export function toPlainObject(props: unknown): PlainObject {
  const plain = toPlain(props);
  return isPlainObject(plain) ? plain : {};
}

function toPlain(value: unknown): Plain | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
  if (Array.isArray(value)) {
    const items: Plain[] = [];
    const length = value.length;
    for (let i = 0; i < length; i++) items.push(readMember(value, i) ?? null);
    return items;
  }
  if (typeof value === "object") {
    const object: PlainObject = {};
    for (const key of Object.keys(value)) {
      const member = readMember(value, key);
      if (member !== undefined) object[key] = member;
    }
    return object;
  }
  return undefined;
}

function readMember(container: object, key: string | number): Plain | undefined {
  let value: unknown;
  try {
    value = (container as Record<string | number, unknown>)[key];
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
  return toPlain(value);
}

/** Reads `path` under `value`; an unknown anywhere along the path makes the result unknown. */
export function plainAt(value: Plain | undefined, path: readonly (string | number)[]): Plain | undefined {
  let current: Plain | undefined = value;
  for (const segment of path) {
    if (current === UNKNOWN) return UNKNOWN;
    if (typeof segment === "number") current = Array.isArray(current) ? current[segment] : undefined;
    else current = isPlainObject(current) ? current[segment] : undefined;
  }
  return current;
}

/** A value as a message shows it: strings quoted, unknowns named. */
export function show(value: Plain | undefined): string {
  if (value === undefined) return "not set";
  if (value === UNKNOWN) return "not known yet";
  return JSON.stringify(value);
}
