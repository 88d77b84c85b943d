import { z } from "zod";
import { INPUT_LIMITS, normalizeConsoleUrl } from "../../rules";
import { lookupSettings } from "../settingSources";
import { boundedString, requiredText, tooLong } from "../validation/bounds";
import type { TimeLimitSettingNames } from "../timeLimits";

export { normalizeConsoleUrl };

export const COMPUTE_AUTH_MODES = ["token", "basic"] as const;

/** How to reach one Prisma Cloud Compute console. */
export interface ComputeConnection {
  url: string;
  username: string;
  password: string;
  apiVersion: string;
  auth: (typeof COMPUTE_AUTH_MODES)[number];
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
  /** The console project whose list to manage (`?project=` on every request); absent: the console's own. */
  project?: string;
}

export const API_VERSION_PATTERN = /^v(1|\d{2}\.\d{2})$/;

/** The resource's own `console` argument, as checked inputs carry it. */
export const consoleArgsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(INPUT_LIMITS.urlLength, tooLong(INPUT_LIMITS.urlLength)),
  username: requiredText(INPUT_LIMITS.textLength).optional(),
  password: requiredText(INPUT_LIMITS.secretLength).optional(),
  apiVersion: z.string().regex(API_VERSION_PATTERN, "must be v1 or a pinned release such as v34.04").optional(),
  caCert: boundedString(INPUT_LIMITS.certificateLength).optional(),
  auth: z.enum(COMPUTE_AUTH_MODES).optional(),
  insecureSkipTlsVerify: z.boolean().optional(),
  project: requiredText(INPUT_LIMITS.textLength).optional(),
});
export type ConsoleArgs = z.infer<typeof consoleArgsSchema>;

export const STACK_CONFIG_KEYS = {
  url: "prismaCloudCompute:url",
  username: "prismaCloudCompute:username",
  password: "prismaCloudCompute:password",
  apiVersion: "prismaCloudCompute:apiVersion",
  caCert: "prismaCloudCompute:caCert",
  auth: "prismaCloudCompute:auth",
  insecureSkipTlsVerify: "prismaCloudCompute:insecureSkipTlsVerify",
  project: "prismaCloudCompute:project",
} as const;

export const ENVIRONMENT_VARIABLES = {
  url: "PRISMA_CLOUD_COMPUTE_URL",
  username: "PRISMA_CLOUD_COMPUTE_USERNAME",
  password: "PRISMA_CLOUD_COMPUTE_PASSWORD",
  apiVersion: "PRISMA_CLOUD_COMPUTE_API_VERSION",
  caCert: "PRISMA_CLOUD_COMPUTE_CA_CERT",
  auth: "PRISMA_CLOUD_COMPUTE_AUTH",
  insecureSkipTlsVerify: "PRISMA_CLOUD_COMPUTE_INSECURE_SKIP_TLS_VERIFY",
  project: "PRISMA_CLOUD_COMPUTE_PROJECT",
} as const;

/** Where a RegistrySettings' time limits are set besides its `timeouts` argument. */
export const TIME_LIMIT_SETTINGS: TimeLimitSettingNames = {
  peer: "console",
  stackConfig: {
    requestSeconds: "prismaCloudCompute:requestTimeoutSeconds",
    operationSeconds: "prismaCloudCompute:operationTimeoutSeconds",
  },
  environment: {
    requestSeconds: "PRISMA_CLOUD_COMPUTE_REQUEST_TIMEOUT_SECONDS",
    operationSeconds: "PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS",
  },
};

/**
 * Set to "true" for one run to write even though the list the console answered
 * looks wrong (no list at all, or far fewer entries of others than the state
 * recorded). An environment variable, not stack config, so that the
 * confirmation ends with the run it was given for.
 */
export const ACCEPT_LIST_AS_READ_VARIABLE = "PRISMA_CLOUD_COMPUTE_ACCEPT_LIST_AS_READ";

/**
 * Milliseconds to wait after a verified write before reading the list once
 * more, to catch another writer's write landing over ours (default: twice our
 * own read-to-write time, at least 500). 0 turns that re-read off.
 */
export const SETTLE_MS_VARIABLE = "PRISMA_CLOUD_COMPUTE_SETTLE_MS";

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

/**
 * First found wins: the resource's `console`, then stack config, then the
 * environment. A `console` with its own URL takes nothing from elsewhere, so
 * one console's password is never sent to another.
 */
export function resolveConnection(
  consoleArgs: ConsoleArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): ComputeConnection {
  const own = consoleArgs ? { ...consoleArgs, insecureSkipTlsVerify: consoleArgs.insecureSkipTlsVerify?.toString() } : undefined;
  const { pick, missing } = lookupSettings(
    { argument: "console", stackConfig: STACK_CONFIG_KEYS, environment: ENVIRONMENT_VARIABLES },
    own,
    stackConfig,
    environment,
  );
  const absent = missing(["url", "username", "password"]);
  if (absent) throw new ConnectionError(`No Prisma Cloud Compute ${absent.fields.join(", ")} configured: set ${absent.where}.`);
  const apiVersion = pick("apiVersion") ?? "v1";
  if (!API_VERSION_PATTERN.test(apiVersion)) {
    throw new ConnectionError(`Prisma Cloud Compute API version "${apiVersion}" is not valid: use v1 or a pinned release such as v34.04.`);
  }
  const auth = pick("auth") ?? "token";
  if (auth !== "token" && auth !== "basic") {
    throw new ConnectionError(`Prisma Cloud Compute auth "${auth}" is not valid: use "token" or "basic".`);
  }
  return {
    url: normalizeConsoleUrl(pick("url") as string),
    username: pick("username") as string,
    password: pick("password") as string,
    apiVersion,
    auth,
    caCert: pick("caCert"),
    insecureSkipTlsVerify: pick("insecureSkipTlsVerify") === "true",
    project: pick("project"),
  };
}

/** The list a resource manages: one project's, in one console. */
export interface ConsoleTarget {
  url: string;
  /** Absent: the console's own project. */
  project?: string;
}

/**
 * The console and project these inputs would use, without requiring
 * credentials (a check or diff compares them before any call). Undefined when
 * no URL is configured.
 */
export function resolveConsoleTarget(
  consoleArgs: ConsoleArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): ConsoleTarget | undefined {
  const { pick } = lookupSettings(
    { argument: "console", stackConfig: STACK_CONFIG_KEYS, environment: ENVIRONMENT_VARIABLES },
    consoleArgs ? { url: consoleArgs.url, project: consoleArgs.project } : undefined,
    stackConfig,
    environment,
  );
  const url = pick("url");
  if (!url) return undefined;
  const project = pick("project");
  return project === undefined ? { url: normalizeConsoleUrl(url) } : { url: normalizeConsoleUrl(url), project };
}

/** One spelling of a target for locks, ids and messages: the URL, plus `?project=` when it is not the console's own. */
export function describeTarget(target: ConsoleTarget): string {
  return target.project === undefined ? target.url : `${target.url}?project=${encodeURIComponent(target.project)}`;
}

/** The stack config a provider reads in `configure`, key by key. */
export function stackConfigFrom(get: (key: string) => string | undefined): Record<string, string | undefined> {
  const keys = [...Object.values(STACK_CONFIG_KEYS), ...Object.values(TIME_LIMIT_SETTINGS.stackConfig)];
  return Object.fromEntries(keys.map((key) => [key, get(key)]));
}

