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

/** The engine-facing side of CortexRegistryConnector: a thin shell over pure checks and the Cortex client. */
export class CortexRegistryConnectorProvider implements pulumi.dynamic.ResourceProvider {
  /** Filled by `configure` in the provider host; empty when the program serializes the provider. */
  private stackConfig: Record<string, string | undefined> = {};

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handlers().stackConfigFrom((key) => request.config.get(key));
  }

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return handlers().check(olds, news, this.context());
  }

  async diff(_id: string, olds: ConnectorOutputs, news: ConnectorInputs): Promise<pulumi.dynamic.DiffResult> {
    return handlers().diff(olds, news, this.context());
  }

  async create(inputs: ConnectorInputs): Promise<pulumi.dynamic.CreateResult<ConnectorOutputs>> {
    return handlers().create(inputs, this.context());
  }

  async read(id: string, olds: ConnectorOutputs): Promise<pulumi.dynamic.ReadResult> {
    return handlers().read(id, olds, this.context());
  }

  async update(id: string, olds: ConnectorOutputs, news: ConnectorInputs): Promise<pulumi.dynamic.UpdateResult<ConnectorOutputs>> {
    return handlers().update(id, olds, news, this.context());
  }

  async delete(id: string, olds: ConnectorOutputs): Promise<void> {
    await handlers().remove(id, olds, this.context());
  }

  private context(): ProviderContext {
    return { stackConfig: this.stackConfig, environment: process.env };
  }
}
