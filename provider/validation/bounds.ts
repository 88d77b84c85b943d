import { z } from "zod";
import { INPUT_LIMITS, RESERVED_KEYS } from "../../rules";
import { joinPath, type CheckFailure } from "./checkFailure";

/** A string of at most `max` characters; the message gives the length, never the value (it may be a secret, or a megabyte). */
export function boundedString(max: number): z.ZodString {
  return z.string().max(max, tooLong(max));
}

/** The error of a string over `max` characters, for `.max()` on any string schema (URLs too). */
export function tooLong(max: number): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `must be at most ${max} characters, not ${lengthOf(issue.input)}` };
}

/** A string that must hold something: "" and whitespace alone are refused. */
export function requiredText(max: number): z.ZodString {
  return boundedString(max).refine((value) => value.trim() !== "", { error: "must not be empty" });
}

/** A list of at most INPUT_LIMITS.listLength items. */
export function boundedList<T extends z.ZodType>(item: T): z.ZodArray<T> {
  const max = INPUT_LIMITS.listLength;
  return z.array(item).max(max, { error: (issue) => `must hold at most ${max} items, not ${Array.isArray(issue.input) ? issue.input.length : "?"}` });
}

function lengthOf(value: unknown): string {
  return typeof value === "string" ? String(value.length) : "?";
}

/**
 * Problems of a free-form value (one the API takes as it is, such as
 * azureCloudMetadata): nesting deeper than INPUT_LIMITS.objectDepth, or a
 * reserved key anywhere in it. Reports the first too-deep path only.
 */
export function freeFormFailures(value: unknown, path: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const walk = (node: unknown, at: string, depth: number): boolean => {
    if (node === null || typeof node !== "object") return true;
    if (depth >= INPUT_LIMITS.objectDepth) {
      failures.push({ property: at, reason: `is nested deeper than ${INPUT_LIMITS.objectDepth} levels` });
      return false;
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof key === "string" && RESERVED_KEYS.has(key)) {
        failures.push({ property: joinPath(at, [key]), reason: `"${key}" is a reserved key; rename it` });
        continue;
      }
      if (!walk(child, joinPath(at, [key]), depth + 1)) return false;
    }
    return true;
  };
  walk(value, path, 0);
  return failures;
}
