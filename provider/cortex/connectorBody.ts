/*
 * A registry connector as users write it (camelCase) and as the Cortex API
 * carries it (snake_case), and the pure mapping between the two.
 */
import { CORTEX_SECRET_FIELDS, CORTEX_WRITE_ONLY_FIELDS } from "../../rules";

export const VENDORS = ["DOCKER", "JFROG", "SONATYPE", "DOCKER_HUB", "HARBOR", "GITLAB_CONTAINER_REGISTRY", "OPENSHIFT"] as const;
export const SCANNING_MODES = ["CLOUD", "OUTPOST", "BROKER", "NOT_APPLICABLE", "KAPI"] as const;
export const CLOUD_PROVIDERS = ["AWS", "GCP", "AZURE"] as const;
export const REGISTRY_TYPES = ["CLOUD_HOSTED", "SELF_HOSTED"] as const;
export const BROKER_TYPES = ["BROKER_VM", "BROKER_CLUSTER"] as const;
export const FILTER_TYPES = ["INCLUDE", "EXCLUDE"] as const;
export const INITIAL_SCAN_MODES = ["ALL", "LATEST_TAG", "TAGS_MODIFIED_DAYS"] as const;
/** Operators used across Cortex filters. */
export const SEARCH_TYPES = ["EQ", "NEQ", "IN", "NIN", "CONTAINS", "NCONTAINS", "WILDCARD", "REGEX"] as const;

export type Vendor = (typeof VENDORS)[number];
export type ScanningMode = (typeof SCANNING_MODES)[number];
export type InitialScanMode = (typeof INITIAL_SCAN_MODES)[number];

export interface InitialScanConfiguration {
  mode: InitialScanMode;
  /** Only with mode TAGS_MODIFIED_DAYS: an integer from 1 to 90. The API spells it in camelCase too. */
  numDays?: number;
}

export interface AssetScopeFilterLeaf {
  SEARCH_FIELD: string;
  SEARCH_TYPE: (typeof SEARCH_TYPES)[number];
  SEARCH_VALUE: string;
}
/** The API's own recursive filter tree, keys kept as the API spells them. */
export type AssetScopeFilter = { AND: AssetScopeFilter[] } | { OR: AssetScopeFilter[] } | AssetScopeFilterLeaf;

export interface VendorSpecificConfiguration {
  groupIds?: string[];
  projectIds?: string[];
  apiDomainName?: string;
  repository?: string;
  clusterId?: string;
  clusterName?: string;
  clusterAssetId?: string;
  clusterAssetTypeId?: string;
  clusterRealm?: string;
}

/** The connector's configuration: the API's body fields, camelCased, with the API's defaults applied. */
export interface ConnectorFields {
  vendor: Vendor;
  name: string;
  url: string;
  username: string;
  password: string;
  authToken: string;
  scanningMode: ScanningMode;
  region: string;
  insecurePull: boolean;
  initialScanConfiguration: InitialScanConfiguration;
  enabled: boolean;
  filterType: (typeof FILTER_TYPES)[number];
  cloudProvider?: (typeof CLOUD_PROVIDERS)[number];
  registryType?: (typeof REGISTRY_TYPES)[number];
  brokerType?: (typeof BROKER_TYPES)[number];
  brokerId?: string;
  outpostId?: string;
  assetScopeFilters?: AssetScopeFilter;
  vendorSpecificConfiguration?: VendorSpecificConfiguration;
  caCertificate?: string;
  repository?: string;
  allowStaticIps?: boolean;
  ipIdentifier?: string;
  tenantId?: string;
}

/** A connector body as the API carries it. */
export type WireConnector = Record<string, unknown>;

/** User field → API field. `initialScanConfiguration` keeps its inner keys (`mode`, `numDays`), the filter tree its own. */
export const WIRE_NAMES: Readonly<Record<keyof ConnectorFields, string>> = {
  vendor: "vendor",
  name: "name",
  url: "url",
  username: "username",
  password: "password",
  authToken: "auth_token",
  scanningMode: "scanning_mode",
  region: "region",
  insecurePull: "insecure_pull",
  initialScanConfiguration: "initial_scan_configuration",
  enabled: "enabled",
  filterType: "filter_type",
  cloudProvider: "cloud_provider",
  registryType: "registry_type",
  brokerType: "broker_type",
  brokerId: "broker_id",
  outpostId: "outpost_id",
  assetScopeFilters: "asset_scope_filters",
  vendorSpecificConfiguration: "vendor_specific_configuration",
  caCertificate: "ca_certificate",
  repository: "repository",
  allowStaticIps: "allow_static_ips",
  ipIdentifier: "ip_identifier",
  tenantId: "tenant_id",
};

export const VENDOR_SPECIFIC_WIRE_NAMES: Readonly<Record<keyof VendorSpecificConfiguration, string>> = {
  groupIds: "group_ids",
  projectIds: "project_ids",
  apiDomainName: "api_domain_name",
  repository: "repository",
  clusterId: "cluster_id",
  clusterName: "cluster_name",
  clusterAssetId: "cluster_asset_id",
  clusterAssetTypeId: "cluster_asset_type_id",
  clusterRealm: "cluster_realm",
};

/** Which vendor each vendor-specific field belongs to. */
export const VENDOR_OF_SPECIFIC_FIELD: Readonly<Record<keyof VendorSpecificConfiguration, Vendor>> = {
  groupIds: "GITLAB_CONTAINER_REGISTRY",
  projectIds: "GITLAB_CONTAINER_REGISTRY",
  apiDomainName: "GITLAB_CONTAINER_REGISTRY",
  repository: "DOCKER_HUB",
  clusterId: "OPENSHIFT",
  clusterName: "OPENSHIFT",
  clusterAssetId: "OPENSHIFT",
  clusterAssetTypeId: "OPENSHIFT",
  clusterRealm: "OPENSHIFT",
};

/** Fields the API never returns; a read keeps them from the state. */
export const WRITE_ONLY_FIELDS = CORTEX_WRITE_ONLY_FIELDS satisfies readonly (keyof ConnectorFields)[];
/** Fields whose values must never be shown (state secrets, never quoted in messages). */
export const SECRET_FIELDS = CORTEX_SECRET_FIELDS satisfies readonly (keyof ConnectorFields)[];

export const CONNECTOR_FIELD_NAMES = Object.keys(WIRE_NAMES) as (keyof ConnectorFields)[];

const invert = (names: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(names).map(([field, wire]) => [wire, field]));
const USER_NAMES = invert(WIRE_NAMES);
const VENDOR_SPECIFIC_USER_NAMES = invert(VENDOR_SPECIFIC_WIRE_NAMES);

function renameKeys(value: unknown, names: Record<string, string>): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [names[k] ?? k, v]),
  );
}

/** The body to POST or PUT: every configured field, snake_cased; absent fields left out (the API refuses null). */
export function toWireConnector(fields: ConnectorFields): WireConnector {
  const wire: WireConnector = {};
  for (const field of CONNECTOR_FIELD_NAMES) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    wire[WIRE_NAMES[field]] = field === "vendorSpecificConfiguration" ? renameKeys(value, VENDOR_SPECIFIC_WIRE_NAMES) : renameKeys(value, {});
  }
  return wire;
}

/**
 * A connector the API returned, in the user's names. Fields this package does
 * not model, and the id, are left out; the API never returns the write-only ones.
 */
export function fromWireConnector(wire: WireConnector): Partial<ConnectorFields> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) {
    const field = USER_NAMES[name];
    if (field === undefined || value === undefined || value === null) continue;
    fields[field] = field === "vendorSpecificConfiguration" ? renameKeys(value, VENDOR_SPECIFIC_USER_NAMES) : renameKeys(value, {});
  }
  return fields as Partial<ConnectorFields>;
}

/**
 * The API's documented defaults written in (enabled true, filterType
 * INCLUDE, initial scan mode ALL), so that what a program leaves out and
 * what the tenant reports compare equal.
 */
export function withApiDefaults<T extends object>(fields: T): T {
  const result = { ...fields } as Record<string, unknown>;
  if (result.enabled === undefined) result.enabled = true;
  if (result.filterType === undefined) result.filterType = "INCLUDE";
  const scan = result.initialScanConfiguration;
  if (scan !== null && typeof scan === "object" && !Array.isArray(scan) && (scan as Record<string, unknown>).mode === undefined) {
    result.initialScanConfiguration = { mode: "ALL", ...scan };
  }
  return result as T;
}

/** The user's name for an API field, e.g. `auth_token` → `authToken`, for messages. */
export function userFieldName(wireName: string): string {
  return USER_NAMES[wireName] ?? wireName;
}
