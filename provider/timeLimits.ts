import { z } from "zod";
import { OPERATION_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS } from "../rules";
import { isUnknown, issuesToFailures, type CheckFailure } from "./validation/checkFailure";

/*
 * The two time limits a user controls, for both resources: how long one
 * request may go unanswered, and how long one operation may take in all.
 * Where each can be set, which setting wins, what a bad value is, and how a
 * limit is named in the message that reports it hit: all here, once.
 */

/** The limits, by their field in a resource's `timeouts` argument. */
export const TIME_LIMIT_FIELDS = ["requestSeconds", "operationSeconds"] as const;
export type TimeLimitField = (typeof TIME_LIMIT_FIELDS)[number];

const LIMITS: Readonly<Record<TimeLimitField, { default: number; max: number; name: string }>> = {
  requestSeconds: { ...REQUEST_TIMEOUT_SECONDS, name: "request timeout" },
  operationSeconds: { ...OPERATION_TIMEOUT_SECONDS, name: "operation timeout" },
};

/** The rule a value breaks, worded the same wherever the value was set. */
export function secondsRule(field: TimeLimitField): string {
  return `must be a number of seconds greater than 0 and at most ${LIMITS[field].max}`;
}

function isValidSeconds(field: TimeLimitField, value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= LIMITS[field].max;
}

/** A custom check rather than `z.number()`, so a value of the wrong type gets the same message naming the rule. */
function secondsSchema(field: TimeLimitField) {
  return z.custom<number>((value) => isValidSeconds(field, value), {
    error: (issue) => `${secondsRule(field)}, not ${JSON.stringify(issue.input) ?? String(issue.input)}`,
  });
}

/** A resource's `timeouts` argument, as checked inputs and the state carry it. */
export const timeoutsArgsSchema = z.strictObject({
  requestSeconds: secondsSchema("requestSeconds").optional(),
  operationSeconds: secondsSchema("operationSeconds").optional(),
});
export type TimeoutsArgs = z.infer<typeof timeoutsArgsSchema>;

/** Where one resource's limits can be set besides its `timeouts` argument, and what answers its requests. */
export interface TimeLimitSettingNames {
  /** "console" or "tenant": what gave no answer, in messages. */
  peer: string;
  stackConfig: Readonly<Record<TimeLimitField, string>>;
  environment: Readonly<Record<TimeLimitField, string>>;
}

/** One limit in force, with what a message reporting it hit needs: its value, where it was set, and what to change. */
export interface TimeLimit {
  seconds: number;
  /** "request timeout" or "operation timeout". */
  name: string;
  /** Where the value came from, e.g. "from stack config cortex:requestTimeoutSeconds", or "the default". */
  source: string;
  /** How to allow more time, starting with the setting that set it, e.g. "raise cortex:requestTimeoutSeconds (...)". */
  advice: string;
}

export interface TimeLimits {
  peer: string;
  request: TimeLimit;
  operation: TimeLimit;
}

/** A limit set in stack config or the environment (or a state) to a value no request could run under. */
export class TimeLimitSettingError extends Error {
  readonly code = "BAD_TIME_LIMIT";
  constructor(message: string) {
    super(message);
    this.name = "TimeLimitSettingError";
  }
}

type Source = "argument" | "stackConfig" | "environment" | "default";

interface FoundSetting {
  source: Source;
  value: unknown;
  /** The setting's name as a message gives it. */
  where: string;
}

/**
 * First found wins, field by field: the resource's `timeouts`, stack config,
 * the environment, the default. Unlike a connection's settings, the two
 * limits are independent (and no secret): a resource that sets one takes the
 * other from config.
 */
function lookup(
  names: TimeLimitSettingNames,
  field: TimeLimitField,
  timeouts: Partial<Record<TimeLimitField, unknown>> | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): FoundSetting {
  const own = timeouts?.[field];
  if (own !== undefined && own !== null) return { source: "argument", value: own, where: `the resource's timeouts.${field}` };
  const configured = stackConfig[names.stackConfig[field]];
  if (configured !== undefined && configured.trim() !== "") {
    return { source: "stackConfig", value: configured, where: `stack config ${names.stackConfig[field]}` };
  }
  const exported = environment[names.environment[field]];
  if (exported !== undefined && exported.trim() !== "") {
    return { source: "environment", value: exported, where: `environment variable ${names.environment[field]}` };
  }
  return { source: "default", value: LIMITS[field].default, where: "the default" };
}

/** Seconds from a setting: config and environment hold text, the argument a number. */
function secondsOf(found: FoundSetting): unknown {
  return typeof found.value === "string" ? Number(found.value.trim()) : found.value;
}

function settingProblem(field: TimeLimitField, found: FoundSetting): string | undefined {
  if (isValidSeconds(field, secondsOf(found))) return undefined;
  return `${found.where} ${secondsRule(field)}, not ${JSON.stringify(found.value) ?? String(found.value)}`;
}

function adviceFor(names: TimeLimitSettingNames, field: TimeLimitField, source: Source): string {
  const argument = `the resource's timeouts.${field}`;
  const config = names.stackConfig[field];
  const variable = names.environment[field];
  switch (source) {
    case "argument":
      return `raise ${argument}`;
    case "stackConfig":
      return `raise ${config} (or set ${argument}, which comes first)`;
    case "environment":
      return `raise ${variable} (or set ${config} or ${argument}, which come first)`;
    case "default":
      return `set ${argument}, ${config} or ${variable}`;
  }
}

/** The limits in force for one operation; throws when a setting it would use is not a valid number of seconds. */
export function resolveTimeLimits(
  names: TimeLimitSettingNames,
  timeouts: TimeoutsArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): TimeLimits {
  const limit = (field: TimeLimitField): TimeLimit => {
    const found = lookup(names, field, timeouts, stackConfig, environment);
    const problem = settingProblem(field, found);
    if (problem) throw new TimeLimitSettingError(`The ${LIMITS[field].name} is not valid: ${problem}.`);
    return {
      seconds: secondsOf(found) as number,
      name: LIMITS[field].name,
      source: found.source === "default" ? "the default" : `from ${found.where}`,
      advice: adviceFor(names, field, found.source),
    };
  };
  return { peer: names.peer, request: limit("requestSeconds"), operation: limit("operationSeconds") };
}

/**
 * Judges a resource's `timeouts` argument and the stack config and
 * environment values it would fall back on, before any request. Returns the
 * argument in one spelling (no empty object, no null fields: absent and empty
 * must not differ in a diff), or as given while a preview cannot know it.
 */
export function checkTimeLimits(
  argument: unknown,
  names: TimeLimitSettingNames,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): { timeouts: TimeoutsArgs | undefined; failures: CheckFailure[] } {
  if (isUnknown(argument)) return { timeouts: argument as TimeoutsArgs, failures: [] };
  const given = argument === undefined || argument === null ? {} : argument;
  if (typeof given !== "object" || Array.isArray(given)) {
    return { timeouts: undefined, failures: [{ property: "timeouts", reason: "must be an object with requestSeconds and/or operationSeconds" }] };
  }
  const fields = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined && value !== null));
  const known = Object.fromEntries(Object.entries(fields).filter(([, value]) => !isUnknown(value)));
  const failures: CheckFailure[] = [];
  const parsed = timeoutsArgsSchema.safeParse(known, { reportInput: true });
  if (!parsed.success) failures.push(...issuesToFailures("timeouts", parsed.error.issues));
  for (const field of TIME_LIMIT_FIELDS) {
    if (field in fields) continue;
    const problem = settingProblem(field, lookup(names, field, undefined, stackConfig, environment));
    if (problem) failures.push({ property: "", reason: problem });
  }
  return { timeouts: Object.keys(fields).length > 0 ? (fields as TimeoutsArgs) : undefined, failures };
}

/** Seconds as messages show them: "30 s", "1.5 s". */
export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}

/** "the request timeout of 30 s (from stack config cortex:requestTimeoutSeconds)". */
export function describeLimit(limit: TimeLimit): string {
  return `the ${limit.name} of ${formatSeconds(limit.seconds)} (${limit.source})`;
}

/** Sets or removes `timeouts` on a record of inputs or outputs, so an absent argument leaves no key behind. */
export function withTimeouts<T extends { timeouts?: TimeoutsArgs }>(record: T, timeouts: TimeoutsArgs | undefined): T {
  const { timeouts: _previous, ...rest } = record;
  return (timeouts === undefined ? rest : { ...rest, timeouts }) as T;
}
