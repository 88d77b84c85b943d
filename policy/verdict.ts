import type { ReportViolation } from "@pulumi/policy";
import { sdkUnknownValueError, type UnknownValueErrorClass } from "./plainValues";

/** One broken rule: the message names the resource, the property, the rule and the fix. */
export interface Violation {
  message: string;
  /** The resource to attribute a stack policy's violation to; resource policies leave it out. */
  urn?: string;
}

/**
 * What a policy's pure check concludes. `undecided` lists what it cannot
 * check yet because a value it needs is unknown during a preview; it is only
 * filled when that value could change the outcome.
 */
export interface Verdict {
  violations: Violation[];
  undecided: string[];
}

export function verdict(violations: Violation[] = [], undecided: string[] = []): Verdict {
  return { violations, undecided };
}

/** How many items one message lists before it summarizes the rest. */
export const MAX_LISTED = 5;

export function listSome(items: readonly string[], max = MAX_LISTED): string {
  const shown = items.slice(0, max).join("; ");
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

const UnknownValueErrorBase: UnknownValueErrorClass =
  sdkUnknownValueError ??
  class extends Error {
    constructor(_sentinel: string, _path: string[]) {
      super();
    }
  };
const UNKNOWN_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Thrown when a policy cannot decide yet. It is the SDK's own
 * `UnknownValueError`, which `@pulumi/policy` turns into its documented
 * preview outcome: an advisory "can't run policy ... during preview"
 * diagnostic, whatever the policy's enforcement level, so an unknown value
 * neither blocks a preview nor passes silently. The message says what is
 * undecided and why.
 */
export class CannotDecideYet extends UnknownValueErrorBase {
  constructor(readonly undecided: readonly string[]) {
    super(UNKNOWN_STRING_SENTINEL, []);
    this.name = "CannotDecideYet";
    this.message =
      `cannot decide yet: ${listSome(undecided)}. ` +
      "These values are unknown until the resources they come from exist; the policy decides once `pulumi up` knows them.";
  }
}

/** Reports every violation, then, if something is undecided, throws `CannotDecideYet`. */
export function reportVerdict(result: Verdict, reportViolation: ReportViolation): void {
  for (const violation of result.violations) reportViolation(violation.message, violation.urn);
  if (result.undecided.length > 0) throw new CannotDecideYet(result.undecided);
}
