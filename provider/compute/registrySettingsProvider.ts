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

/** Rethrows `error` as the provider host should print it: the message alone, no stack (see hostErrors.ts). */
function rethrowForHost(error: unknown): never {
  const { forProviderHost } = require("pulumi-registry-scanning/dist/provider/hostErrors") as typeof import("../hostErrors");
  throw forProviderHost(error);
}

/** The engine-facing side of RegistrySettings: a thin shell over pure planning and the Compute client. */
export class RegistrySettingsProvider implements pulumi.dynamic.ResourceProvider {
  /** Filled by `configure` in the provider host; empty when the program serializes the provider. */
  private stackConfig: Record<string, string | undefined> = {};

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handlers().stackConfigFrom((key) => request.config.get(key));
  }

  async check(olds: Partial<RegistrySettingsInputs>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    try {
      return await handlers().check(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async diff(_id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs): Promise<pulumi.dynamic.DiffResult> {
    try {
      return await handlers().diff(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async create(inputs: RegistrySettingsInputs): Promise<pulumi.dynamic.CreateResult<RegistrySettingsOutputs>> {
    return handlers().create(inputs, this.context());
  }

  async read(id: string, olds: RegistrySettingsOutputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      return await handlers().read(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async update(id: string, olds: RegistrySettingsOutputs, news: RegistrySettingsInputs): Promise<pulumi.dynamic.UpdateResult<RegistrySettingsOutputs>> {
    return handlers().update(id, olds, news, this.context());
  }

  async delete(_id: string, olds: RegistrySettingsOutputs): Promise<void> {
    try {
      await handlers().remove(olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  private context(): ProviderContext {
    return { stackConfig: this.stackConfig, environment: process.env };
  }
}
