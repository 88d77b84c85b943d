import type * as pulumi from "@pulumi/pulumi";
import type { RegistrySettingsInputs } from "./registrySettingsInputs";
import type { ProviderContext, RegistrySettingsOutputs } from "./registrySettingsHandlers";

/**
 * Loaded inside each method, in the provider host, by package name: the
 * serialized provider then carries this small shell only, never a client, a
 * connection pool or a credential.
 */
function handlers(): typeof import("./registrySettingsHandlers") {
  return require("pulumi-registry-scanning/dist/provider/compute/registrySettingsHandlers");
}

/** The engine-facing side of RegistrySettings: a thin shell over pure planning and the Compute client. */
export class RegistrySettingsProvider implements pulumi.dynamic.ResourceProvider {
  /** Filled by `configure` in the provider host; empty when the program serializes the provider. */
  private stackConfig: Record<string, string | undefined> = {};

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handlers().stackConfigFrom((key) => request.config.get(key));
  }

  async check(olds: Partial<RegistrySettingsInputs>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return handlers().check(olds, news, this.context());
  }

  async diff(_id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs): Promise<pulumi.dynamic.DiffResult> {
    return handlers().diff(olds, news, this.context());
  }

  async create(inputs: RegistrySettingsInputs): Promise<pulumi.dynamic.CreateResult<RegistrySettingsOutputs>> {
    return handlers().create(inputs, this.context());
  }

  async read(id: string, olds: RegistrySettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
    return handlers().read(id, olds, this.context());
  }

  async update(id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs): Promise<pulumi.dynamic.UpdateResult<RegistrySettingsOutputs>> {
    return handlers().update(id, olds, news, this.context());
  }

  async delete(_id: string, olds: RegistrySettingsOutputs): Promise<void> {
    await handlers().remove(olds, this.context());
  }

  private context(): ProviderContext {
    return { stackConfig: this.stackConfig, environment: process.env };
  }
}
