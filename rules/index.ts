/*
 * Facts about the two APIs that the SDK, the providers and the policy pack all
 * rely on, written once. Nothing here imports Pulumi or touches the network:
 * the policy pack loads it in the analyzer, the provider in its host.
 * (The emulator keeps its own copies on purpose, as an independent oracle.)
 */

/** A Prisma Cloud Compute console holds at most this many registry entries (HTTP 400 above it, since 22.11/22.12). */
export const MAX_REGISTRY_ENTRIES = 19_999;

/**
 * The fields that make two registry entries the same scan target for the
 * console: registry type, address, namespace, repository, tag and OS.
 * Adoption, duplicate detection and the unique-entries policy rest on them.
 */
export const REGISTRY_IDENTITY_FIELDS = ["version", "registry", "namespace", "repository", "tag", "os"] as const;

/** Cortex scans "tags modified in the last numDays days" over a range of 1 to 90 days. */
export const NUM_DAYS_RANGE = { min: 1, max: 90 } as const;

/** The Cortex initial-scan mode that takes `numDays`; every other mode refuses it. */
export const NUM_DAYS_MODE = "TAGS_MODIFIED_DAYS";

/**
 * How long one request may go unanswered, in seconds: the default, and the
 * most a user may set. Two minutes is the time the client always allowed: a
 * console builds a 19,999-entry list (4 MB) before it answers, and a request
 * still unanswered after that is hanging, not slow.
 */
export const REQUEST_TIMEOUT_SECONDS = { default: 120, max: 3_600 } as const;

/**
 * How long one operation on a resource (a check, create, read, update or
 * delete) may take in all, retries, backoff and waits included, in seconds.
 * Fifteen minutes: a RegistrySettings write may take several full-list round
 * trips at the request timeout, and connectors created all at once queue
 * about 8,000 requests deep at a tenant's rate limit in that time.
 */
export const OPERATION_TIMEOUT_SECONDS = { default: 900, max: 86_400 } as const;

/** The dynamic resources' module and type names; the SDK registers them as `pulumi-nodejs:dynamic/<module>:<type>`. */
export const RESOURCE_MODULE = "registryScanning";
export const REGISTRY_SETTINGS_TYPE_NAME = "RegistrySettings";
export const CORTEX_CONNECTOR_TYPE_NAME = "CortexRegistryConnector";
export const REGISTRY_SETTINGS_TYPE = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${REGISTRY_SETTINGS_TYPE_NAME}`;
export const CORTEX_CONNECTOR_TYPE = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${CORTEX_CONNECTOR_TYPE_NAME}`;
export const COMPUTE_CREDENTIAL_TYPE_NAME = "ComputeCredential";
export const COMPUTE_CREDENTIAL_TYPE = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${COMPUTE_CREDENTIAL_TYPE_NAME}`;

/**
 * The provider plugin's package and type tokens (`<package>:<module>:<type>`): the same resources
 * for Python, Go, C# and YAML programs, judged by the policy pack as the dynamic ones are.
 */
export const PLUGIN_PACKAGE = "registryscanning";
export const PLUGIN_REGISTRY_SETTINGS_TYPE = `${PLUGIN_PACKAGE}:compute:${REGISTRY_SETTINGS_TYPE_NAME}`;
export const PLUGIN_CORTEX_CONNECTOR_TYPE = `${PLUGIN_PACKAGE}:cortex:${CORTEX_CONNECTOR_TYPE_NAME}`;
export const PLUGIN_COMPUTE_CREDENTIAL_TYPE = `${PLUGIN_PACKAGE}:compute:${COMPUTE_CREDENTIAL_TYPE_NAME}`;

/** Each resource's type tokens, dynamic and plugin, by resource. */
export const RESOURCE_TYPES = {
  registrySettings: [REGISTRY_SETTINGS_TYPE, PLUGIN_REGISTRY_SETTINGS_TYPE],
  cortexConnector: [CORTEX_CONNECTOR_TYPE, PLUGIN_CORTEX_CONNECTOR_TYPE],
  computeCredential: [COMPUTE_CREDENTIAL_TYPE, PLUGIN_COMPUTE_CREDENTIAL_TYPE],
} as const;

/** A ComputeCredential's fields that hold secrets, whatever its kind. */
export const COMPUTE_CREDENTIAL_SECRET_FIELDS = ["password", "secretAccessKey", "clientSecret", "serviceAccountKey", "apiKey", "token"] as const;

/** Connector fields the Cortex API never returns: a read keeps them from the state. */
export const CORTEX_WRITE_ONLY_FIELDS = ["password", "authToken"] as const;
/** Connector fields that are secret: kept secret in state, never quoted in a message. */
export const CORTEX_SECRET_FIELDS = [...CORTEX_WRITE_ONLY_FIELDS, "caCertificate"] as const;

/**
 * The credentials each resource is given, as paths into its inputs: they must
 * be Pulumi secrets (the SDK marks them, the credentials-as-secrets policy checks).
 */
export const CREDENTIAL_INPUT_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = byEveryType({
  registrySettings: [["console", "password"]],
  cortexConnector: [...CORTEX_WRITE_ONLY_FIELDS.map((field) => [field]), ["tenant", "apiKey"]],
  computeCredential: [...COMPUTE_CREDENTIAL_SECRET_FIELDS.map((field) => [field]), ["console", "password"]],
});

/**
 * The top-level inputs each resource holds secrets in, whole: the SDK marks them
 * secret whatever the program passes (as generated SDKs do for schema fields
 * marked secret), and declares them secret outputs, so the state never holds them in clear.
 */
export const SECRET_INPUT_FIELDS: Readonly<Record<string, readonly string[]>> = byEveryType({
  registrySettings: ["console"],
  cortexConnector: [...CORTEX_SECRET_FIELDS, "tenant"],
  computeCredential: [...COMPUTE_CREDENTIAL_SECRET_FIELDS, "console"],
});

/** A table by resource, keyed by each of its type tokens. */
function byEveryType<Value>(byResource: Record<keyof typeof RESOURCE_TYPES, Value>): Record<string, Value> {
  const table: Record<string, Value> = {};
  for (const [resource, types] of Object.entries(RESOURCE_TYPES)) for (const type of types) table[type] = byResource[resource as keyof typeof RESOURCE_TYPES];
  return table;
}

/** One spelling per console URL: scheme and host lower-cased, default port, user info, query and trailing slashes dropped. */
export function normalizeConsoleUrl(url: string): string {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return trimmed.replace(/\/+$/, "");
  }
}

/** A Cortex API URL without surrounding spaces or trailing slashes, as requests are built from it. */
export function normalizeApiUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** A tenant URL in one spelling, for comparing tenants: scheme and host lower-cased, the scheme's default port dropped, no trailing slash. */
export function canonicalApiUrl(url: string): string {
  const trimmed = normalizeApiUrl(url);
  if (!URL.canParse(trimmed)) return trimmed;
  const parsed = new URL(trimmed);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}${parsed.search}`;
}


/** Whether `numDays` is a whole number of days inside NUM_DAYS_RANGE. */
export function isNumDaysInRange(numDays: unknown): numDays is number {
  return typeof numDays === "number" && Number.isInteger(numDays) && numDays >= NUM_DAYS_RANGE.min && numDays <= NUM_DAYS_RANGE.max;
}

export { INPUT_LIMITS, RESERVED_KEYS } from "./inputLimits";
