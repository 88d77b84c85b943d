import { isDeepStrictEqual } from "node:util";
import { isUnknown, type CheckFailure } from "../validation/checkFailure";
import { CONNECTOR_FIELD_NAMES, fromWireConnector, toWireConnector, withApiDefaults, type ConnectorFields } from "./connectorBody";
import { diffConnector, importMismatches, type ConnectorOutputs } from "./connectorChanges";
import { checkConnectorInputs, type ConnectorInputs } from "./connectorInputs";
import { CortexConnectionError, resolveApiUrl, resolveConnection, type TenantArgs } from "./connection";
import { CortexClient, type CortexClientOptions } from "./cortexClient";

export type { ConnectorOutputs } from "./connectorChanges";
export type { ConnectorInputs } from "./connectorInputs";

/** An `import` that cannot adopt the connector: no such id, or the program does not describe it as it is. */
export class ConnectorImportError extends Error {
  constructor(
    readonly code: "IMPORT_NOT_FOUND" | "IMPORT_MISMATCH",
    message: string,
  ) {
    super(message);
    this.name = "ConnectorImportError";
  }
}

export interface ProviderContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
  clientOptions?: CortexClientOptions;
}

/**
 * `olds` are the inputs the state holds, empty for a resource not in the
 * stack yet. As with Pulumi's own `import` option, an import id only matters
 * for a resource not in the stack: once it is, a replacement creates a new
 * connector rather than adopting the one it replaces.
 */
export function check(olds: Record<string, unknown>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const { inputs, failures } = checkConnectorInputs(news);
  const inStack = Object.keys(olds ?? {}).some((key) => key !== "__provider");
  if (inStack) delete inputs.importConnectorId;
  return { inputs: { ...inputs }, failures };
}

export function diff(olds: ConnectorOutputs, news: ConnectorInputs, context: ProviderContext) {
  const tenant: unknown = news.tenant;
  const newApiUrl =
    isUnknown(tenant) || (tenant && typeof tenant === "object" && isUnknown((tenant as Record<string, unknown>).apiUrl))
      ? "unknown"
      : resolveApiUrl(news.tenant, context.stackConfig, context.environment);
  // Create the new connector first, so scanning never stops; the old one is deleted after.
  return { ...diffConnector(olds, news, newApiUrl), deleteBeforeReplace: false };
}

export async function create(inputs: ConnectorInputs, context: ProviderContext): Promise<{ id: string; outs: ConnectorOutputs }> {
  const { client, apiUrl } = connect(inputs.tenant, undefined, context);
  const configuration = configurationOf(inputs);
  const body = toWireConnector(configuration);
  const id = inputs.importConnectorId
    ? await adopt(client, inputs.importConnectorId, configuration, apiUrl)
    : await client.create(body, configuration.name);
  return { id, outs: outputsOf(configuration, inputs.tenant, id, apiUrl) };
}

/**
 * Brings an existing connector under management (the `import` resource
 * option): it must exist and match the program, then the declared
 * configuration is written so that the state's secrets are the tenant's.
 */
async function adopt(client: CortexClient, connectorId: string, configuration: ConnectorFields, apiUrl: string): Promise<string> {
  const remote = await client.get(connectorId);
  if (!remote) {
    throw new ConnectorImportError(
      "IMPORT_NOT_FOUND",
      `There is no registry connector with id "${connectorId}" in the Cortex tenant ${apiUrl}, so it cannot be imported. ` +
        "Check the id in the Cortex console (and that cortex:apiUrl or the resource's tenant points at the tenant that holds it).",
    );
  }
  const problems = importMismatches(fromWireConnector(toWireConnector(configuration)), withApiDefaults(fromWireConnector(remote)));
  if (problems.length > 0) {
    throw new ConnectorImportError(
      "IMPORT_MISMATCH",
      `Registry connector "${connectorId}" cannot be imported as declared: importing must not change it, and the program differs from it:\n` +
        `  - ${problems.join("\n  - ")}\n` +
        "Declare the connector as it is (or change it in the console), then run `pulumi up` again. Once it is in the stack, remove the `import` option.",
    );
  }
  await client.update(connectorId, toWireConnector(configuration));
  return connectorId;
}

export async function read(id: string, olds: ConnectorOutputs, context: ProviderContext) {
  const { client } = connect(olds.tenant, olds.apiUrl, context);
  const remote = await client.get(id);
  if (!remote) return { id: "", props: {} };
  const refreshed = withApiDefaults(fromWireConnector(remote));
  // The API never returns the credentials: the state keeps the ones last written.
  const configuration = { ...refreshed, password: olds.password, authToken: olds.authToken } as ConnectorFields;
  if (refreshed.caCertificate === undefined && olds.caCertificate !== undefined) configuration.caCertificate = olds.caCertificate;
  const props = outputsOf(configuration, olds.tenant, id, olds.apiUrl);
  const { connectorId: _id, apiUrl: _apiUrl, ...inputs } = props;
  return { id, props, inputs };
}

export async function update(id: string, olds: ConnectorOutputs, news: ConnectorInputs, context: ProviderContext) {
  const { client, apiUrl } = connect(news.tenant, olds.apiUrl, context);
  const configuration = configurationOf(news);
  const body = toWireConnector(configuration);
  // A new tenant key alone changes the state, not the connector.
  if (!isDeepStrictEqual(body, toWireConnector(configurationOf(olds)))) await client.update(id, body);
  return { outs: outputsOf(configuration, news.tenant, id, apiUrl) };
}

export async function remove(id: string, olds: ConnectorOutputs, context: ProviderContext): Promise<void> {
  const { client } = connect(olds.tenant, olds.apiUrl, context);
  // A connector already deleted (in the console, or by an earlier attempt whose answer was lost) is the goal reached.
  await client.remove(id);
}

/**
 * The client for the tenant these inputs name. With `expectedApiUrl` (the
 * tenant the connector lives in, from the state), a configuration now
 * pointing elsewhere is refused rather than asking the wrong tenant.
 */
function connect(tenant: TenantArgs | undefined, expectedApiUrl: string | undefined, context: ProviderContext) {
  const connection = resolveConnection(tenant, context.stackConfig, context.environment);
  if (expectedApiUrl !== undefined && connection.apiUrl !== expectedApiUrl) {
    throw new CortexConnectionError(
      `This connector lives in the Cortex tenant ${expectedApiUrl}, but the tenant configured now is ${connection.apiUrl}. ` +
        "Point cortex:apiUrl (and its key) back at the connector's tenant, or give the resource that tenant, and run the command again.",
    );
  }
  return { client: new CortexClient(connection, context.clientOptions), apiUrl: connection.apiUrl };
}

function configurationOf(inputs: Partial<ConnectorFields>): ConnectorFields {
  const configuration: Record<string, unknown> = {};
  for (const field of CONNECTOR_FIELD_NAMES) if (inputs[field] !== undefined && inputs[field] !== null) configuration[field] = inputs[field];
  return configuration as unknown as ConnectorFields;
}

function outputsOf(configuration: ConnectorFields, tenant: TenantArgs | undefined, connectorId: string, apiUrl: string): ConnectorOutputs {
  const outputs: ConnectorOutputs = { ...configurationOf(configuration), connectorId, apiUrl };
  if (tenant) outputs.tenant = tenant;
  return outputs;
}
