import { z } from "zod";
import { INPUT_LIMITS, isNumDaysInRange, NUM_DAYS_MODE, NUM_DAYS_RANGE } from "../../rules";
import { boundedList, boundedString, requiredText, tooLong } from "../validation/bounds";
import { issuesToFailures, isUnknown, joinPath, touchesUnknown, type CheckFailure } from "../validation/checkFailure";
import {
  BROKER_TYPES,
  CLOUD_PROVIDERS,
  FILTER_TYPES,
  INITIAL_SCAN_MODES,
  REGISTRY_TYPES,
  SCANNING_MODES,
  SEARCH_TYPES,
  VENDOR_OF_SPECIFIC_FIELD,
  VENDORS,
  withApiDefaults,
  type ConnectorFields,
  type VendorSpecificConfiguration,
} from "./connectorBody";
import { tenantArgsSchema, type TenantArgs } from "./connection";
import type { TimeoutsArgs } from "../timeLimits";

/** Checked, canonical inputs: the connector's configuration, where to reach it, and an id to adopt instead of creating. */
export interface ConnectorInputs extends ConnectorFields {
  tenant?: TenantArgs;
  timeouts?: TimeoutsArgs;
  /** From the `import` resource option: create adopts this existing connector instead of creating one. */
  importConnectorId?: string;
}

/** Keys the provider adds as outputs; ignored if they come back as inputs. */
export const OUTPUT_ONLY_KEYS = ["connectorId", "apiUrl", "unconfirmedCreate"] as const;

/** Paths whose values are secrets: their failures never quote the value. */
const SECRET_PATHS = new Set(["password", "authToken", "caCertificate", "tenant", "tenant.apiKey", "tenant.apiKeyId", "tenant.apiUrl"]);

const { nameLength, urlLength, repositoryLength, textLength, secretLength, certificateLength, filterDepth } = INPUT_LIMITS;
const text = boundedString(textLength);
const requiredValue = requiredText(textLength);
const secret = boundedString(secretLength);
const textList = boundedList(text);

export const connectorSchema = z.strictObject({
  vendor: z.enum(VENDORS),
  name: requiredText(nameLength),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. https://registry.example.com" }).max(urlLength, tooLong(urlLength)),
  username: requiredValue,
  // Either may be empty (a registry takes a password or a token), not both: see credentialFailures.
  password: secret,
  authToken: secret,
  scanningMode: z.enum(SCANNING_MODES),
  region: requiredValue,
  insecurePull: z.boolean(),
  initialScanConfiguration: z.strictObject({
    mode: z.enum(INITIAL_SCAN_MODES).optional(),
    // The integer and range rule depends on the mode; see initialScanFailures.
    numDays: z.number().optional(),
  }),
  enabled: z.boolean().optional(),
  filterType: z.enum(FILTER_TYPES).optional(),
  cloudProvider: z.enum(CLOUD_PROVIDERS).optional(),
  registryType: z.enum(REGISTRY_TYPES).optional(),
  brokerType: z.enum(BROKER_TYPES).optional(),
  brokerId: requiredValue.optional(),
  outpostId: requiredValue.optional(),
  // Checked node by node in filterTreeFailures, so each problem names its own node.
  assetScopeFilters: z.unknown().optional(),
  vendorSpecificConfiguration: z
    .strictObject({
      groupIds: textList.optional(),
      projectIds: textList.optional(),
      apiDomainName: text.optional(),
      repository: boundedString(repositoryLength).optional(),
      clusterId: text.optional(),
      clusterName: text.optional(),
      clusterAssetId: text.optional(),
      clusterAssetTypeId: text.optional(),
      clusterRealm: text.optional(),
    })
    .optional(),
  caCertificate: boundedString(certificateLength).optional(),
  repository: boundedString(repositoryLength).optional(),
  allowStaticIps: z.boolean().optional(),
  ipIdentifier: text.optional(),
  tenantId: text.optional(),
  tenant: tenantArgsSchema.optional(),
  // Judged with the stack config and environment it falls back on, by checkTimeLimits (as for RegistrySettings).
  timeouts: z.unknown().optional(),
  importConnectorId: requiredValue.optional(),
});

/**
 * Validates what a program declared, reporting every problem at once with
 * its property path, before any request is sent. Values a preview cannot
 * know yet are left unjudged, and so are the rules that depend on them.
 */
export function checkConnectorInputs(news: Record<string, unknown>): { inputs: ConnectorInputs; failures: CheckFailure[] } {
  const declared = declaredFields(news);
  const failures: CheckFailure[] = [];
  const parsed = connectorSchema.safeParse(declared, { reportInput: true });
  if (!parsed.success) {
    const judged = parsed.error.issues.filter((issue) => !touchesUnknown(declared, issue.path));
    failures.push(...issuesToFailures("", judged).map(withoutSecretValue));
  }
  failures.push(
    ...credentialFailures(declared),
    ...initialScanFailures(declared.initialScanConfiguration),
    ...scanningModeFailures(declared),
    ...vendorSpecificFailures(declared.vendor, declared.vendorSpecificConfiguration),
    ...filterTreeFailures(declared.assetScopeFilters, "assetScopeFilters", 0),
  );
  return { inputs: withApiDefaults(declared) as unknown as ConnectorInputs, failures: dedupe(failures) };
}

/** The user's fields: the serialized provider and output keys are not inputs, and a null field is an absent one. */
function declaredFields(news: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(news)) {
    if (key === "__provider" || (OUTPUT_ONLY_KEYS as readonly string[]).includes(key)) continue;
    if (value !== undefined && value !== null) fields[key] = withoutNullFields(value);
  }
  return fields;
}

function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, withoutNullFields(v)]),
  );
}

/** The registry's credentials: a password, a token or both, never neither. */
function credentialFailures(declared: Record<string, unknown>): CheckFailure[] {
  const { password, authToken } = declared;
  if (typeof password !== "string" || typeof authToken !== "string" || isUnknown(password) || isUnknown(authToken)) return [];
  if (password.trim() !== "" || authToken.trim() !== "") return [];
  return [{ property: "password", reason: "and authToken are both empty: give the registry's password, its token, or both" }];
}

/** `numDays` is required, an integer in NUM_DAYS_RANGE, with TAGS_MODIFIED_DAYS, and refused with any other mode. */
function initialScanFailures(scan: unknown): CheckFailure[] {
  if (!isPlainObject(scan)) return [];
  const { mode, numDays } = scan;
  const path = "initialScanConfiguration.numDays";
  if (isUnknown(mode) || isUnknown(numDays)) return [];
  const range = `an integer from ${NUM_DAYS_RANGE.min} to ${NUM_DAYS_RANGE.max}`;
  if (mode === NUM_DAYS_MODE) {
    if (numDays === undefined || numDays === null) {
      return [{ property: path, reason: `is required when mode is ${NUM_DAYS_MODE}: ${range} (days back to scan)` }];
    }
    if (typeof numDays === "number" && !isNumDaysInRange(numDays)) {
      return [{ property: path, reason: `must be ${range} with mode ${NUM_DAYS_MODE}, not ${numDays}` }];
    }
    return [];
  }
  if (numDays !== undefined && numDays !== null && (mode === undefined || (INITIAL_SCAN_MODES as readonly unknown[]).includes(mode))) {
    return [
      {
        property: path,
        reason: `applies only to mode TAGS_MODIFIED_DAYS, not ${mode === undefined ? "ALL (the default)" : String(mode)}: remove numDays or set mode to TAGS_MODIFIED_DAYS`,
      },
    ];
  }
  return [];
}

/** An outpost mode needs the outpost; a broker mode needs the broker and its type. */
function scanningModeFailures(declared: Record<string, unknown>): CheckFailure[] {
  const required: Record<string, string[]> = { OUTPOST: ["outpostId"], BROKER: ["brokerId", "brokerType"] };
  const mode = declared.scanningMode;
  if (typeof mode !== "string" || !(mode in required)) return [];
  return required[mode]
    .filter((field) => declared[field] === undefined)
    .map((field) => ({ property: field, reason: `is required when scanningMode is ${mode}` }));
}

/** GitLab, Docker Hub and OpenShift each have their own vendor-specific fields; another vendor's are refused. */
function vendorSpecificFailures(vendor: unknown, configuration: unknown): CheckFailure[] {
  if (isUnknown(vendor) || typeof vendor !== "string" || !isPlainObject(configuration)) return [];
  const failures: CheckFailure[] = [];
  for (const [field, value] of Object.entries(configuration)) {
    const owner = VENDOR_OF_SPECIFIC_FIELD[field as keyof VendorSpecificConfiguration];
    if (owner === undefined || owner === vendor || value === undefined || value === null) continue;
    failures.push({ property: `vendorSpecificConfiguration.${field}`, reason: `applies only to vendor ${owner}, not ${vendor}` });
  }
  return failures;
}

/** Each node is `{AND: [...]}` or `{OR: [...]}`; each leaf has exactly SEARCH_FIELD, SEARCH_TYPE and SEARCH_VALUE. */
export function filterTreeFailures(node: unknown, path: string, depth: number): CheckFailure[] {
  if (node === undefined || isUnknown(node)) return [];
  if (depth > filterDepth) return [{ property: path, reason: `is nested deeper than ${filterDepth} levels` }];
  if (!isPlainObject(node)) {
    return [{ property: path, reason: "must be an {AND: [...]} or {OR: [...]} node, or a {SEARCH_FIELD, SEARCH_TYPE, SEARCH_VALUE} leaf" }];
  }
  const keys = Object.keys(node);
  if (keys.includes("AND") || keys.includes("OR")) {
    if (keys.length !== 1) return [{ property: path, reason: `a logical node holds exactly one key, AND or OR, not ${keys.join(", ")}` }];
    const operator = keys[0];
    const children = node[operator];
    if (isUnknown(children)) return [];
    if (!Array.isArray(children)) return [{ property: `${path}.${operator}`, reason: "must be an array of filter nodes" }];
    return children.flatMap((child, index) => filterTreeFailures(child, joinPath(`${path}.${operator}`, [index]), depth + 1));
  }
  const failures: CheckFailure[] = [];
  for (const key of ["SEARCH_FIELD", "SEARCH_TYPE", "SEARCH_VALUE"]) {
    const value = node[key];
    if (isUnknown(value)) continue;
    if (value === undefined) failures.push({ property: `${path}.${key}`, reason: "is required in a filter leaf (SEARCH_FIELD, SEARCH_TYPE, SEARCH_VALUE)" });
    else if (typeof value !== "string") failures.push({ property: `${path}.${key}`, reason: "must be a string" });
    else if (value.length > textLength) failures.push({ property: `${path}.${key}`, reason: `must be at most ${textLength} characters, not ${value.length}` });
    else if (key === "SEARCH_TYPE" && !(SEARCH_TYPES as readonly string[]).includes(value)) {
      failures.push({ property: `${path}.${key}`, reason: `must be one of ${SEARCH_TYPES.join(", ")}, not ${JSON.stringify(value)}` });
    }
  }
  for (const key of keys.filter((k) => !["SEARCH_FIELD", "SEARCH_TYPE", "SEARCH_VALUE"].includes(k))) {
    failures.push({ property: `${path}.${key}`, reason: "is not a filter key: a node is AND or OR, a leaf has SEARCH_FIELD, SEARCH_TYPE and SEARCH_VALUE" });
  }
  return failures;
}


/** A failure about a secret never quotes the value. */
function withoutSecretValue(failure: CheckFailure): CheckFailure {
  if (!SECRET_PATHS.has(failure.property)) return failure;
  return { ...failure, reason: failure.reason.replace(/, not .*$/s, "") };
}

function dedupe(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.property}\u0000${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
