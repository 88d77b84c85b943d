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

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeProblem(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "int") return `expected an integer, got ${describeValue(issue.input)}`;
      return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    case "invalid_value":
      return `invalid value ${describeValue(issue.input)} (allowed: ${issue.values.map(String).join(", ")})`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) === 1 ? "must not be empty" : `must be at least ${String(issue.minimum)} characters long`;
      }
      return `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}

/**
 * Renders zod issues as `<field path>: <problem>`, the shape both emulated APIs
 * use to tell a client which field of which entry was rejected.
 * Parse with `{ reportInput: true }` so the offending values can be quoted.
 */
export function describeIssues(issues: readonly Issue[], rootName: string): string {
  const described = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = formatPath(issue.path);
    return `${path === "" ? rootName : path}: ${describeProblem(issue)}`;
  });
  const unreported = issues.length - described.length;
  if (unreported > 0) described.push(`and ${unreported} more problem(s)`);
  return described.join("; ");
}
