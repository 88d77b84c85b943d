import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { startChildServer, type ChildServer } from "./childServer";
import { callUnary, grpcChannelOptions } from "./grpcCall";
import type { PropertyMap } from "./secrets";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

export interface PolicyDiagnostic {
  policyName: string;
  policyPackName: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

/** A resource as the engine hands it to an analyzer: inputs with secrets still marked. */
export interface AnalyzedResource {
  type: string;
  name: string;
  urn: string;
  inputs: PropertyMap;
}

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_VALUES = Object.fromEntries(Object.entries(LEVEL_NAMES).map(([v, k]) => [k, Number(v)])) as Record<
  EnforcementLevel,
  number
>;

export type PolicyConfig = Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>>;

/** A policy pack's own analyzer server, spawned and called as `pulumi preview --policy-pack` does. */
export class PolicyHost {
  private constructor(
    private readonly server: ChildServer,
    private readonly client: analyzerrpc.AnalyzerClient,
  ) {}

  /** `entry` is the pack's compiled program (the file that calls `new PolicyPack(...)`). */
  static async start(entry: string, options: { cwd?: string } = {}): Promise<PolicyHost> {
    const server = await startChildServer(process.execPath, [entry, "127.0.0.1:0"], { cwd: options.cwd });
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), grpcChannelOptions);
    const host = new PolicyHost(server, client);
    await host.configure({});
    return host;
  }

  /**
   * The pack's config file contents, as `--policy-pack-config` passes them.
   * Like the CLI, every policy is configured, with its schema's defaults and
   * its own enforcement level under what the file says.
   */
  async configure(config: PolicyConfig): Promise<void> {
    const info = await callUnary<Empty, analyzerproto.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    const request = new analyzerproto.ConfigureAnalyzerRequest();
    for (const policy of info.getPoliciesList()) {
      const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
      const defaults = Object.fromEntries(
        Object.entries(schema).flatMap(([key, property]) => (property.default === undefined ? [] : [[key, property.default]])),
      );
      const { enforcementLevel, ...properties } = config[policy.getName()] ?? {};
      const policyConfig = new analyzerproto.PolicyConfig();
      policyConfig.setEnforcementlevel(enforcementLevel ? LEVEL_VALUES[enforcementLevel] : policy.getEnforcementlevel());
      policyConfig.setProperties(Struct.fromJavaScript({ ...defaults, ...properties } as Parameters<typeof Struct.fromJavaScript>[0]));
      request.getPolicyconfigMap().set(policy.getName(), policyConfig);
    }
    await callUnary(this.client.configure.bind(this.client), request);
  }

  async analyze(resource: AnalyzedResource): Promise<PolicyDiagnostic[]> {
    const request = new analyzerproto.AnalyzeRequest();
    request.setType(resource.type).setName(resource.name).setUrn(resource.urn);
    request.setProperties(Struct.fromJavaScript(resource.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
    request.setOptions(new analyzerproto.AnalyzerResourceOptions());
    const response = await callUnary<analyzerproto.AnalyzeRequest, analyzerproto.AnalyzeResponse>(
      this.client.analyze.bind(this.client),
      request,
    );
    // The engine, not the pack, attributes a resource's diagnostics to its URN.
    return toDiagnostics(response).map((d) => ({ ...d, urn: d.urn || resource.urn }));
  }

  async analyzeStack(resources: AnalyzedResource[]): Promise<PolicyDiagnostic[]> {
    const request = new analyzerproto.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const message = new analyzerproto.AnalyzerResource();
        message.setType(resource.type).setName(resource.name).setUrn(resource.urn);
        message.setProperties(Struct.fromJavaScript(resource.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
        message.setOptions(new analyzerproto.AnalyzerResourceOptions());
        return message;
      }),
    );
    const response = await callUnary<analyzerproto.AnalyzeStackRequest, analyzerproto.AnalyzeResponse>(
      this.client.analyzeStack.bind(this.client),
      request,
    );
    return toDiagnostics(response);
  }

  output(): string {
    return this.server.output();
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.server.stop();
  }
}

function toDiagnostics(response: analyzerproto.AnalyzeResponse): PolicyDiagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    message: d.getMessage(),
    enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn(),
  }));
}
