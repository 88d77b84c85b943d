import { z } from "zod";
import { INPUT_LIMITS } from "../../rules";
import { requiredText, tooLong } from "../validation/bounds";
import { canonicalApiUrl, normalizeApiUrl } from "../../rules";
import { lookupSettings } from "../settingSources";
import type { TimeLimitSettingNames } from "../timeLimits";

export { canonicalApiUrl, normalizeApiUrl };

export const API_KEY_TYPES = ["advanced", "standard"] as const;
export type ApiKeyType = (typeof API_KEY_TYPES)[number];

/** How to reach one Cortex tenant's public API. */
export interface CortexConnection {
  /** `https://api-<tenant fqdn>`, no trailing slash. */
  apiUrl: string;
  apiKey: string;
  apiKeyId: string;
  apiKeyType: ApiKeyType;
}

/** The resource's own `tenant` argument, as checked inputs carry it. With a tenant, all of it comes from there. */
export const tenantArgsSchema = z.strictObject({
  apiUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://api-<tenant fqdn>" }).max(INPUT_LIMITS.urlLength, tooLong(INPUT_LIMITS.urlLength)),
  apiKey: requiredText(INPUT_LIMITS.secretLength),
  apiKeyId: requiredText(INPUT_LIMITS.textLength),
  apiKeyType: z.enum(API_KEY_TYPES).optional(),
});
export type TenantArgs = z.infer<typeof tenantArgsSchema>;

export const STACK_CONFIG_KEYS = {
  apiUrl: "cortex:apiUrl",
  apiKey: "cortex:apiKey",
  apiKeyId: "cortex:apiKeyId",
  apiKeyType: "cortex:apiKeyType",
} as const;

export const ENVIRONMENT_VARIABLES = {
  apiUrl: "CORTEX_API_URL",
  apiKey: "CORTEX_API_KEY",
  apiKeyId: "CORTEX_API_KEY_ID",
  apiKeyType: "CORTEX_API_KEY_TYPE",
} as const;

/** Where a connector's time limits are set besides its `timeouts` argument. */
export const TIME_LIMIT_SETTINGS: TimeLimitSettingNames = {
  peer: "tenant",
  stackConfig: { requestSeconds: "cortex:requestTimeoutSeconds", operationSeconds: "cortex:operationTimeoutSeconds" },
  environment: { requestSeconds: "CORTEX_REQUEST_TIMEOUT_SECONDS", operationSeconds: "CORTEX_OPERATION_TIMEOUT_SECONDS" },
};

/** The stack config a provider reads in `configure`, key by key. */
export function stackConfigFrom(get: (key: string) => string | undefined): Record<string, string | undefined> {
  const keys = [...Object.values(STACK_CONFIG_KEYS), ...Object.values(TIME_LIMIT_SETTINGS.stackConfig)];
  return Object.fromEntries(keys.map((key) => [key, get(key)]));
}

export class CortexConnectionError extends Error {
  readonly code = "CONNECTION_NOT_CONFIGURED";
  constructor(message: string) {
    super(message);
    this.name = "CortexConnectionError";
  }
}

/** True when two tenant URLs name the same tenant, however each is spelled. */
export function sameApiUrl(a: string, b: string): boolean {
  return canonicalApiUrl(a) === canonicalApiUrl(b);
}

/**
 * First found wins: the resource's `tenant`, then stack config `cortex:*`,
 * then the `CORTEX_*` environment variables. A `tenant` takes nothing from
 * elsewhere, so one tenant's key is never sent to another tenant.
 */
export function resolveConnection(
  tenant: TenantArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): CortexConnection {
  const { pick, missing } = lookupSettings(
    { argument: "tenant", stackConfig: STACK_CONFIG_KEYS, environment: ENVIRONMENT_VARIABLES },
    tenant,
    stackConfig,
    environment,
  );
  const absent = missing(["apiUrl", "apiKey", "apiKeyId"]);
  if (absent) throw new CortexConnectionError(`No Cortex ${absent.fields.join(", ")} configured: set ${absent.where}.`);
  const apiUrl = normalizeApiUrl(pick("apiUrl") as string);
  if (!/^https?:\/\/[^/]/i.test(apiUrl) || !URL.canParse(apiUrl)) {
    throw new CortexConnectionError(
      `The Cortex API URL ${tenant ? "in tenant.apiUrl" : `in ${STACK_CONFIG_KEYS.apiUrl} (or ${ENVIRONMENT_VARIABLES.apiUrl})`} is not an http(s) URL: use https://api-<tenant fqdn>.`,
    );
  }
  const apiKeyType = pick("apiKeyType") ?? "advanced";
  if (!(API_KEY_TYPES as readonly string[]).includes(apiKeyType)) {
    throw new CortexConnectionError(`Cortex API key type "${apiKeyType}" is not valid: use "advanced" (the default) or "standard".`);
  }
  return { apiUrl, apiKey: pick("apiKey") as string, apiKeyId: pick("apiKeyId") as string, apiKeyType: apiKeyType as ApiKeyType };
}

/**
 * The tenant API URL a connector with these inputs would use, without
 * requiring a key (diff compares tenants before any call). Undefined when
 * none is configured.
 */
export function resolveApiUrl(
  tenant: TenantArgs | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): string | undefined {
  const url = tenant ? tenant.apiUrl : [stackConfig[STACK_CONFIG_KEYS.apiUrl], environment[ENVIRONMENT_VARIABLES.apiUrl]].find((v) => v);
  return url ? normalizeApiUrl(url) : undefined;
}
