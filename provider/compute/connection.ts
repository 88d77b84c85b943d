import { z } from "zod";
import { normalizeConsoleUrl } from "../../rules";
import { lookupSettings } from "../settingSources";

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
}

export const API_VERSION_PATTERN = /^v(1|\d{2}\.\d{2})$/;

/** The resource's own `console` argument, as checked inputs carry it. */
export const consoleArgsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  apiVersion: z.string().regex(API_VERSION_PATTERN, "must be v1 or a pinned release such as v34.04").optional(),
  caCert: z.string().optional(),
  auth: z.enum(COMPUTE_AUTH_MODES).optional(),
  insecureSkipTlsVerify: z.boolean().optional(),
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
} as const;

export const ENVIRONMENT_VARIABLES = {
  url: "PRISMA_CLOUD_COMPUTE_URL",
  username: "PRISMA_CLOUD_COMPUTE_USERNAME",
  password: "PRISMA_CLOUD_COMPUTE_PASSWORD",
  apiVersion: "PRISMA_CLOUD_COMPUTE_API_VERSION",
  caCert: "PRISMA_CLOUD_COMPUTE_CA_CERT",
  auth: "PRISMA_CLOUD_COMPUTE_AUTH",
  insecureSkipTlsVerify: "PRISMA_CLOUD_COMPUTE_INSECURE_SKIP_TLS_VERIFY",
} as const;

/**
 * Set to "true" for one run to write even though the list the console answered
 * looks wrong (no list at all, or far fewer entries of others than the state
 * recorded). An environment variable, not stack config, so that the
 * confirmation ends with the run it was given for.
 */
export const ACCEPT_LIST_AS_READ_VARIABLE = "PRISMA_CLOUD_COMPUTE_ACCEPT_LIST_AS_READ";

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
  };
}

/**
 * The console URL these inputs would use, without requiring credentials (a
 * diff compares consoles before any call). Undefined when none is configured.
 */
export function resolveConsoleUrl(
  consoleArgs: ConsoleArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): string | undefined {
  const url = consoleArgs ? consoleArgs.url : [stackConfig[STACK_CONFIG_KEYS.url], environment[ENVIRONMENT_VARIABLES.url]].find((v) => v);
  return url ? normalizeConsoleUrl(url) : undefined;
}

