export { RegistrySettings, type RegistrySettingsArgs, type ConsoleArgs } from "./registrySettings";
export type { TimeoutsArgs } from "./timeouts";
export { ComputeCredential, type ComputeCredentialArgs } from "./computeCredential";
export {
  RegistrySpecification,
  type RegistrySpecificationArgs,
  type GitlabRegistrySpecArgs,
  type RegistryVersion,
  type RegistryOs,
  type JfrogRepoType,
} from "./registrySpecification";
export {
  CortexRegistryConnector,
  type CortexRegistryConnectorArgs,
  type CortexTenantArgs,
  type CortexInitialScanConfigurationArgs,
  type CortexVendorSpecificConfigurationArgs,
  type CortexAssetScopeFilter,
  type CortexVendor,
  type CortexScanningMode,
  type CortexCloudProvider,
  type CortexRegistryType,
  type CortexBrokerType,
  type CortexFilterType,
  type CortexInitialScanMode,
  type CortexSearchType,
} from "./cortexRegistryConnector";
