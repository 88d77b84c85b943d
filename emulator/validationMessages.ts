import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** Issues beyond this many are summarised, so a 20,000-entry body cannot produce a megabyte-long error. */
const MAX_REPORTED_ISSUES = 5;

/** `["specifications", 3, "os"]` -> `specifications[3].os` */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else {
      text += text === "" ? String(segment) : `.${String(segment)}`;
    }
  }
  return text;
}

/** How a value is named when it may be a secret: by its JSON kind only. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function describeValue(value: unknown, hidden: boolean): string {
  if (hidden) return kindOf(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeProblem(issue: Issue, hidden: boolean): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "int") return `expected an integer, got ${describeValue(issue.input, hidden)}`;
      return `expected ${issue.expected}, got ${describeValue(issue.input, hidden)}`;
    case "invalid_value":
      // A required enum field that is absent: zod reports the missing value as not being one of the enum's.
      if (issue.input === undefined) return "is required";
      return `invalid value ${describeValue(issue.input, hidden)} (allowed: ${issue.values.map(String).join(", ")})`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) === 1 ? "must not be empty" : `must be at least ${String(issue.minimum)} characters long`;
      }
      return `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input, hidden)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input, hidden)}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}

/**
 * Renders zod issues as `<field path>: <problem>`, the shape both emulated APIs
 * use to tell a client which field of which entry was rejected.
 * Parse with `{ reportInput: true }` so the offending values can be quoted;
 * values at a path `isSecret` accepts are named by their kind instead.
 */
export function describeIssues(
  issues: readonly Issue[],
  rootName: string,
  isSecret: (path: readonly PropertyKey[]) => boolean = () => false,
): string {
  const described = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = formatPath(issue.path);
    return `${path === "" ? rootName : path}: ${describeProblem(issue, isSecret(issue.path))}`;
  });
  const unreported = issues.length - described.length;
  if (unreported > 0) described.push(`and ${unreported} more problem(s)`);
  return described.join("; ");
}
