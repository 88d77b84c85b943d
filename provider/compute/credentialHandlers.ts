import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { INPUT_LIMITS, RESERVED_KEYS } from "../../rules";
import { startOperation } from "../http/deadline";
import { checkTimeLimits, resolveTimeLimits, withTimeouts, type TimeoutsArgs } from "../timeLimits";
import { requiredText } from "../validation/bounds";
import { containsUnknown, forEngine, issuesToFailures, isUnknown, type CheckFailure } from "../validation/checkFailure";
import { ComputeClient } from "./computeClient";
import { consoleArgsSchema, resolveConnection, resolveConsoleTarget, describeTarget, TIME_LIMIT_SETTINGS, type ConsoleArgs } from "./connection";
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_SECRET_FIELDS,
  credentialFieldFailures,
  descriptionSchema,
  fromWireCredential,
  toWireCredential,
  type CredentialFields,
  type CredentialKind,
} from "./credentialBody";

export { stackConfigFrom } from "./connection";

/** Checked inputs: the credential's name in the store, its kind and fields, and where the console is. */
export interface CredentialInputs {
  credentialId: string;
  kind: CredentialKind;
  description?: string;
  /** Take over a credential the store already holds under this id (only on request, as entries are). */
  adopt: boolean;
  console?: ConsoleArgs;
  timeouts?: TimeoutsArgs;
  /** The kind's own fields (username, password, roleArn, ...). */
  [field: string]: unknown;
}

export interface CredentialOutputs extends CredentialInputs {
  consoleUrl: string;
}

export interface ProviderContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
}

/** Keys that are not the kind's own fields. */
const COMMON_KEYS = ["credentialId", "kind", "description", "adopt", "console", "timeouts", "consoleUrl", "__provider"] as const;

export const commonSchema = z.object({
  credentialId: requiredText(INPUT_LIMITS.nameLength),
  kind: z.enum(CREDENTIAL_KINDS),
  description: descriptionSchema.optional(),
  adopt: z.boolean().default(false),
  console: consoleArgsSchema.optional(),
});

/** Every problem at once, each naming the field, the rule and (unless secret) the value, before any request. */
export function check(_olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  const given = Object.fromEntries(Object.entries(news).filter(([key, value]) => key !== "__provider" && key !== "consoleUrl" && value !== undefined && value !== null));
  const failures: CheckFailure[] = [];
  const common = commonSchema.safeParse(given, { reportInput: true });
  if (!common.success) failures.push(...issuesToFailures("", common.error.issues.filter((issue) => !isUnknown(given[String(issue.path[0])]))));
  if (typeof given.credentialId === "string" && RESERVED_KEYS.has(given.credentialId)) {
    failures.push({ property: "credentialId", reason: `"${given.credentialId}" is a reserved name; choose another` });
  }
  const own = Object.fromEntries(Object.entries(given).filter(([key]) => !(COMMON_KEYS as readonly string[]).includes(key)));
  const kind = given.kind;
  if (typeof kind === "string" && (CREDENTIAL_KINDS as readonly string[]).includes(kind) && !containsUnknown(own)) {
    failures.push(...credentialFieldFailures(kind as CredentialKind, own));
  }
  const timeLimits = checkTimeLimits(news.timeouts, TIME_LIMIT_SETTINGS, context.stackConfig, context.environment);
  failures.push(...timeLimits.failures);
  const inputs: Record<string, unknown> = { ...given, adopt: common.success ? common.data.adopt : (given.adopt ?? false) };
  delete inputs.timeouts;
  return { inputs: { ...withTimeouts(inputs, timeLimits.timeouts), __provider: news.__provider }, failures: forEngine(failures) };
}

/**
 * Another credentialId or another console is another credential (created
 * first, so entries can move to it before the old one is deleted); anything
 * else, the kind included, is written in place: the API's POST replaces the
 * whole credential of an id.
 */
export function diff(olds: CredentialOutputs, news: CredentialInputs, context: ProviderContext) {
  const replaces: string[] = [];
  if (!isUnknown(news.credentialId) && olds.credentialId !== news.credentialId) replaces.push("credentialId");
  if (!containsUnknown(news.console)) {
    const target = resolveConsoleTarget(news.console, context.stackConfig, context.environment);
    if (target && olds.consoleUrl && describeTarget(target) !== olds.consoleUrl) replaces.push("console");
  }
  const { consoleUrl: _url, ...oldInputs } = olds;
  const changed = Object.keys({ ...oldInputs, ...news }).some((key) => key !== "__provider" && !isDeepStrictEqual(oldInputs[key], news[key]));
  return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: CredentialInputs, context: ProviderContext): Promise<{ id: string; outs: CredentialOutputs }> {
  const { client, target } = connect(inputs, context);
  const existing = await client.getCredential(inputs.credentialId);
  if (existing && !inputs.adopt) {
    throw new Error(
      `The console ${target} already holds a credential "${inputs.credentialId}", which this stack did not create, so it was left as it is. ` +
        "To manage it from this stack, set adopt: true on the ComputeCredential (its fields and secret are then written as declared); " +
        "or choose another credentialId.",
    );
  }
  await write(client, inputs);
  return { id: inputs.credentialId, outs: { ...inputs, consoleUrl: target } };
}

export async function read(id: string, olds: CredentialOutputs, context: ProviderContext) {
  const { client, target } = connect(olds, context);
  const remote = await client.getCredential(id);
  if (!remote) return { id: "", props: {} };
  const fields = fromWireCredential(remote);
  // The console never returns secrets: the state keeps the ones last written.
  const refreshed: CredentialOutputs = { ...olds, ...(fields ?? {}), consoleUrl: target };
  if (fields && fields.description === undefined) delete refreshed.description;
  const { consoleUrl: _url, ...inputs } = refreshed;
  return { id, props: refreshed, inputs };
}

export async function update(_id: string, olds: CredentialOutputs, news: CredentialInputs, context: ProviderContext) {
  const { client, target } = connect(news, context);
  const { consoleUrl: _url, timeouts: _oldTimeouts, ...oldInputs } = olds;
  const { timeouts: _newTimeouts, ...newInputs } = news;
  if (!isDeepStrictEqual({ ...oldInputs, adopt: false }, { ...newInputs, adopt: false })) await write(client, news);
  return { outs: { ...news, consoleUrl: target } };
}

/** Refuses while anything uses the credential, naming the users: deleting it would break their scans. */
export async function remove(id: string, olds: CredentialOutputs, context: ProviderContext): Promise<void> {
  const { client, target } = connect(olds, context);
  const usages = await client.credentialUsages(id);
  if (usages.length > 0) {
    throw new Error(
      `Credential "${id}" in the console ${target} is still used by ${usages.length} ${usages.length === 1 ? "thing" : "things"}, so it was not deleted:\n` +
        `  - ${usages.slice(0, 20).join("\n  - ")}${usages.length > 20 ? `\n  - ... and ${usages.length - 20} more` : ""}\n` +
        "Point them at another credential (or remove them) first, then run the command again.",
    );
  }
  await client.deleteCredential(id);
}

async function write(client: ComputeClient, inputs: CredentialInputs): Promise<void> {
  const fields = Object.fromEntries(Object.entries(inputs).filter(([key]) => !(COMMON_KEYS as readonly string[]).includes(key) || key === "kind" || key === "description"));
  const secrets = CREDENTIAL_SECRET_FIELDS.map((field) => inputs[field]).filter((value): value is string => typeof value === "string");
  await client.putCredential(toWireCredential(inputs.credentialId, fields as CredentialFields), secrets);
}

function connect(inputs: Pick<CredentialInputs, "console" | "timeouts">, context: ProviderContext): { client: ComputeClient; target: string } {
  const limits = startOperation(resolveTimeLimits(TIME_LIMIT_SETTINGS, inputs.timeouts, context.stackConfig, context.environment));
  const connection = resolveConnection(inputs.console, context.stackConfig, context.environment);
  const target = describeTarget(connection.project === undefined ? { url: connection.url } : { url: connection.url, project: connection.project });
  return { client: new ComputeClient(connection, limits), target };
}
