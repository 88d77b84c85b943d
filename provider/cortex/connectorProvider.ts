import type * as pulumi from "@pulumi/pulumi";
import type { ConnectorInputs, ConnectorOutputs, ProviderContext } from "./connectorHandlers";

/**
 * Loaded inside each method, in the provider host, by package name: the
 * serialized provider then carries this small shell only, never a client, a
 * connection pool, a rate limiter or a credential.
 */
function handlers(): typeof import("./connectorHandlers") {
  return require("pulumi-registry-scanning/dist/provider/cortex/connectorHandlers");
}

/** Rethrows `error` as the provider host should print it: the message alone, no stack (see hostErrors.ts). */
function rethrowForHost(error: unknown): never {
  const { forProviderHost } = require("pulumi-registry-scanning/dist/provider/hostErrors") as typeof import("../hostErrors");
  throw forProviderHost(error);
}

/** The engine-facing side of CortexRegistryConnector: a thin shell over pure checks and the Cortex client. */
export class CortexRegistryConnectorProvider implements pulumi.dynamic.ResourceProvider {
  /** Filled by `configure` in the provider host; empty when the program serializes the provider. */
  private stackConfig: Record<string, string | undefined> = {};

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handlers().stackConfigFrom((key) => request.config.get(key));
  }

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    try {
      return await handlers().check(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async diff(_id: string, olds: ConnectorOutputs, news: ConnectorInputs): Promise<pulumi.dynamic.DiffResult> {
    try {
      return await handlers().diff(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async create(inputs: ConnectorInputs): Promise<pulumi.dynamic.CreateResult<ConnectorOutputs>> {
    return handlers().create(inputs, this.context());
  }

  async read(id: string, olds: ConnectorOutputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      return await handlers().read(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async update(id: string, olds: ConnectorOutputs, news: ConnectorInputs): Promise<pulumi.dynamic.UpdateResult<ConnectorOutputs>> {
    return handlers().update(id, olds, news, this.context());
  }

  async delete(id: string, olds: ConnectorOutputs): Promise<void> {
    try {
      await handlers().remove(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  private context(): ProviderContext {
    return { stackConfig: this.stackConfig, environment: process.env };
  }
}
