import { z } from "zod";

/*
 * The registry connector body of the Cortex public API
 * (/public_api/v1/cwp/registry_onboarding/instances). Keys are snake_case;
 * keys this schema does not know are dropped, as the service ignores them.
 */

export const VENDORS = [
  "DOCKER",
  "JFROG",
  "SONATYPE",
  "DOCKER_HUB",
  "HARBOR",
  "GITLAB_CONTAINER_REGISTRY",
  "OPENSHIFT",
] as const;
export const SCANNING_MODES = ["CLOUD", "OUTPOST", "BROKER", "NOT_APPLICABLE", "KAPI"] as const;
export const CLOUD_PROVIDERS = ["AWS", "GCP", "AZURE"] as const;
export const REGISTRY_TYPES = ["CLOUD_HOSTED", "SELF_HOSTED"] as const;
export const BROKER_TYPES = ["BROKER_VM", "BROKER_CLUSTER"] as const;
export const FILTER_TYPES = ["INCLUDE", "EXCLUDE"] as const;
export const INITIAL_SCAN_MODES = ["ALL", "LATEST_TAG", "TAGS_MODIFIED_DAYS"] as const;
export const SEARCH_TYPES = ["EQ", "NEQ", "IN", "NIN", "CONTAINS", "NCONTAINS", "WILDCARD", "REGEX"] as const;

/** "Tags modified in the last numDays days" is offered for up to 90 days. */
const MAX_MODIFIED_DAYS = 90;
/** Guards the recursive walk against a hostile body nesting thousands of levels deep. */
const MAX_FILTER_DEPTH = 32;

const filterLeafSchema = z.strictObject({
  SEARCH_FIELD: z.string(),
  SEARCH_TYPE: z.enum(SEARCH_TYPES),
  SEARCH_VALUE: z.string(),
});

export type AssetScopeFilterLeaf = z.output<typeof filterLeafSchema>;
export type AssetScopeFilter = { AND: AssetScopeFilter[] } | { OR: AssetScopeFilter[] } | AssetScopeFilterLeaf;

interface FilterProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Walks the filter tree by hand rather than through a zod union, because a union
 * that fails reports every alternative's failure, and the client needs to be told
 * the one node and field that is wrong.
 */
function findFilterProblems(node: unknown, path: (string | number)[], depth: number): FilterProblem[] {
  if (depth > MAX_FILTER_DEPTH) return [{ path, message: `filter tree nested deeper than ${MAX_FILTER_DEPTH} levels` }];
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    const message = "expected an {AND:[...]} / {OR:[...]} node or a {SEARCH_FIELD, SEARCH_TYPE, SEARCH_VALUE} leaf";
    return [{ path, message }];
  }
  const keys = Object.keys(node);
  const operator = keys.length === 1 && (keys[0] === "AND" || keys[0] === "OR") ? keys[0] : undefined;
  if (operator === undefined) {
    if (keys.includes("AND") || keys.includes("OR")) {
      return [{ path, message: "a logical node holds exactly one key, AND or OR" }];
    }
    const leaf = filterLeafSchema.safeParse(node, { reportInput: true });
    if (leaf.success) return [];
    return leaf.error.issues.map((issue) => ({
      path: [...path, ...issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)))],
      message: leafProblem(issue),
    }));
  }
  const children: unknown = Object.values(node)[0];
  if (!Array.isArray(children)) return [{ path: [...path, operator], message: "expected an array of filter nodes" }];
  return children.flatMap((child, index) => findFilterProblems(child, [...path, operator, index], depth + 1));
}

function leafProblem(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
  if (issue.code === "invalid_value") {
    return `invalid value ${JSON.stringify(issue.input)} (allowed: ${issue.values.map(String).join(", ")})`;
  }
  if (issue.code === "invalid_type") return `expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.join(", ")}`;
  return issue.message;
}

const assetScopeFilterSchema = z
  .custom<AssetScopeFilter>(() => true)
  .superRefine((value, context) => {
    for (const problem of findFilterProblems(value, [], 0)) {
      context.addIssue({ code: "custom", path: problem.path, message: problem.message, input: value });
    }
  });

const initialScanConfigurationSchema = z
  .object({
    mode: z.enum(INITIAL_SCAN_MODES).default("ALL"),
    numDays: z.int().min(1).max(MAX_MODIFIED_DAYS).optional(),
  })
  .superRefine((configuration, context) => {
    if (configuration.mode === "TAGS_MODIFIED_DAYS" && configuration.numDays === undefined) {
      context.addIssue({
        code: "custom",
        path: ["numDays"],
        message: `is required when mode is TAGS_MODIFIED_DAYS (an integer from 1 to ${MAX_MODIFIED_DAYS})`,
        input: configuration,
      });
    }
  });

/** Which vendor each vendor-specific field belongs to; sent for another vendor, it configures nothing. */
const VENDOR_SPECIFIC_FIELD_OWNERS = [
  ["group_ids", "GITLAB_CONTAINER_REGISTRY"],
  ["project_ids", "GITLAB_CONTAINER_REGISTRY"],
  ["api_domain_name", "GITLAB_CONTAINER_REGISTRY"],
  ["repository", "DOCKER_HUB"],
  ["cluster_id", "OPENSHIFT"],
  ["cluster_name", "OPENSHIFT"],
  ["cluster_asset_id", "OPENSHIFT"],
  ["cluster_asset_type_id", "OPENSHIFT"],
  ["cluster_realm", "OPENSHIFT"],
] as const satisfies readonly (readonly [string, (typeof VENDORS)[number]])[];

type ScanningMode = (typeof SCANNING_MODES)[number];
/** A mode that scans through an outpost or a broker cannot work without being told which one. */
const FIELDS_REQUIRED_BY_SCANNING_MODE: Partial<Record<ScanningMode, readonly ("outpost_id" | "broker_id" | "broker_type")[]>> = {
  OUTPOST: ["outpost_id"],
  BROKER: ["broker_id", "broker_type"],
};

const vendorSpecificConfigurationSchema = z.object({
  group_ids: z.array(z.string()).optional(),
  project_ids: z.array(z.string()).optional(),
  api_domain_name: z.string().optional(),
  repository: z.string().optional(),
  cluster_id: z.string().optional(),
  cluster_name: z.string().optional(),
  cluster_asset_id: z.string().optional(),
  cluster_asset_type_id: z.string().optional(),
  cluster_realm: z.string().optional(),
});

export const connectorSchema = z
  .object({
    vendor: z.enum(VENDORS),
    name: z.string().min(1),
    url: z.string().min(1),
    username: z.string(),
    password: z.string(),
    auth_token: z.string(),
    scanning_mode: z.enum(SCANNING_MODES),
    region: z.string(),
    insecure_pull: z.boolean(),
    initial_scan_configuration: initialScanConfigurationSchema,
    connector_id: z.string().optional(),
    enabled: z.boolean().default(true),
    cloud_provider: z.enum(CLOUD_PROVIDERS).optional(),
    registry_type: z.enum(REGISTRY_TYPES).optional(),
    broker_type: z.enum(BROKER_TYPES).optional(),
    filter_type: z.enum(FILTER_TYPES).default("INCLUDE"),
    asset_scope_filters: assetScopeFilterSchema.optional(),
    vendor_specific_configuration: vendorSpecificConfigurationSchema.optional(),
    outpost_id: z.string().optional(),
    ca_certificate: z.string().optional(),
    repository: z.string().optional(),
    allow_static_ips: z.boolean().optional(),
    ip_identifier: z.string().optional(),
    tenant_id: z.string().optional(),
    broker_id: z.string().optional(),
  })
  .superRefine((connector, context) => {
    for (const field of FIELDS_REQUIRED_BY_SCANNING_MODE[connector.scanning_mode] ?? []) {
      const value = connector[field];
      if (value !== undefined && value !== "") continue;
      const message = `is required when scanning_mode is ${connector.scanning_mode}`;
      context.addIssue({ code: "custom", path: [field], message, input: value });
    }
    const configuration = connector.vendor_specific_configuration ?? {};
    for (const [field, owner] of VENDOR_SPECIFIC_FIELD_OWNERS) {
      const value = configuration[field];
      if (value === undefined || owner === connector.vendor) continue;
      const message = `applies only to vendor ${owner}, not ${connector.vendor}`;
      context.addIssue({ code: "custom", path: ["vendor_specific_configuration", field], message, input: value });
    }
  });

export type Connector = z.output<typeof connectorSchema>;
