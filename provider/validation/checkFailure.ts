import type { z } from "zod";

/** One problem with the inputs: the property path a user can find, and the rule it breaks. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Failures as the engine should print them: the path inside the reason, no
 * `property`. For a failure that names a property, the engine prints that
 * top-level input's whole value beside it (a 20,000-entry list, several MB on
 * one line) and `{<nil>}` for any nested path, which reads as if the value
 * were missing. With the path in the reason the user reads
 * "... has a problem: initialScanConfiguration.numDays: must be an integer from 1 to 90, not 91".
 */
export function forEngine(failures: readonly CheckFailure[]): CheckFailure[] {
  return failures.map(({ property, reason }) => ({ property: "", reason: property ? `${property}: ${reason}` : reason }));
}

/** The engine's marker for a value that a preview cannot know yet. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

/** True when the value at `path`, or any object on the way to it, is not known yet. */
export function touchesUnknown(root: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = root;
  for (const key of path) {
    if (isUnknown(value)) return true;
    if (value === null || typeof value !== "object") return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return isUnknown(value);
}

/** True when any part of the value is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Splits an object into its known fields and the names of those a preview cannot know yet. */
export function splitUnknown(value: Record<string, unknown>): { known: Record<string, unknown>; unknown: Record<string, unknown> } {
  const known: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) (isUnknown(v) ? unknown : known)[k] = v;
  return { known, unknown };
}

/** Zod's issues as check failures, each under `prefix` plus the issue's own path. */
export function issuesToFailures(prefix: string, issues: readonly z.core.$ZodIssue[]): CheckFailure[] {
  return issues.flatMap((issue) => {
    const base = joinPath(prefix, issue.path);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ property: joinPath(base, [key]), reason: "is not a known field; check its spelling" }));
    }
    return [{ property: base, reason: describeIssue(issue, isSecretPath(prefix, issue.path)) }];
  });
}

/** Keys whose values are secrets wherever they appear: a failure about them never quotes the value. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["password", "authToken", "apiKey", "caCert", "caCertificate", "token"]);

/** True when the last named key of the path (`prefix` then `path`, array indexes skipped) is a secret. */
export function isSecretPath(prefix: string, path: readonly PropertyKey[]): boolean {
  const keys = [
    ...prefix
      .split(/[.[\]]/)
      .filter((part) => part !== "" && !/^\d+$/.test(part)),
    ...path.filter((key): key is string => typeof key === "string"),
  ];
  return keys.length > 0 && SECRET_KEYS.has(keys[keys.length - 1]);
}

function describeIssue(issue: z.core.$ZodIssue, secret: boolean): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = ({ int: "integer", record: "object" } as Record<string, string>)[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `is required (${expected})`;
      if (typeof issue.input === "number" && !Number.isFinite(issue.input)) return `must be a finite number, not ${String(issue.input)}`;
      return secret ? `must be ${article(expected)}` : `must be ${article(expected)}, not ${kindOf(issue.input)}`;
    }
    case "invalid_value": {
      const choices = issue.values.map((v) => JSON.stringify(v)).join(", ");
      if (issue.input === undefined) return `is required: one of ${choices}`;
      const allowed = `must be one of ${choices}`;
      return secret ? allowed : `${allowed}, not ${JSON.stringify(issue.input)}`;
    }
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  // JSON has no NaN or Infinity: quoted as JSON they would read "null".
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), prefix);
}
