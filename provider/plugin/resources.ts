import { PLUGIN_COMPUTE_CREDENTIAL_TYPE, PLUGIN_CORTEX_CONNECTOR_TYPE, PLUGIN_REGISTRY_SETTINGS_TYPE, SECRET_INPUT_FIELDS } from "../../rules";
import { decodeEntryFields, encodeEntryFields } from "../compute/entryEncoding";
import * as credentials from "../compute/credentialHandlers";
import * as registrySettings from "../compute/registrySettingsHandlers";
import * as connectors from "../cortex/connectorHandlers";
import { containsUnknown, isUnknown, UNKNOWN_VALUE, type CheckFailure } from "../validation/checkFailure";
import type { PartialStateError } from "../hostErrors";
import type { ProgressReport } from "../http/httpClient";
import type { SecretMarks } from "./propertyValues";

/** What every handler of every resource is given: the provider's configuration and the environment. */
export interface HandlerContext {
  stackConfig: Record<string, string | undefined>;
  environment: Record<string, string | undefined>;
  /** Status lines for the user while a step runs (see server.ts). */
  report?: ProgressReport;
}

type Properties = Record<string, unknown>;

/**
 * One resource as the plugin serves it: the very handlers the dynamic
 * resources use, with the plugin's property shapes translated at the edge.
 */
export interface PluginResource {
  check(olds: Properties, news: Properties, context: HandlerContext): Promise<{ inputs: Properties; failures: CheckFailure[] }>;
  /** `changes` undefined: changes, the engine works out which from the old and new inputs (and shows only those). */
  diff(id: string, olds: Properties, news: Properties, context: HandlerContext): Promise<{ changes: boolean | undefined; replaces: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Properties, context: HandlerContext): Promise<{ id: string; outs: object }>;
  /** `state` empty: a read by id alone (`pulumi import`). An empty id: it is gone. */
  read(id: string, state: Properties, context: HandlerContext): Promise<{ id: string; props: object; inputs?: object }>;
  update(id: string, olds: Properties, news: Properties, context: HandlerContext): Promise<{ outs: object }>;
  delete(id: string, olds: Properties, context: HandlerContext): Promise<void>;
  /** Outputs that are secret whatever the program passed (as the schema marks them). */
  secretOutputs(outs: Properties): SecretMarks;
}

// The handlers type their inputs precisely; these shells hand over what the engine checked with the same handlers.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;

/**
 * RegistrySettings entries are typed objects here (a Python or YAML program
 * writes them natively) and canonical JSON strings in the handlers (see
 * entryEncoding.ts): translated both ways at the edge, so the state holds
 * objects and the engine's diff of old and new inputs reads per entry and field.
 */
function entriesAsText(properties: Properties): Properties {
  const specifications = properties.specifications;
  if (specifications === null || typeof specifications !== "object" || Array.isArray(specifications)) return properties;
  const encoded = Object.fromEntries(
    Object.entries(specifications as Properties).map(([name, fields]) => [
      name,
      isUnknown(fields) || containsUnknown(fields) ? UNKNOWN_VALUE : typeof fields === "string" ? fields : encodeEntryFields(fields as object),
    ]),
  );
  return { ...properties, specifications: encoded };
}

function entriesAsObjects(properties: Properties): Properties {
  const specifications = properties.specifications;
  if (specifications === null || typeof specifications !== "object" || Array.isArray(specifications)) return properties;
  const decoded = Object.fromEntries(
    Object.entries(specifications as Properties).map(([name, text]) => [name, typeof text === "string" && !isUnknown(text) ? decodeEntryFields(text) : text]),
  );
  return { ...properties, specifications: decoded };
}

/** Entries that carry a CA certificate are secret as a whole, as the TypeScript SDK marks them. */
function entriesWithCaCert(outs: Properties): Set<string> {
  const specifications = outs.specifications;
  if (specifications === null || typeof specifications !== "object") return new Set();
  return new Set(
    Object.entries(specifications as Properties)
      .filter(([, fields]) => fields !== null && typeof fields === "object" && (fields as Properties).caCert !== undefined)
      .map(([name]) => name),
  );
}

/**
 * A failed write that left entries in the console carries the state to keep
 * (see WrittenThenFailedError): its entries become objects too, like every
 * other state of the plugin's.
 */
function withEntriesAsObjects(error: unknown): unknown {
  const partial = error as Partial<PartialStateError> | null;
  if (!(error instanceof Error) || typeof partial?.id !== "string" || partial.properties === undefined) return error;
  return Object.assign(new Error(error.message), { id: partial.id, properties: entriesAsObjects(partial.properties), reasons: partial.reasons ?? [error.message] });
}

const registrySettingsResource: PluginResource = {
  async check(olds, news, context) {
    const result = await registrySettings.check(entriesAsText(olds) as Loose, entriesAsText(news), context);
    return { inputs: entriesAsObjects(result.inputs), failures: result.failures };
  },
  async diff(_id, olds, news, context) {
    return registrySettings.diff(entriesAsText(olds) as Loose, entriesAsText(news) as Loose, context);
  },
  async create(inputs, context) {
    const { id, outs } = await registrySettings.create(entriesAsText(inputs) as Loose, context).catch((error: unknown) => {
      throw withEntriesAsObjects(error);
    });
    return { id, outs: entriesAsObjects(outs as Loose) };
  },
  async read(id, state, context) {
    const result = Object.keys(state).length === 0 ? await registrySettings.importList(id, context) : await registrySettings.read(id, entriesAsText(state) as Loose, context);
    return { id: result.id, props: entriesAsObjects(result.props as Loose), inputs: entriesAsObjects(result.inputs as Loose) };
  },
  async update(id, olds, news, context) {
    const { outs } = await registrySettings.update(id, entriesAsText(olds) as Loose, entriesAsText(news) as Loose, context).catch((error: unknown) => {
      throw withEntriesAsObjects(error);
    });
    return { outs: entriesAsObjects(outs as Loose) };
  },
  async delete(_id, olds, context) {
    await registrySettings.remove(entriesAsText(olds) as Loose, context);
  },
  secretOutputs: (outs) => ({
    keys: [...SECRET_INPUT_FIELDS[PLUGIN_REGISTRY_SETTINGS_TYPE], "adoptionRecords"],
    entries: new Map([["specifications", entriesWithCaCert(outs)]]),
  }),
};

/**
 * The schema lets a program leave out the password or the token (a YAML or
 * Python user writes only the one the registry takes); the handlers, like the
 * TypeScript SDK, take both, an empty one meaning "none".
 */
function withBothCredentials(news: Properties): Properties {
  return { ...news, password: news.password ?? "", authToken: news.authToken ?? "" };
}

/** The handlers of a resource whose properties the plugin and the dynamic front door share as they are. */
interface SharedHandlers {
  check(olds: Properties, news: Properties, context: HandlerContext): { inputs: Properties; failures: CheckFailure[] };
  diff(olds: Loose, news: Loose, context: HandlerContext): { changes: boolean | undefined; replaces: string[]; deleteBeforeReplace?: boolean };
  create(inputs: Loose, context: HandlerContext): Promise<{ id: string; outs: object }>;
  read(id: string, olds: Loose, context: HandlerContext): Promise<{ id: string; props: object; inputs?: object }>;
  update(id: string, olds: Loose, news: Loose, context: HandlerContext): Promise<{ outs: object }>;
  remove(id: string, olds: Loose, context: HandlerContext): Promise<void>;
}

/** A resource served with its handlers as they are; `prepare` fills in what the schema lets a program leave out. */
function servedAsIs(handlers: SharedHandlers, secretKeys: readonly string[], prepare: (news: Properties) => Properties = (news) => news): PluginResource {
  return {
    check: async (olds, news, context) => handlers.check(olds, prepare(news), context),
    diff: async (_id, olds, news, context) => handlers.diff(olds, news, context),
    create: (inputs, context) => handlers.create(inputs, context),
    read: (id, state, context) => handlers.read(id, state, context),
    update: (id, olds, news, context) => handlers.update(id, olds, news, context),
    delete: (id, olds, context) => handlers.remove(id, olds, context),
    secretOutputs: () => ({ keys: secretKeys }),
  };
}

const connectorResource = servedAsIs(connectors, SECRET_INPUT_FIELDS[PLUGIN_CORTEX_CONNECTOR_TYPE], withBothCredentials);
const credentialResource = servedAsIs(credentials, SECRET_INPUT_FIELDS[PLUGIN_COMPUTE_CREDENTIAL_TYPE]);

/** The plugin's resources by type token. */
export const PLUGIN_RESOURCES: Readonly<Record<string, PluginResource>> = {
  [PLUGIN_REGISTRY_SETTINGS_TYPE]: registrySettingsResource,
  [PLUGIN_CORTEX_CONNECTOR_TYPE]: connectorResource,
  [PLUGIN_COMPUTE_CREDENTIAL_TYPE]: credentialResource,
};
