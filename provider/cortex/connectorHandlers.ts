import { isDeepStrictEqual } from "node:util";
import { forEngine, isUnknown, type CheckFailure } from "../validation/checkFailure";
import {
  CONNECTOR_FIELD_NAMES,
  fromWireConnector,
  toWireConnector,
  withApiDefaults,
  WRITE_ONLY_FIELDS,
  type ConnectorFields,
} from "./connectorBody";
import { diffConnector, importMismatches, type ConnectorOutputs } from "./connectorChanges";
import { checkConnectorInputs, type ConnectorInputs } from "./connectorInputs";
import {
  CortexConnectionError,
  ENVIRONMENT_VARIABLES,
  resolveApiUrl,
  resolveConnection,
  sameApiUrl,
  STACK_CONFIG_KEYS,
  TIME_LIMIT_SETTINGS,
  type TenantArgs,
} from "./connection";
import type { ProgressReport } from "../http/httpClient";
import { CortexClient, CreateOutcomeUnknownError, type CortexClientOptions } from "./cortexClient";
import { finishingSteps, UnconfirmedConnectorError, UnconfirmedCreateError, unconfirmedCreateOf } from "./unconfirmedCreate";
import { startOperation } from "../http/deadline";
import { checkTimeLimits, resolveTimeLimits, withTimeouts, type TimeoutsArgs } from "../timeLimits";

export type { ConnectorOutputs } from "./connectorChanges";
export type { ConnectorInputs } from "./connectorInputs";
/** Re-exported for the provider's `configure`, which loads this module only. */
export { stackConfigFrom } from "./connection";

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
  /** Status lines for the user while a step runs (the plugin's front door has a channel for them). */
  report?: ProgressReport;
}

/**
 * `olds` are the inputs the state holds, empty for a resource not in the
 * stack yet. As with Pulumi's own `import` option, an import id only matters
 * for a resource not in the stack: once it is, a replacement creates a new
 * connector rather than adopting the one it replaces.
 */
export function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  context: ProviderContext,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const { inputs, failures } = checkConnectorInputs(news);
  const inStack = Object.keys(olds ?? {}).some((key) => key !== "__provider");
  if (inStack) delete inputs.importConnectorId;
  const timeLimits = checkTimeLimits(news.timeouts, TIME_LIMIT_SETTINGS, context.stackConfig, context.environment);
  return { inputs: withTimeouts({ ...inputs }, timeLimits.timeouts), failures: forEngine([...failures, ...timeLimits.failures]) };
}

/**
 * A connector whose state has no `tenant` is reached through the configured
 * tenant (cortex:apiUrl / CORTEX_API_URL). Once that points elsewhere, a
 * replacement would create the new connector and then never be able to
 * delete the old one, so the move is refused before anything is done.
 */
export class ConnectorTenantMovedError extends Error {
  readonly code = "TENANT_MOVED";
  constructor(message: string) {
    super(message);
    this.name = "ConnectorTenantMovedError";
  }
}

export function diff(olds: ConnectorOutputs, news: ConnectorInputs, context: ProviderContext) {
  refuseUnconfirmed(olds, "update");
  const tenant: unknown = news.tenant;
  const tenantUnknown = isUnknown(tenant) || (tenant && typeof tenant === "object" && isUnknown((tenant as Record<string, unknown>).apiUrl));
  if (!tenantUnknown) refuseConfiguredTenantMove(olds, news.tenant, context);
  const newApiUrl = tenantUnknown ? "unknown" : resolveApiUrl(news.tenant, context.stackConfig, context.environment);
  // Create the new connector first, so scanning never stops; the old one is deleted after.
  return { ...diffConnector(olds, news, newApiUrl), deleteBeforeReplace: false };
}

/**
 * Throws when the connector is reached through the configured tenant (its
 * state has no `tenant`), that configuration now names another tenant, and
 * the program would not reach the old tenant through a `tenant` argument.
 */
function refuseConfiguredTenantMove(olds: ConnectorOutputs, newTenant: TenantArgs | undefined, context: ProviderContext): void {
  if (olds.tenant || !olds.apiUrl) return;
  const fromStackConfig = Boolean(context.stackConfig[STACK_CONFIG_KEYS.apiUrl]);
  const configured = resolveApiUrl(undefined, context.stackConfig, context.environment);
  if (configured === undefined || sameApiUrl(configured, olds.apiUrl)) return;
  if (newTenant && sameApiUrl(newTenant.apiUrl, olds.apiUrl)) return;
  const setting = fromStackConfig ? STACK_CONFIG_KEYS.apiUrl : ENVIRONMENT_VARIABLES.apiUrl;
  throw new ConnectorTenantMovedError(
    `This connector lives in the Cortex tenant ${olds.apiUrl}, but ${setting} now says ${configured}. ` +
      "The connector was created without a tenant argument of its own, so it is reached only through that setting: replacing it would create a new " +
      `connector and then be unable to delete the old one from ${olds.apiUrl}. Nothing was changed. Either:\n` +
      `  - restore the old ${setting} (${olds.apiUrl}) and its key; or\n` +
      `  - to move the connector, first give the resource a \`tenant\` argument with the old tenant's URL (${olds.apiUrl}) and credentials ` +
      "and run `pulumi up`, then change tenant.apiUrl to the new tenant: that replaces it cleanly (the new connector is created, then " +
      "the old one deleted with the old tenant's key); or\n" +
      `  - run \`pulumi state delete <urn>\` on this resource to forget it (the connector stays in ${olds.apiUrl}).`,
  );
}

export async function create(inputs: ConnectorInputs, context: ProviderContext): Promise<{ id: string; outs: ConnectorOutputs }> {
  const { client, apiUrl } = connect(inputs.tenant, undefined, context, inputs.timeouts);
  const configuration = configurationOf(inputs);
  const id = inputs.importConnectorId
    ? await adopt(client, inputs.importConnectorId, configuration, apiUrl)
    : await createOrRecordUnconfirmed(client, configuration, apiUrl, inputs);
  return { id, outs: outputsOf(configuration, inputs.tenant, id, apiUrl, inputs.timeouts) };
}

/** A create whose outcome is unknown fails, leaving a placeholder in the state that stops the next `pulumi up` from creating again. */
async function createOrRecordUnconfirmed(client: CortexClient, configuration: ConnectorFields, apiUrl: string, inputs: ConnectorInputs): Promise<string> {
  try {
    return await client.create(toWireConnector(configuration), configuration.name);
  } catch (error) {
    if (!(error instanceof CreateOutcomeUnknownError)) throw error;
    throw new UnconfirmedCreateError(
      `${error.message} This stack now records the connector as unconfirmed, so a plain \`pulumi up\` stops instead of creating a second one. ` +
        finishingSteps(configuration.name, "create"),
      configuration,
      { name: configuration.name, apiUrl, attemptedAt: new Date().toISOString(), reason: error.what },
      inputs,
    );
  }
}

/** A placeholder of an unconfirmed create takes no step until the user says whether the connector exists. */
function refuseUnconfirmed(olds: ConnectorOutputs, step: "update" | "delete"): void {
  const record = unconfirmedCreateOf(olds);
  if (record) throw new UnconfirmedConnectorError(record, step);
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
  // There is no id to read; a refresh must not drop the record that stops a second create.
  if (unconfirmedCreateOf(olds)) return { id, props: olds };
  const { client } = connect(olds.tenant, olds.apiUrl, context, olds.timeouts);
  const remote = await client.get(id);
  if (!remote) return { id: "", props: {} };
  const refreshed = withApiDefaults(fromWireConnector(remote));
  // Only the fields the state holds (the program's), with the tenant's current values: a field the tenant
  // fills in that the program never set would otherwise show as a change, or even a replacement, on the next preview.
  // With no state at all (a read by id alone), everything the tenant reports is the connector.
  const kept = CONNECTOR_FIELD_NAMES.filter((field) => olds[field] !== undefined && olds[field] !== null);
  const fields = kept.length > 0 ? kept : CONNECTOR_FIELD_NAMES;
  const configuration: Record<string, unknown> = {};
  for (const field of fields) {
    if (refreshed[field] !== undefined) configuration[field] = refreshed[field];
  }
  // The API never returns the credentials: the state keeps the ones last written.
  for (const field of WRITE_ONLY_FIELDS) if (olds[field] !== undefined) configuration[field] = olds[field];
  if (refreshed.caCertificate === undefined && olds.caCertificate !== undefined) configuration.caCertificate = olds.caCertificate;
  const props = outputsOf(configuration as unknown as ConnectorFields, olds.tenant, id, olds.apiUrl, olds.timeouts);
  const { connectorId: _id, apiUrl: _apiUrl, ...inputs } = props;
  return { id, props, inputs };
}

export async function update(id: string, olds: ConnectorOutputs, news: ConnectorInputs, context: ProviderContext) {
  refuseUnconfirmed(olds, "update");
  const { client, apiUrl } = connect(news.tenant, olds.apiUrl, context, news.timeouts);
  const configuration = configurationOf(news);
  const body = toWireConnector(configuration);
  // A new tenant key or time limit alone changes the state, not the connector.
  if (!isDeepStrictEqual(body, toWireConnector(configurationOf(olds)))) await client.update(id, body);
  return { outs: outputsOf(configuration, news.tenant, id, apiUrl, news.timeouts) };
}

export async function remove(id: string, olds: ConnectorOutputs, context: ProviderContext): Promise<void> {
  refuseUnconfirmed(olds, "delete");
  const { client } = connect(olds.tenant, olds.apiUrl, context, olds.timeouts);
  // A connector already deleted (in the console, or by an earlier attempt whose answer was lost) is the goal reached.
  await client.remove(id);
}

/**
 * The client for the tenant these inputs name. With `expectedApiUrl` (the
 * tenant the connector lives in, from the state), a configuration now
 * pointing elsewhere is refused rather than asking the wrong tenant.
 */
function connect(tenant: TenantArgs | undefined, expectedApiUrl: string | undefined, context: ProviderContext, timeouts: TimeoutsArgs | undefined) {
  // The operation's clock starts here: waits for the tenant's rate limit count against it.
  const limits = startOperation(resolveTimeLimits(TIME_LIMIT_SETTINGS, timeouts, context.stackConfig, context.environment));
  const connection = resolveConnection(tenant, context.stackConfig, context.environment);
  if (expectedApiUrl !== undefined && !sameApiUrl(connection.apiUrl, expectedApiUrl)) {
    throw new CortexConnectionError(
      `This connector lives in the Cortex tenant ${expectedApiUrl}, but the tenant configured now is ${connection.apiUrl}. ` +
        "Point cortex:apiUrl (and its key) back at the connector's tenant, or give the resource that tenant, and run the command again.",
    );
  }
  return { client: new CortexClient(connection, limits, { ...context.clientOptions, report: context.report }), apiUrl: connection.apiUrl };
}

function configurationOf(inputs: Partial<ConnectorFields>): ConnectorFields {
  const configuration: Record<string, unknown> = {};
  for (const field of CONNECTOR_FIELD_NAMES) if (inputs[field] !== undefined && inputs[field] !== null) configuration[field] = inputs[field];
  return configuration as unknown as ConnectorFields;
}

function outputsOf(
  configuration: ConnectorFields,
  tenant: TenantArgs | undefined,
  connectorId: string,
  apiUrl: string,
  timeouts: TimeoutsArgs | undefined,
): ConnectorOutputs {
  const outputs: ConnectorOutputs = { ...configurationOf(configuration), connectorId, apiUrl };
  if (tenant) outputs.tenant = tenant;
  return withTimeouts(outputs, timeouts);
}
