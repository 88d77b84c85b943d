import { COMPUTE_CREDENTIAL_SECRET_FIELDS, CORTEX_SECRET_FIELDS, PLUGIN_COMPUTE_CREDENTIAL_TYPE, PLUGIN_CORTEX_CONNECTOR_TYPE, PLUGIN_REGISTRY_SETTINGS_TYPE } from "../../rules";
import { decodeEntryFields, encodeEntryFields } from "../compute/entryEncoding";
import * as credentials from "../compute/credentialHandlers";
import * as registrySettings from "../compute/registrySettingsHandlers";
import * as connectors from "../cortex/connectorHandlers";
import { containsUnknown, isUnknown, UNKNOWN_VALUE, type CheckFailure } from "../validation/checkFailure";
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

const registrySettingsResource: PluginResource = {
  async check(olds, news, context) {
    const result = await registrySettings.check(entriesAsText(olds) as Loose, entriesAsText(news), context);
    return { inputs: entriesAsObjects(result.inputs), failures: result.failures };
  },
  async diff(_id, olds, news, context) {
    return registrySettings.diff(entriesAsText(olds) as Loose, entriesAsText(news) as Loose, context);
  },
  async create(inputs, context) {
    const { id, outs } = await registrySettings.create(entriesAsText(inputs) as Loose, context);
    return { id, outs: entriesAsObjects(outs as Loose) };
  },
  async read(id, state, context) {
    const result = Object.keys(state).length === 0 ? await registrySettings.importList(id, context) : await registrySettings.read(id, entriesAsText(state) as Loose, context);
    return { id: result.id, props: entriesAsObjects(result.props as Loose), inputs: entriesAsObjects(result.inputs as Loose) };
  },
  async update(id, olds, news, context) {
    const { outs } = await registrySettings.update(id, entriesAsText(olds) as Loose, entriesAsText(news) as Loose, context);
    return { outs: entriesAsObjects(outs as Loose) };
  },
  async delete(_id, olds, context) {
    await registrySettings.remove(entriesAsText(olds) as Loose, context);
  },
  secretOutputs: (outs) => ({ keys: ["console", "adoptionRecords"], entries: new Map([["specifications", entriesWithCaCert(outs)]]) }),
};

/**
 * The schema lets a program leave out the password or the token (a YAML or
 * Python user writes only the one the registry takes); the handlers, like the
 * TypeScript SDK, take both, an empty one meaning "none".
 */
function withBothCredentials(news: Properties): Properties {
  return { ...news, password: news.password ?? "", authToken: news.authToken ?? "" };
}

const connectorResource: PluginResource = {
  async check(olds, news, context) {
    return connectors.check(olds, withBothCredentials(news), context);
  },
  async diff(_id, olds, news, context) {
    return connectors.diff(olds as Loose, news as Loose, context);
  },
  async create(inputs, context) {
    return connectors.create(inputs as Loose, context);
  },
  async read(id, state, context) {
    return connectors.read(id, state as Loose, context);
  },
  async update(id, olds, news, context) {
    return connectors.update(id, olds as Loose, news as Loose, context);
  },
  async delete(id, olds, context) {
    await connectors.remove(id, olds as Loose, context);
  },
  secretOutputs: () => ({ keys: [...CORTEX_SECRET_FIELDS, "tenant"] }),
};

const credentialResource: PluginResource = {
  async check(olds, news, context) {
    return credentials.check(olds, news, context);
  },
  async diff(_id, olds, news, context) {
    return credentials.diff(olds as Loose, news as Loose, context);
  },
  async create(inputs, context) {
    return credentials.create(inputs as Loose, context);
  },
  async read(id, state, context) {
    return credentials.read(id, state as Loose, context);
  },
  async update(id, olds, news, context) {
    return credentials.update(id, olds as Loose, news as Loose, context);
  },
  async delete(id, olds, context) {
    await credentials.remove(id, olds as Loose, context);
  },
  secretOutputs: () => ({ keys: [...COMPUTE_CREDENTIAL_SECRET_FIELDS, "console"] }),
};

/** The plugin's resources by type token. */
export const PLUGIN_RESOURCES: Readonly<Record<string, PluginResource>> = {
  [PLUGIN_REGISTRY_SETTINGS_TYPE]: registrySettingsResource,
  [PLUGIN_CORTEX_CONNECTOR_TYPE]: connectorResource,
  [PLUGIN_COMPUTE_CREDENTIAL_TYPE]: credentialResource,
};
