export { RegistrySettings, type RegistrySettingsArgs, type ConsoleArgs } from "./registrySettings";
export {
  RegistrySpecification,
  type RegistrySpecificationArgs,
  type GitlabRegistrySpecArgs,
  type RegistryVersion,
  type RegistryOs,
  type JfrogRepoType,
} from "./registrySpecification";
