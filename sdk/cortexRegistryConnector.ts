import * as pulumi from "@pulumi/pulumi";
import { CORTEX_CONNECTOR_TYPE, CORTEX_CONNECTOR_TYPE_NAME, RESOURCE_MODULE, SECRET_INPUT_FIELDS } from "../rules";
import { withSecretFields, withSecretOutputs } from "./secretInputs";
import { CONNECTOR_FIELD_NAMES } from "../provider/cortex/connectorBody";
import { cortexRegistryConnectorProvider } from "../provider/cortex/connectorProvider";
import type { TimeoutsArgs } from "./timeouts";

const SECRET_FIELDS = SECRET_INPUT_FIELDS[CORTEX_CONNECTOR_TYPE];

export type CortexVendor = "DOCKER" | "JFROG" | "SONATYPE" | "DOCKER_HUB" | "HARBOR" | "GITLAB_CONTAINER_REGISTRY" | "OPENSHIFT";
export type CortexScanningMode = "CLOUD" | "OUTPOST" | "BROKER" | "NOT_APPLICABLE" | "KAPI";
export type CortexCloudProvider = "AWS" | "GCP" | "AZURE";
export type CortexRegistryType = "CLOUD_HOSTED" | "SELF_HOSTED";
export type CortexBrokerType = "BROKER_VM" | "BROKER_CLUSTER";
export type CortexFilterType = "INCLUDE" | "EXCLUDE";
export type CortexInitialScanMode = "ALL" | "LATEST_TAG" | "TAGS_MODIFIED_DAYS";
export type CortexSearchType = "EQ" | "NEQ" | "IN" | "NIN" | "CONTAINS" | "NCONTAINS" | "WILDCARD" | "REGEX";

/** The Cortex tenant to use for this connector alone; when absent, stack config `cortex:*`, then `CORTEX_*` variables. */
export interface CortexTenantArgs {
  /** `https://api-<tenant fqdn>`. */
  apiUrl: pulumi.Input<string>;
  /** Pass as a secret (`config.requireSecret`). */
  apiKey: pulumi.Input<string>;
  apiKeyId: pulumi.Input<string>;
  /** `advanced` (the default: the key is never sent, only a signature) or `standard`. */
  apiKeyType?: pulumi.Input<"advanced" | "standard">;
}

export interface CortexInitialScanConfigurationArgs {
  /** `ALL` (the default), `LATEST_TAG`, or `TAGS_MODIFIED_DAYS` (tags modified in the last `numDays` days). */
  mode?: pulumi.Input<CortexInitialScanMode>;
  /** Only with `TAGS_MODIFIED_DAYS`, where it is required: an integer from 1 to 90. */
  numDays?: pulumi.Input<number>;
}

/** Fields for one vendor each: GitLab (`groupIds`, `projectIds`, `apiDomainName`), Docker Hub (`repository`), OpenShift (`cluster*`). */
export interface CortexVendorSpecificConfigurationArgs {
  groupIds?: pulumi.Input<pulumi.Input<string>[]>;
  projectIds?: pulumi.Input<pulumi.Input<string>[]>;
  apiDomainName?: pulumi.Input<string>;
  repository?: pulumi.Input<string>;
  clusterId?: pulumi.Input<string>;
  clusterName?: pulumi.Input<string>;
  clusterAssetId?: pulumi.Input<string>;
  clusterAssetTypeId?: pulumi.Input<string>;
  clusterRealm?: pulumi.Input<string>;
}

/** The API's filter tree, in its own keys: `{AND: [...]}`, `{OR: [...]}`, or a leaf. */
export type CortexAssetScopeFilter =
  | { AND: CortexAssetScopeFilter[] }
  | { OR: CortexAssetScopeFilter[] }
  | { SEARCH_FIELD: string; SEARCH_TYPE: CortexSearchType; SEARCH_VALUE: string };

/** A registry connector's configuration: the API's body fields, camelCased. */
export interface CortexRegistryConnectorArgs {
  vendor: pulumi.Input<CortexVendor>;
  /** The connector's name in the Cortex console. */
  name: pulumi.Input<string>;
  /** The registry's address, e.g. `https://harbor.example.com`. */
  url: pulumi.Input<string>;
  username: pulumi.Input<string>;
  /** Pass as a secret. The API never returns it; the state keeps it, encrypted. */
  password: pulumi.Input<string>;
  /** Pass as a secret. The API never returns it; the state keeps it, encrypted. */
  authToken: pulumi.Input<string>;
  scanningMode: pulumi.Input<CortexScanningMode>;
  region: pulumi.Input<string>;
  insecurePull: pulumi.Input<boolean>;
  initialScanConfiguration: pulumi.Input<CortexInitialScanConfigurationArgs>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  cloudProvider?: pulumi.Input<CortexCloudProvider>;
  registryType?: pulumi.Input<CortexRegistryType>;
  /** Required with scanningMode `BROKER`, with `brokerId`. */
  brokerType?: pulumi.Input<CortexBrokerType>;
  brokerId?: pulumi.Input<string>;
  /** Required with scanningMode `OUTPOST`. */
  outpostId?: pulumi.Input<string>;
  /** Default `INCLUDE`: whether `assetScopeFilters` selects what to scan or what to skip. */
  filterType?: pulumi.Input<CortexFilterType>;
  assetScopeFilters?: pulumi.Input<CortexAssetScopeFilter>;
  vendorSpecificConfiguration?: pulumi.Input<CortexVendorSpecificConfigurationArgs>;
  /** PEM of the CA that signed the registry's certificate; kept secret in the state. */
  caCertificate?: pulumi.Input<string>;
  repository?: pulumi.Input<string>;
  allowStaticIps?: pulumi.Input<boolean>;
  ipIdentifier?: pulumi.Input<string>;
  tenantId?: pulumi.Input<string>;
  tenant?: pulumi.Input<CortexTenantArgs>;
  /** Time limits of this connector's calls to the tenant; when absent, stack config, the environment, then the defaults. */
  timeouts?: pulumi.Input<TimeoutsArgs>;
}

/**
 * One provider for every connector: the SDK serializes a provider once per
 * instance, so a stack of hundreds of connectors pays for it once. It holds
 * nothing until the provider host configures its own copy.
 */
const provider = cortexRegistryConnectorProvider();

/**
 * A Cortex (XSIAM / Cortex Cloud) registry connector. `vendor`,
 * `registryType`, `scanningMode` and the tenant replace the connector when
 * they change; everything else is updated in place.
 *
 * To bring an existing connector under management, pass its id as the
 * `import` resource option: the provider reads it, checks that the program
 * describes it as it is, and adopts it instead of creating one.
 */
export class CortexRegistryConnector extends pulumi.dynamic.Resource {
  /** The connector's id in the tenant. */
  declare readonly connectorId: pulumi.Output<string>;
  /** The tenant API URL the connector lives in. */
  declare readonly apiUrl: pulumi.Output<string>;
  declare readonly vendor: pulumi.Output<CortexVendor>;
  declare readonly name: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  declare readonly username: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly authToken: pulumi.Output<string>;
  declare readonly scanningMode: pulumi.Output<CortexScanningMode>;
  declare readonly region: pulumi.Output<string>;
  declare readonly insecurePull: pulumi.Output<boolean>;
  declare readonly initialScanConfiguration: pulumi.Output<{ mode: CortexInitialScanMode; numDays?: number }>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly filterType: pulumi.Output<CortexFilterType>;
  declare readonly cloudProvider: pulumi.Output<CortexCloudProvider | undefined>;
  declare readonly registryType: pulumi.Output<CortexRegistryType | undefined>;
  declare readonly brokerType: pulumi.Output<CortexBrokerType | undefined>;
  declare readonly brokerId: pulumi.Output<string | undefined>;
  declare readonly outpostId: pulumi.Output<string | undefined>;
  declare readonly assetScopeFilters: pulumi.Output<CortexAssetScopeFilter | undefined>;
  declare readonly vendorSpecificConfiguration: pulumi.Output<Record<string, unknown> | undefined>;
  declare readonly caCertificate: pulumi.Output<string | undefined>;
  declare readonly repository: pulumi.Output<string | undefined>;
  declare readonly allowStaticIps: pulumi.Output<boolean | undefined>;
  declare readonly ipIdentifier: pulumi.Output<string | undefined>;
  declare readonly tenantId: pulumi.Output<string | undefined>;

  constructor(name: string, args: CortexRegistryConnectorArgs, opts?: pulumi.CustomResourceOptions) {
    // The engine's import step cannot load a dynamic provider (it reads with no
    // state, so no serialized provider): the id travels as an input instead,
    // and create adopts the connector rather than making one.
    const { import: importConnectorId, ...options } = opts ?? {};
    const outputs = Object.fromEntries([...CONNECTOR_FIELD_NAMES, "connectorId", "apiUrl"].map((key) => [key, undefined]));
    super(
      provider,
      name,
      { ...outputs, ...withSecretFields(args, SECRET_FIELDS), importConnectorId },
      withSecretOutputs(options, SECRET_FIELDS),
      RESOURCE_MODULE,
      CORTEX_CONNECTOR_TYPE_NAME,
    );
  }
}
