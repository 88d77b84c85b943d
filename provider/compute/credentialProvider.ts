import type * as pulumi from "@pulumi/pulumi";
import type { CredentialInputs, CredentialOutputs, ProviderContext } from "./credentialHandlers";

/**
 * Loaded inside each method, in the provider host, by package name: the
 * serialized provider then carries this small shell only, never a client or
 * a credential.
 */
function handlers(): typeof import("./credentialHandlers") {
  return require("pulumi-registry-scanning/dist/provider/compute/credentialHandlers");
}

/** Rethrows `error` as the provider host should print it: the message alone, no stack (see hostErrors.ts). */
function rethrowForHost(error: unknown): never {
  const { forProviderHost } = require("pulumi-registry-scanning/dist/provider/hostErrors") as typeof import("../hostErrors");
  throw forProviderHost(error);
}

/** The engine-facing side of ComputeCredential: a thin shell over the credential handlers. */
export class ComputeCredentialProvider implements pulumi.dynamic.ResourceProvider {
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

  async diff(_id: string, olds: CredentialOutputs, news: CredentialInputs): Promise<pulumi.dynamic.DiffResult> {
    try {
      return await handlers().diff(olds, news, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async create(inputs: CredentialInputs): Promise<pulumi.dynamic.CreateResult<CredentialOutputs>> {
    return handlers().create(inputs, this.context());
  }

  async read(id: string, olds: CredentialOutputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      return await handlers().read(id, olds, this.context());
    } catch (error) {
      return rethrowForHost(error);
    }
  }

  async update(id: string, olds: CredentialOutputs, news: CredentialInputs): Promise<pulumi.dynamic.UpdateResult<CredentialOutputs>> {
    return handlers().update(id, olds, news, this.context());
  }

  async delete(id: string, olds: CredentialOutputs): Promise<void> {
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
