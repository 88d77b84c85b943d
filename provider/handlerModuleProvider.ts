import type * as pulumi from "@pulumi/pulumi";

/** What a handlers module offers the dynamic-provider shell (the Cortex connector's and the Compute credential's). */
interface HandlersModule<Inputs, Outputs> {
  stackConfigFrom(get: (key: string) => string | undefined): Record<string, string | undefined>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>, context: HandlerContext): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] };
  diff(olds: Outputs, news: Inputs, context: HandlerContext): pulumi.dynamic.DiffResult;
  create(inputs: Inputs, context: HandlerContext): Promise<{ id: string; outs: Outputs }>;
  read(id: string, olds: Outputs, context: HandlerContext): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Outputs, news: Inputs, context: HandlerContext): Promise<{ outs: Outputs }>;
  remove(id: string, olds: Outputs, context: HandlerContext): Promise<void>;
}

interface HandlerContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
}

/** Rethrows `error` as the provider host should print it: the message alone, no stack (see hostErrors.ts). */
function rethrowForHost(error: unknown): never {
  const { forProviderHost } = require("pulumi-registry-scanning/dist/provider/hostErrors") as typeof import("./hostErrors");
  throw forProviderHost(error);
}

/**
 * The engine-facing side of a dynamic resource whose handlers live in
 * `handlersModule` (a module path under the package's name). The module is
 * loaded inside each method, in the provider host: the serialized provider
 * carries this small shell and that path only, never a client, a connection
 * pool, a rate limiter or a credential.
 */
export class HandlerModuleProvider<Inputs, Outputs> implements pulumi.dynamic.ResourceProvider {
  /** Filled by `configure` in the provider host; empty when the program serializes the provider. */
  private stackConfig: Record<string, string | undefined> = {};

  constructor(private readonly handlersModule: string) {}

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = this.handlers().stackConfigFrom((key) => request.config.get(key));
  }

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    try {
      return await this.handlers().check(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async diff(_id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    try {
      return await this.handlers().diff(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    return this.handlers().create(inputs, this.context());
  }

  async read(id: string, olds: Outputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      return await this.handlers().read(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
    return this.handlers().update(id, olds, news, this.context());
  }

  async delete(id: string, olds: Outputs): Promise<void> {
    try {
      await this.handlers().remove(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  private handlers(): HandlersModule<Inputs, Outputs> {
    return require(this.handlersModule) as HandlersModule<Inputs, Outputs>;
  }

  private context(): HandlerContext {
    return { stackConfig: this.stackConfig, environment: process.env };
  }
}
