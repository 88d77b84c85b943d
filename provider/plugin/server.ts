import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PLUGIN_PACKAGE } from "../../rules";
import { PLUGIN_RESOURCES, type HandlerContext, type PluginResource } from "./resources";
import { mergeMarks, unwrapSecrets, wrapSecrets, type SecretMarks } from "./propertyValues";
import { inPluginTerms, stackConfigFromProviderConfig } from "./providerConfig";
import { buildSchema } from "./schema";

/*
 * The plugin's side of Pulumi's ResourceProvider protocol, served with the
 * generated stubs the user's `@pulumi/pulumi` carries. Served here rather than
 * through the SDK's `provider.main`, whose server in 3.248 drops the provider
 * configuration Configure carries (the console URL, the credentials) and
 * offers no way to report progress.
 */

/** The SDK's own copy of grpc-js, so servers and messages come from one version. */
function sdkModule<T>(id: string): T {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve(id, { paths: [sdkDir] })) as T;
}

type Callback<T> = (error: grpcTypes.ServiceError | Partial<grpcTypes.StatusObject> | null, value?: T | null, trailer?: grpcTypes.Metadata) => void;
interface Call<T> {
  request: T;
}

interface EngineLog {
  log(request: enginePb.LogRequest, callback: (error: unknown) => void): void;
}

/** The type token of a URN (`urn:pulumi:<stack>::<project>::<parent$type>::<name>`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** Undefined values are dropped: protobuf's Struct has no such value. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, defined(v)]));
  }
  return value;
}

export class RegistryScanningProvider {
  private readonly grpc = sdkModule<typeof grpcTypes>("@grpc/grpc-js");
  private readonly pb = require("@pulumi/pulumi/proto/provider_pb") as typeof providerPb;
  private readonly pluginPb = require("@pulumi/pulumi/proto/plugin_pb") as typeof import("@pulumi/pulumi/proto/plugin_pb");
  private readonly structPb = sdkModule<typeof import("google-protobuf/google/protobuf/struct_pb")>("google-protobuf/google/protobuf/struct_pb");
  private readonly emptyPb = sdkModule<typeof import("google-protobuf/google/protobuf/empty_pb")>("google-protobuf/google/protobuf/empty_pb");
  private stackConfig: Record<string, string | undefined> = {};
  private engine: EngineLog | undefined;
  /** Status lines go one after another, so the CLI shows them in the order they were reported. */
  private statusQueue: Promise<void> = Promise.resolve();

  constructor(
    private readonly version: string,
    private readonly engineAddress: string | undefined,
  ) {}

  /** The gRPC service implementation, method by method. */
  service(): grpcTypes.UntypedServiceImplementation {
    return {
      getPluginInfo: (_call: Call<unknown>, callback: Callback<unknown>) => {
        callback(null, new this.pluginPb.PluginInfo().setVersion(this.version));
      },
      getSchema: (_call: Call<unknown>, callback: Callback<unknown>) => {
        callback(null, new this.pb.GetSchemaResponse().setSchema(JSON.stringify(buildSchema(this.version))));
      },
      checkConfig: (call: Call<providerPb.CheckRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.checkConfig(call.request)),
      diffConfig: (call: Call<providerPb.DiffRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.diffConfig(call.request)),
      configure: (call: Call<providerPb.ConfigureRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.configure(call.request)),
      check: (call: Call<providerPb.CheckRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.check(call.request)),
      diff: (call: Call<providerPb.DiffRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.diff(call.request)),
      create: (call: Call<providerPb.CreateRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.create(call.request)),
      read: (call: Call<providerPb.ReadRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.read(call.request)),
      update: (call: Call<providerPb.UpdateRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.update(call.request)),
      delete: (call: Call<providerPb.DeleteRequest>, callback: Callback<unknown>) => this.reply(callback, () => this.delete(call.request)),
      cancel: (_call: Call<unknown>, callback: Callback<unknown>) => callback(null, new this.emptyPb.Empty()),
      attach: (_call: Call<unknown>, callback: Callback<unknown>) => callback(null, new this.emptyPb.Empty()),
    };
  }

  private reply<T>(callback: Callback<T>, work: () => Promise<T>): void {
    work().then(
      (value) => callback(null, value),
      (error: unknown) => callback(this.errorStatus(error)),
    );
  }

  /** The message alone (no stack), and for a step that left something behind, the partial state the engine records. */
  private errorStatus(failure: unknown): Partial<grpcTypes.StatusObject> {
    const error = failure instanceof StepFailure ? failure.cause : failure;
    const marks = failure instanceof StepFailure ? failure.marks : { keys: [] };
    const message = inPluginTerms(error instanceof Error ? error.message : String(error));
    const partial = error as { id?: unknown; properties?: unknown; reasons?: unknown };
    const metadata = new this.grpc.Metadata();
    if (typeof partial.id === "string" && partial.id !== "" && partial.properties !== null && typeof partial.properties === "object") {
      const statusPb = require("@pulumi/pulumi/proto/status_pb") as typeof import("@pulumi/pulumi/proto/status_pb");
      const anyPb = sdkModule<typeof import("google-protobuf/google/protobuf/any_pb")>("google-protobuf/google/protobuf/any_pb");
      const detail = new this.pb.ErrorResourceInitFailed();
      detail.setId(partial.id);
      detail.setProperties(this.struct(partial.properties as Record<string, unknown>, marks));
      detail.setReasonsList(Array.isArray(partial.reasons) ? partial.reasons.map((reason) => inPluginTerms(String(reason))) : [message]);
      const any = new anyPb.Any();
      any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
      const status = new statusPb.Status();
      status.setCode(this.grpc.status.UNKNOWN);
      status.setMessage(message);
      status.addDetails(any);
      metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return { code: this.grpc.status.UNKNOWN, details: message, metadata };
  }


  private struct(properties: Record<string, unknown>, marks: SecretMarks): Struct {
    return this.structPb.Struct.fromJavaScript(defined(wrapSecrets(properties, marks)) as Record<string, never>);
  }

  private plainOf(struct: Struct | undefined) {
    return unwrapSecrets((struct?.toJavaScript() ?? {}) as Record<string, unknown>);
  }

  private resourceOf(urn: string): PluginResource {
    const type = typeOfUrn(urn);
    const resource = PLUGIN_RESOURCES[type];
    if (!resource) throw new Error(`${PLUGIN_PACKAGE} has no resource type ${type}: it serves ${Object.keys(PLUGIN_RESOURCES).join(", ")}.`);
    return resource;
  }

  private context(urn?: string): HandlerContext {
    return { stackConfig: this.stackConfig, environment: process.env, report: urn ? (message) => this.status(urn, message) : undefined };
  }

  /** A status line the CLI shows beside the resource while the step runs (ephemeral: not kept in the log). */
  private status(urn: string, message: string): void {
    if (!this.engineAddress) return;
    try {
      if (!this.engine) {
        const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineClient: new (address: string, credentials: unknown) => EngineLog };
        this.engine = new engineGrpc.EngineClient(this.engineAddress, this.grpc.credentials.createInsecure());
      }
      const enginePbModule = require("@pulumi/pulumi/proto/engine_pb") as typeof enginePb;
      const request = new enginePbModule.LogRequest();
      request.setSeverity(enginePbModule.LogSeverity.INFO);
      request.setMessage(message);
      request.setUrn(urn);
      request.setEphemeral(true);
      const engine = this.engine;
      this.statusQueue = this.statusQueue.then(() => new Promise<void>((resolve) => engine?.log(request, () => resolve())));
    } catch {
      // Progress is a courtesy: a failure to report it never fails the step.
    }
  }

  private async checkConfig(request: providerPb.CheckRequest) {
    const news = this.plainOf(request.getNews());
    const { unknownKeys } = stackConfigFromProviderConfig(news.value);
    const failures = unknownKeys.map((key) =>
      new this.pb.CheckFailure().setProperty(key).setReason(`${PLUGIN_PACKAGE} has no setting "${key}": see the provider's configuration in its schema (computeUrl, cortexApiUrl, ...)`),
    );
    const response = new this.pb.CheckResponse();
    response.setInputs(request.getNews());
    response.setFailuresList(failures);
    return response;
  }

  private async diffConfig(request: providerPb.DiffRequest) {
    const olds = JSON.stringify(sortedEntries(this.plainOf(request.getOldInputs() ?? request.getOlds()).value));
    const news = JSON.stringify(sortedEntries(this.plainOf(request.getNews()).value));
    return new this.pb.DiffResponse().setChanges(olds === news ? this.pb.DiffResponse.DiffChanges.DIFF_NONE : this.pb.DiffResponse.DiffChanges.DIFF_SOME);
  }

  private async configure(request: providerPb.ConfigureRequest) {
    const args = request.getArgs();
    const values = args ? this.plainOf(args).value : Object.fromEntries(request.getVariablesMap().toArray());
    this.stackConfig = stackConfigFromProviderConfig(values).stackConfig;
    return new this.pb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false);
  }

  private async check(request: providerPb.CheckRequest) {
    const resource = this.resourceOf(request.getUrn());
    const news = this.plainOf(request.getNews());
    const olds = this.plainOf(request.getOlds());
    const result = await resource.check(olds.value, news.value, this.context());
    const marks = mergeMarks({ keys: news.secretKeys, entries: news.secretEntries }, resource.secretOutputs(result.inputs));
    const response = new this.pb.CheckResponse();
    response.setInputs(this.struct(result.inputs, marks));
    response.setFailuresList(result.failures.map((f) => new this.pb.CheckFailure().setProperty(f.property).setReason(inPluginTerms(f.reason))));
    return response;
  }

  private async diff(request: providerPb.DiffRequest) {
    const resource = this.resourceOf(request.getUrn());
    const result = await resource.diff(request.getId(), this.plainOf(request.getOlds()).value, this.plainOf(request.getNews()).value, this.context());
    const { DiffChanges } = this.pb.DiffResponse;
    const response = new this.pb.DiffResponse();
    // Unknown: the engine diffs the old and new inputs itself and shows just the entries and fields that change.
    response.setChanges(result.changes === false ? DiffChanges.DIFF_NONE : result.changes === true ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_UNKNOWN);
    response.setReplacesList(result.replaces);
    response.setDeletebeforereplace(result.deleteBeforeReplace ?? false);
    return response;
  }

  private async create(request: providerPb.CreateRequest) {
    const resource = this.resourceOf(request.getUrn());
    const inputs = this.plainOf(request.getProperties());
    const marks = { keys: inputs.secretKeys, entries: inputs.secretEntries };
    const { id, outs } = await resource.create(inputs.value, this.context(request.getUrn())).catch((error: unknown) => {
      throw new StepFailure(error, mergeMarks(marks, resource.secretOutputs(partialProperties(error) ?? inputs.value)));
    });
    return new this.pb.CreateResponse().setId(id).setProperties(this.struct(outs as Record<string, unknown>, mergeMarks(marks, resource.secretOutputs(outs as Record<string, unknown>))));
  }

  private async read(request: providerPb.ReadRequest) {
    const resource = this.resourceOf(request.getUrn());
    const state = this.plainOf(request.getProperties());
    const marks = { keys: state.secretKeys, entries: state.secretEntries };
    const result = await resource.read(request.getId(), state.value, this.context(request.getUrn()));
    const response = new this.pb.ReadResponse().setId(result.id);
    if (result.id === "") return response;
    const props = result.props as Record<string, unknown>;
    response.setProperties(this.struct(props, mergeMarks(marks, resource.secretOutputs(props))));
    if (result.inputs) response.setInputs(this.struct(result.inputs as Record<string, unknown>, mergeMarks(marks, resource.secretOutputs(props))));
    return response;
  }

  private async update(request: providerPb.UpdateRequest) {
    const resource = this.resourceOf(request.getUrn());
    const olds = this.plainOf(request.getOlds());
    const news = this.plainOf(request.getNews());
    const marks = { keys: news.secretKeys, entries: news.secretEntries };
    const { outs } = await resource.update(request.getId(), olds.value, news.value, this.context(request.getUrn())).catch((error: unknown) => {
      throw new StepFailure(error, mergeMarks(marks, resource.secretOutputs(partialProperties(error) ?? news.value)));
    });
    return new this.pb.UpdateResponse().setProperties(this.struct(outs as Record<string, unknown>, mergeMarks(marks, resource.secretOutputs(outs as Record<string, unknown>))));
  }

  private async delete(request: providerPb.DeleteRequest) {
    const resource = this.resourceOf(request.getUrn());
    await resource.delete(request.getId(), this.plainOf(request.getProperties()).value, this.context(request.getUrn()));
    return new this.emptyPb.Empty();
  }
}

/** A create or update that failed, with what must stay secret in the partial state it may carry. */
class StepFailure {
  constructor(
    readonly cause: unknown,
    readonly marks: SecretMarks,
  ) {}
}

/** The properties a failed step left behind (see PartialStateError), if any. */
function partialProperties(error: unknown): Record<string, unknown> | undefined {
  const properties = (error as { properties?: unknown } | null)?.properties;
  return properties !== null && typeof properties === "object" ? (properties as Record<string, unknown>) : undefined;
}

function sortedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
}

/** Starts the plugin: serves on a free local port and prints it, as the engine expects of a provider. */
export async function serve(args: readonly string[]): Promise<void> {
  const grpc = sdkModule<typeof grpcTypes>("@grpc/grpc-js");
  const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderService: grpcTypes.ServiceDefinition };
  const engineAddress = args.filter((arg) => !arg.startsWith("-")).at(0);
  const version = (require("../../../package.json") as { version: string }).version;
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1 << 30, "grpc.max_send_message_length": 1 << 30 });
  server.addService(providerGrpc.ResourceProviderService, new RegistryScanningProvider(version, engineAddress).service());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.stdout.write(`${port}\n`);
}
