/**
 * The provider plugin over Pulumi's provider protocol, as the engine calls
 * it: Configure with the provider's configuration, Check, Create, Read (an
 * import by id), Delete, against the emulator; what reaches the emulator and
 * which outputs come back secret.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as statusPb from "@pulumi/pulumi/proto/status_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleOnlyEntry } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";
import { leaksSecret } from "../support/secretTraces";
import { inPluginTerms, stackConfigFromProviderConfig } from "../../dist/provider/plugin/providerConfig";
import { asSecret, unwrapSecrets, wrapSecrets } from "../../dist/provider/plugin/propertyValues";
import { typeOfUrn } from "../../dist/provider/plugin/server";
import { targetOfId } from "../../dist/provider/compute/registrySettingsHandlers";

const SETTINGS_URN = "urn:pulumi:dev::infra::registryscanning:compute:RegistrySettings::registry";
const CONNECTOR_URN = "urn:pulumi:dev::infra::registryscanning:cortex:CortexRegistryConnector::connector";
const SECRET_KEY = "4dabf18193072939515e22adb298388d";

type Client = providerGrpc.ResourceProviderClient;
type Unary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

function call<Req, Res>(client: Client, method: Unary<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

const session = useEmulatorSession();
let plugin: ChildProcess;
let client: Client;

beforeAll(async () => {
  plugin = spawn(process.execPath, [path.resolve(__dirname, "../../dist/provider/plugin/main.js")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => plugin.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(() => {
  client?.close();
  plugin?.kill();
});

async function configure(extra: Record<string, unknown> = {}): Promise<void> {
  const { emulator } = session;
  const args = {
    computeUrl: emulator.computeUrl,
    computeUsername: emulator.credentials.compute.username,
    computePassword: asSecret(emulator.credentials.compute.password),
    cortexApiUrl: emulator.cortexUrl,
    cortexApiKey: asSecret(emulator.credentials.cortex.advanced.apiKey),
    cortexApiKeyId: emulator.credentials.cortex.advanced.apiKeyId,
    cortexApiKeyType: "advanced",
    ...extra,
  };
  await call(client, client.configure, new providerPb.ConfigureRequest().setArgs(Struct.fromJavaScript(args as never)).setAcceptsecrets(true));
}

const entries = {
  app: { version: "2", registry: "registry.example.com", repository: "team/app", os: "linux", cap: 5, credentialId: "example-registry" },
};

describe("the provider plugin over the provider protocol", () => {
  it("checks typed entries against the console it is configured with, creates them next to the console's own, and reads a console's list by id alone", async () => {
    const legacy = consoleOnlyEntry("ops/legacy");
    session.emulator.compute.setEntries([legacy]);
    await configure();
    const checked = await call<providerPb.CheckRequest, providerPb.CheckResponse>(client, client.check, new providerPb.CheckRequest().setUrn(SETTINGS_URN).setNews(Struct.fromJavaScript({ specifications: entries } as never)));
    expect(checked.getFailuresList()).toEqual([]);
    const inputs = checked.getInputs()?.toJavaScript() as Record<string, unknown>;
    expect(inputs.specifications).toEqual({ app: { ...entries.app } });
    expect(inputs.consoleUrl).toBe(session.emulator.computeUrl);

    session.emulator.clearRequests();
    const created = await call<providerPb.CreateRequest, providerPb.CreateResponse>(client, client.create, new providerPb.CreateRequest().setUrn(SETTINGS_URN).setProperties(checked.getInputs()));
    expect(created.getId()).toBe(`${session.emulator.computeUrl}/settings/registry`);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(legacy), expect.objectContaining({ repository: "team/app", cap: 5, credentialID: "example-registry" })]);
    const puts = session.emulator.requests().filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(1);
    const outs = created.getProperties()?.toJavaScript() as Record<string, unknown>;
    expect(outs).toMatchObject({ managedCount: 1, unmanagedCount: 1 });
    expect(outs.adoptionRecords).toMatchObject({ [SECRET_KEY]: expect.any(String) });

    // `pulumi import <type> <name> <console URL>`: a read with no state adopts every entry, writing nothing.
    session.emulator.clearRequests();
    const imported = await call<providerPb.ReadRequest, providerPb.ReadResponse>(client, client.read, new providerPb.ReadRequest().setUrn(SETTINGS_URN).setId(session.emulator.computeUrl));
    expect(imported.getId()).toBe(`${session.emulator.computeUrl}/settings/registry`);
    const importedInputs = imported.getInputs()?.toJavaScript() as Record<string, Record<string, unknown>>;
    expect(Object.keys(importedInputs.specifications)).toEqual(["2 registry.example.com/ops/legacy:stable (linux)", "2 registry.example.com/team/app (linux)"]);
    expect(importedInputs.specifications["2 registry.example.com/ops/legacy:stable (linux)"]).toEqual({ version: "2", registry: "registry.example.com", repository: "ops/legacy", tag: "stable", os: "linux", cap: 1 });
    expect(session.emulator.requests().every((r) => r.method === "GET" || r.path.endsWith("/authenticate"))).toBe(true);

    await call(client, client.delete, new providerPb.DeleteRequest().setUrn(SETTINGS_URN).setId(created.getId()).setProperties(created.getProperties()));
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(legacy)]);
  });

  it("gives back every connector secret wrapped as a secret, even when the program passed it plain", async () => {
    await configure();
    const news = { vendor: "DOCKER", name: "team-docker", url: "https://registry.example.com", username: "robot", password: "plain-password-91c2", scanningMode: "CLOUD", region: "us-east-1", insecurePull: false, initialScanConfiguration: { mode: "ALL" } };
    const checked = await call<providerPb.CheckRequest, providerPb.CheckResponse>(client, client.check, new providerPb.CheckRequest().setUrn(CONNECTOR_URN).setNews(Struct.fromJavaScript(news as never)));
    expect(checked.getFailuresList()).toEqual([]);
    const inputs = checked.getInputs()?.toJavaScript() as Record<string, unknown>;
    expect(inputs.password).toEqual({ [SECRET_KEY]: expect.any(String), value: "plain-password-91c2" });
    expect(inputs.authToken).toEqual({ [SECRET_KEY]: expect.any(String), value: "" });
    const created = await call<providerPb.CreateRequest, providerPb.CreateResponse>(client, client.create, new providerPb.CreateRequest().setUrn(CONNECTOR_URN).setProperties(checked.getInputs()));
    expect(session.emulator.cortex.get(created.getId())?.body).toMatchObject({ name: "team-docker", password: "plain-password-91c2" });
    const outs = created.getProperties()?.toJavaScript() as Record<string, unknown>;
    expect(outs.password).toEqual({ [SECRET_KEY]: expect.any(String), value: "plain-password-91c2" });
    expect(outs.connectorId).toBe(created.getId());
  });

  it("keeps what a write left in the console when its answer is lost: the partial state holds typed entries and its records secret", async () => {
    await configure();
    const checked = await call<providerPb.CheckRequest, providerPb.CheckResponse>(client, client.check, new providerPb.CheckRequest().setUrn(SETTINGS_URN).setNews(Struct.fromJavaScript({ specifications: entries } as never)));
    // Every attempt is applied and then answered 500, as long as the retries go on.
    session.emulator.faults.failNext(50, 500, { method: "PUT", afterApply: true });
    const failure = await call<providerPb.CreateRequest, providerPb.CreateResponse>(client, client.create, new providerPb.CreateRequest().setUrn(SETTINGS_URN).setProperties(checked.getInputs())).then(
      () => undefined,
      (error: grpc.ServiceError) => error,
    );
    expect(failure?.details).toMatch(/HTTP 500/);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining({ repository: "team/app" })]);
    const [details] = failure?.metadata.get("grpc-status-details-bin") ?? [];
    const status = statusPb.Status.deserializeBinary(new Uint8Array(details as Buffer));
    const partial = providerPb.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue_asU8());
    expect(partial.getId()).toBe(`${session.emulator.computeUrl}/settings/registry`);
    const properties = partial.getProperties()?.toJavaScript() as Record<string, unknown>;
    expect(properties.specifications).toEqual({ app: entries.app });
    expect(properties.adoptionRecords).toMatchObject({ [SECRET_KEY]: expect.any(String) });
    expect(partial.getReasonsList()).toEqual([expect.stringMatching(/HTTP 500/)]);
  });

  it("refuses a provider setting it does not have, naming it, and an API error arrives as its message without a stack or a secret", async () => {
    const config = await call<providerPb.CheckRequest, providerPb.CheckResponse>(client, client.checkConfig, new providerPb.CheckRequest().setUrn("urn:pulumi:dev::infra::pulumi:providers:registryscanning::default").setNews(Struct.fromJavaScript({ computeURL: "https://x" } as never)));
    expect(config.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([["computeURL", expect.stringContaining('has no setting "computeURL"')]]);

    await configure({ computePassword: asSecret("wrong-password-55d1") });
    const failure = await call<providerPb.CreateRequest, providerPb.CreateResponse>(client, client.create, new providerPb.CreateRequest().setUrn(SETTINGS_URN).setProperties(Struct.fromJavaScript({ specifications: {}, mode: "managed", scanLater: false, releaseAdopted: "restore", adopted: {}, consoleChanges: {} } as never))).then(
      () => undefined,
      (error: grpc.ServiceError) => error,
    );
    expect(failure?.details).toMatch(/401/);
    // What to check, named as a plugin user sets it.
    expect(failure?.details).toMatch(/Check registryscanning:computeUsername and registryscanning:computePassword/);
    expect(failure?.details).not.toMatch(/\n\s+at /);
    expect(leaksSecret(failure?.details ?? "", "wrong-password-55d1")).toBe(false);
  });
});

describe("the plugin's translations", () => {
  it("maps provider settings to the dynamic resources' stack config keys, by property or by full key", () => {
    expect(stackConfigFromProviderConfig({ computeUrl: "https://c", "registryscanning:cortexApiKeyType": "standard", cortexRequestTimeoutSeconds: 30 })).toEqual({
      stackConfig: { "prismaCloudCompute:url": "https://c", "cortex:apiKeyType": "standard", "cortex:requestTimeoutSeconds": "30" },
      unknownKeys: [],
    });
    expect(stackConfigFromProviderConfig({ consoleUrl: "x", version: "0.1.0" }).unknownKeys).toEqual(["consoleUrl"]);
  });

  it("remembers which keys and which entries held a secret, and wraps them again", () => {
    const unwrapped = unwrapSecrets({ password: asSecret("p"), specifications: { a: { caCert: asSecret("pem") }, b: { tag: "x" } }, name: "n" });
    expect(unwrapped.value).toEqual({ password: "p", specifications: { a: { caCert: "pem" }, b: { tag: "x" } }, name: "n" });
    expect([...unwrapped.secretKeys]).toEqual(["password"]);
    expect([...(unwrapped.secretEntries.get("specifications") ?? [])]).toEqual(["a"]);
    expect(wrapSecrets(unwrapped.value, { keys: unwrapped.secretKeys, entries: unwrapped.secretEntries })).toEqual({
      password: asSecret("p"),
      specifications: { a: asSecret({ caCert: "pem" }), b: { tag: "x" } },
      name: "n",
    });
  });

  it("names settings in a message as a plugin user sets them", () => {
    expect(inPluginTerms("set cortex:apiKey, cortex:apiKeyId and prismaCloudCompute:url (or PRISMA_CLOUD_COMPUTE_URL)")).toBe(
      "set registryscanning:cortexApiKey, registryscanning:cortexApiKeyId and registryscanning:computeUrl (or PRISMA_CLOUD_COMPUTE_URL)",
    );
  });

  it("reads the type of a URN, a child's too, and the console of an import id", () => {
    expect(typeOfUrn(SETTINGS_URN)).toBe("registryscanning:compute:RegistrySettings");
    expect(typeOfUrn("urn:pulumi:dev::infra::my:Component$registryscanning:cortex:CortexRegistryConnector::c")).toBe("registryscanning:cortex:CortexRegistryConnector");
    expect(targetOfId("HTTPS://Console.Example.com:443/")).toEqual({ url: "https://console.example.com" });
    expect(targetOfId("https://console.example.com/settings/registry?project=team%20a")).toEqual({ url: "https://console.example.com", project: "team a" });
    expect(() => targetOfId("not a url")).toThrow(/an import id is the console's URL/);
  });
});
