import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { startChildServer, type ChildServer } from "./childServer";
import { callUnary, grpcChannelOptions } from "./grpcCall";
import type { PropertyMap } from "./secrets";

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface ReadResult {
  /** Empty when the provider says the resource is gone. */
  id: string;
  properties: PropertyMap;
  inputs?: PropertyMap;
}
export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

/**
 * A create or update that failed after the resource came to exist: the
 * provider returned its id and properties with the error, and the engine
 * records them in the state.
 */
export class ResourceInitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: PropertyMap,
  ) {
    super(message);
    this.name = "ResourceInitFailedError";
  }
}

/** The error as the engine reads it: with the id and properties packed in its status details, a partial result. */
function withInitFailure(error: unknown): unknown {
  const details = (error as { metadata?: grpc.Metadata } | null)?.metadata?.get("grpc-status-details-bin")[0];
  if (!(details instanceof Buffer)) return error;
  for (const detail of statusproto.Status.deserializeBinary(details).getDetailsList()) {
    if (!detail.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    // As the engine: the user reads the failure's reasons, or "resource init failed" when it gives none.
    const reasons = failed.getReasonsList();
    return new ResourceInitFailedError(reasons.length > 0 ? reasons.join("\n") : "resource init failed", failed.getId(), fromStruct(failed.getProperties()));
  }
  return error;
}

const toStruct = (value: PropertyMap) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
const fromStruct = (value: Struct | undefined): PropertyMap => (value ? (value.toJavaScript() as PropertyMap) : {});

/**
 * The SDK's real dynamic-provider host, spawned as the engine spawns it and
 * spoken to over its gRPC interface.
 */
export class ProviderHost {
  private constructor(
    private readonly server: ChildServer,
    private readonly client: provrpc.ResourceProviderClient,
  ) {}

  static async start(options: { env?: NodeJS.ProcessEnv } = {}): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const server = await startChildServer(process.execPath, [entry, "127.0.0.1:0"], { env: options.env });
    const client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${server.port}`,
      grpc.credentials.createInsecure(),
      grpcChannelOptions,
    );
    return new ProviderHost(server, client);
  }

  /** What the host and the providers it loaded wrote to stdout and stderr. */
  output(): string {
    return this.server.output();
  }

  /** The process id, so a benchmark can sample the host's memory. */
  get pid(): number | undefined {
    return this.server.process.pid;
  }

  /** The engine sends the whole stack config, namespaced keys, secrets unwrapped. */
  async configure(config: Record<string, string>): Promise<{ acceptSecrets: boolean }> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(toStruct(config));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    const response = await callUnary<provproto.ConfigureRequest, provproto.ConfigureResponse>(
      this.client.configure.bind(this.client),
      request,
    );
    return { acceptSecrets: response.getAcceptsecrets() };
  }

  async check(ref: ResourceRef, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new provproto.CheckRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type);
    request.setOlds(toStruct(olds)).setNews(toStruct(news));
    const response = await callUnary<provproto.CheckRequest, provproto.CheckResponse>(this.client.check.bind(this.client), request);
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(ref: ResourceRef, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<DiffResult> {
    const request = new provproto.DiffRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await callUnary<provproto.DiffRequest, provproto.DiffResponse>(this.client.diff.bind(this.client), request);
    const changes = response.getChanges();
    const Changes = provproto.DiffResponse.DiffChanges;
    return {
      changes: changes === Changes.DIFF_SOME ? "some" : changes === Changes.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(ref: ResourceRef, properties: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
    const request = new provproto.CreateRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setProperties(toStruct(properties));
    const response = await callUnary<provproto.CreateRequest, provproto.CreateResponse>(this.client.create.bind(this.client), request).catch(
      (error: unknown) => Promise.reject(withInitFailure(error)),
    );
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  async read(ref: ResourceRef, id: string, properties: PropertyMap, inputs: PropertyMap): Promise<ReadResult> {
    const request = new provproto.ReadRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setProperties(toStruct(properties)).setInputs(toStruct(inputs));
    const response = await callUnary<provproto.ReadRequest, provproto.ReadResponse>(this.client.read.bind(this.client), request);
    return {
      id: response.getId(),
      properties: fromStruct(response.getProperties()),
      inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
    };
  }

  async update(ref: ResourceRef, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<PropertyMap> {
    const request = new provproto.UpdateRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await callUnary<provproto.UpdateRequest, provproto.UpdateResponse>(this.client.update.bind(this.client), request).catch(
      (error: unknown) => Promise.reject(withInitFailure(error)),
    );
    return fromStruct(response.getProperties());
  }

  async delete(ref: ResourceRef, id: string, properties: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setProperties(toStruct(properties)).setOldInputs(toStruct(oldInputs));
    await callUnary(this.client.delete.bind(this.client), request);
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.server.stop();
  }
}
