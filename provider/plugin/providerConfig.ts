import { PLUGIN_PACKAGE } from "../../rules";
import { STACK_CONFIG_KEYS as COMPUTE_KEYS, TIME_LIMIT_SETTINGS as COMPUTE_TIME_LIMITS } from "../compute/connection";
import { STACK_CONFIG_KEYS as CORTEX_KEYS, TIME_LIMIT_SETTINGS as CORTEX_TIME_LIMITS } from "../cortex/connection";

/**
 * The plugin's provider configuration (`registryscanning:computeUrl`, or a
 * provider resource's `computeUrl`) is the dynamic resources' stack config
 * under flat names: `prismaCloudCompute:url` is `computeUrl`, `cortex:apiKey`
 * is `cortexApiKey`. Derived from those keys, so the two front doors read the
 * same settings the same way, with the same defaults and environment variables.
 */
const STACK_CONFIG_KEY_BY_PROPERTY: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ...Object.values(COMPUTE_KEYS),
    ...Object.values(COMPUTE_TIME_LIMITS.stackConfig),
    ...Object.values(CORTEX_KEYS),
    ...Object.values(CORTEX_TIME_LIMITS.stackConfig),
  ].map((key) => [propertyOf(key), key]),
);

function propertyOf(stackConfigKey: string): string {
  const [namespace, name] = stackConfigKey.split(":");
  const prefix = namespace === "prismaCloudCompute" ? "compute" : namespace;
  return `${prefix}${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** The provider configuration properties, each with the stack config key it stands for. */
export function providerConfigProperties(): Readonly<Record<string, string>> {
  return STACK_CONFIG_KEY_BY_PROPERTY;
}

/** Provider config properties that hold secrets: marked secret in the schema, never echoed. */
export const SECRET_PROVIDER_CONFIG = ["computePassword", "computeCaCert", "cortexApiKey", "cortexApiKeyId"] as const;

/**
 * The handlers' stack config from a Configure request's values, keyed either
 * by property (`computeUrl`) or by the engine's full key
 * (`registryscanning:computeUrl`). Anything else is refused by name, so a
 * misspelt setting never silently falls back to the environment.
 */
export function stackConfigFromProviderConfig(values: Readonly<Record<string, unknown>>): {
  stackConfig: Record<string, string | undefined>;
  unknownKeys: string[];
} {
  const stackConfig: Record<string, string | undefined> = {};
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const property = key.includes(":") ? key.slice(key.indexOf(":") + 1) : key;
    const stackConfigKey = STACK_CONFIG_KEY_BY_PROPERTY[property];
    if (stackConfigKey === undefined) {
      if (property !== "version" && property !== "pluginDownloadURL") unknownKeys.push(property);
      continue;
    }
    if (value === undefined || value === null || value === "") continue;
    stackConfig[stackConfigKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { stackConfig, unknownKeys };
}

const STACK_CONFIG_KEY_PATTERN = new RegExp(
  `(${Object.values(STACK_CONFIG_KEY_BY_PROPERTY)
    .map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|")})(?![A-Za-z])`,
  "g",
);
const PROPERTY_BY_STACK_CONFIG_KEY = Object.fromEntries(Object.entries(STACK_CONFIG_KEY_BY_PROPERTY).map(([property, key]) => [key, property]));

/**
 * A handler's message as a plugin user reads it: the settings it tells them
 * to check are named as they set them (`registryscanning:computePassword`),
 * not as the TypeScript resources' stack config (`prismaCloudCompute:password`).
 */
export function inPluginTerms(message: string): string {
  return message.replace(STACK_CONFIG_KEY_PATTERN, (key) => `${PLUGIN_PACKAGE}:${PROPERTY_BY_STACK_CONFIG_KEY[key]}`);
}
