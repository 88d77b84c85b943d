import { z } from "zod";
import { PLUGIN_COMPUTE_CREDENTIAL_TYPE, PLUGIN_CORTEX_CONNECTOR_TYPE, PLUGIN_PACKAGE, PLUGIN_REGISTRY_SETTINGS_TYPE, SECRET_INPUT_FIELDS } from "../../rules";
import { consoleArgsSchema } from "../compute/connection";
import { KIND_SCHEMAS } from "../compute/credentialBody";
import { commonSchema as credentialCommonSchema } from "../compute/credentialHandlers";
import { registryEntryFieldsSchema } from "../compute/registryEntry";
import { topLevelSchema as registrySettingsTopLevelSchema } from "../compute/registrySettingsInputs";
import { tenantArgsSchema } from "../cortex/connection";
import { connectorSchema } from "../cortex/connectorInputs";
import { DESCRIPTIONS } from "./descriptions";
import { providerConfigProperties, SECRET_PROVIDER_CONFIG } from "./providerConfig";

/*
 * The plugin's Pulumi package schema, built from the zod schemas the
 * handlers validate with, so the two cannot disagree: a field the handlers
 * take is a field the SDKs offer, with the same enums and required fields.
 */

export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  secret?: boolean;
}
interface ObjectSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

const jsonSchemaNode = z.looseObject({
  type: z.string().optional(),
  enum: z.array(z.unknown()).optional(),
  items: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  required: z.array(z.string()).optional(),
  additionalProperties: z.unknown().optional(),
});
type JsonSchemaNode = z.infer<typeof jsonSchemaNode>;

const ANY: PropertySpec = { $ref: "pulumi.json#/Any" };

/** Nested objects become named types, by the property that holds them. */
const TYPE_OF_PROPERTY: Readonly<Record<string, string>> = {
  console: "compute:Console",
  gitlabRegistrySpec: "compute:GitlabRegistrySpec",
  tenant: "cortex:Tenant",
  initialScanConfiguration: "cortex:InitialScanConfiguration",
  vendorSpecificConfiguration: "cortex:VendorSpecificConfiguration",
  timeouts: "index:Timeouts",
};

class SchemaBuilder {
  readonly types: Record<string, ObjectSpec> = {};

  /** Properties and required names of a zod object, each described (`holder` names the DESCRIPTIONS table). */
  objectOf(holder: string, schema: z.ZodType, skip: readonly string[] = []): ObjectSpec {
    const node = jsonSchemaNode.parse(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }));
    const properties: Record<string, PropertySpec> = {};
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (skip.includes(name)) continue;
      properties[name] = { ...this.propertyOf(name, jsonSchemaNode.parse(child), schema), description: describe(holder, name) };
    }
    const required = (node.required ?? []).filter((name) => name in properties && !hasDefault(node, name));
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
  }

  private propertyOf(name: string, node: JsonSchemaNode, parent: z.ZodType): PropertySpec {
    const typeToken = TYPE_OF_PROPERTY[name];
    if (typeToken !== undefined) return { $ref: `#/types/${PLUGIN_PACKAGE}:${typeToken}` };
    return this.valueOf(node, parent);
  }

  private valueOf(node: JsonSchemaNode, parent: z.ZodType): PropertySpec {
    switch (node.type) {
      case "string":
      case "boolean":
      case "integer":
      case "number":
        return { type: node.type };
      case "array":
        return { type: "array", items: node.items === undefined ? ANY : this.valueOf(jsonSchemaNode.parse(node.items), parent) };
      case "object":
        if (node.properties === undefined) {
          const values = node.additionalProperties;
          return { type: "object", additionalProperties: values && typeof values === "object" && Object.keys(values).length > 0 ? this.valueOf(jsonSchemaNode.parse(values), parent) : ANY };
        }
        return ANY;
      default:
        return ANY;
    }
  }

  addType(token: string, holder: string, schema: z.ZodType): void {
    this.types[`${PLUGIN_PACKAGE}:${token}`] = { ...this.objectOf(holder, schema), description: `${holder}: see the resources that use it.` };
  }
}

function hasDefault(node: JsonSchemaNode, name: string): boolean {
  const child = node.properties?.[name];
  return child !== null && typeof child === "object" && "default" in child;
}

function describe(holder: string, name: string): string {
  const description = DESCRIPTIONS[holder]?.[name];
  if (description === undefined) throw new Error(`schema: no description for ${holder}.${name} (add it to provider/plugin/descriptions.ts)`);
  return description;
}

function markSecret(properties: Record<string, PropertySpec>, names: readonly string[]): void {
  for (const name of names) if (properties[name]) properties[name] = { ...properties[name], secret: true };
}

/** Every kind's own fields, each optional: which apply is the kind's rule, judged by check. */
function credentialFieldsSchema(): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const kindSchema of Object.values(KIND_SCHEMAS)) for (const [field, fieldSchema] of Object.entries(kindSchema.shape)) shape[field] = (fieldSchema as z.ZodType).optional();
  return z.object(shape);
}

const timeoutsSchema = z.object({ requestSeconds: z.number().optional(), operationSeconds: z.number().optional() });

/** A resource: its inputs, and its outputs (inputs plus what the provider adds). */
function resourceSpec(description: string, inputs: ObjectSpec, outputOnly: Record<string, PropertySpec>, secrets: readonly string[]) {
  const inputProperties = { ...inputs.properties };
  const properties = { ...inputs.properties, ...outputOnly };
  markSecret(inputProperties, secrets);
  markSecret(properties, secrets);
  return {
    description,
    inputProperties,
    ...(inputs.required ? { requiredInputs: inputs.required } : {}),
    properties,
    required: Object.keys(outputOnly).filter((name) => name !== "consoleProject" && name !== "unconfirmedCreate"),
  };
}

/** The package schema the plugin serves from GetSchema, and `schema.json` holds. */
export function buildSchema(version: string): Record<string, unknown> {
  const builder = new SchemaBuilder();
  builder.addType("compute:Console", "Console", consoleArgsSchema);
  builder.addType("compute:GitlabRegistrySpec", "GitlabRegistrySpec", registryEntryFieldsSchema.shape.gitlabRegistrySpec.unwrap());
  builder.addType("compute:RegistryEntry", "RegistryEntry", registryEntryFieldsSchema);
  builder.addType("cortex:Tenant", "Tenant", tenantArgsSchema);
  builder.addType("cortex:InitialScanConfiguration", "InitialScanConfiguration", connectorSchema.shape.initialScanConfiguration);
  builder.addType("cortex:VendorSpecificConfiguration", "VendorSpecificConfiguration", connectorSchema.shape.vendorSpecificConfiguration.unwrap());
  builder.addType("index:Timeouts", "Timeouts", timeoutsSchema);
  markSecret(builder.types[`${PLUGIN_PACKAGE}:compute:Console`].properties, ["password", "caCert"]);
  markSecret(builder.types[`${PLUGIN_PACKAGE}:compute:RegistryEntry`].properties, ["caCert"]);
  markSecret(builder.types[`${PLUGIN_PACKAGE}:cortex:Tenant`].properties, ["apiKey", "apiKeyId"]);

  const entryRef: PropertySpec = { $ref: `#/types/${PLUGIN_PACKAGE}:compute:RegistryEntry` };
  const settingsTop = builder.objectOf("RegistrySettings", registrySettingsTopLevelSchema.extend({ timeouts: timeoutsSchema.optional() }));
  const settingsInputs: ObjectSpec = {
    type: "object",
    properties: {
      specifications: { type: "object", additionalProperties: entryRef, description: describe("RegistrySettings", "specifications") },
      ...settingsTop.properties,
    },
    required: ["specifications"],
  };
  const stringMap = (name: string): PropertySpec => ({ type: "object", additionalProperties: { type: "string" }, description: describe("RegistrySettings", name) });
  const settings = resourceSpec(
    "The registry scanning entries one stack declares in a Prisma Cloud Compute console's list, next to entries no program declares, which are never changed.",
    settingsInputs,
    {
      consoleUrl: { type: "string", description: describe("RegistrySettings", "consoleUrl") },
      consoleProject: { type: "string", description: describe("RegistrySettings", "consoleProject") },
      managedCount: { type: "integer", description: describe("RegistrySettings", "managedCount") },
      unmanagedCount: { type: "integer", description: describe("RegistrySettings", "unmanagedCount") },
      adopted: stringMap("adopted"),
      consoleChanges: stringMap("consoleChanges"),
      adoptionRecords: { ...stringMap("adoptionRecords"), secret: true },
    },
    SECRET_INPUT_FIELDS[PLUGIN_REGISTRY_SETTINGS_TYPE],
  );

  const connectorInputs = builder.objectOf("CortexRegistryConnector", connectorSchema, ["importConnectorId"]);
  // Each may be left out, not both (a registry takes a password, a token or both): check judges that.
  connectorInputs.required = connectorInputs.required?.filter((name) => name !== "password" && name !== "authToken");
  const connector = resourceSpec(
    "A Cortex Cloud registry connector: a registry the tenant scans.",
    connectorInputs,
    {
      connectorId: { type: "string", description: describe("CortexRegistryConnector", "connectorId") },
      apiUrl: { type: "string", description: describe("CortexRegistryConnector", "apiUrl") },
      unconfirmedCreate: { ...ANY, description: describe("CortexRegistryConnector", "unconfirmedCreate") },
    },
    SECRET_INPUT_FIELDS[PLUGIN_CORTEX_CONNECTOR_TYPE],
  );

  const credentialInputs = builder.objectOf("ComputeCredential", credentialCommonSchema.extend({ timeouts: timeoutsSchema.optional() }).extend(credentialFieldsSchema().shape));
  const credential = resourceSpec(
    "A credential in a Prisma Cloud Compute console's store, which registry entries pull with.",
    credentialInputs,
    { consoleUrl: { type: "string", description: describe("ComputeCredential", "consoleUrl") } },
    SECRET_INPUT_FIELDS[PLUGIN_COMPUTE_CREDENTIAL_TYPE],
  );

  const config: Record<string, PropertySpec> = {};
  for (const property of Object.keys(providerConfigProperties())) {
    config[property] = { type: "string", description: describe("provider", property) };
  }
  markSecret(config, SECRET_PROVIDER_CONFIG);

  return {
    name: PLUGIN_PACKAGE,
    displayName: "Registry scanning",
    version,
    description: "Container-registry scanning as code: Prisma Cloud Compute registry settings and credentials, and Cortex registry connectors.",
    keywords: ["pulumi", "prisma-cloud", "cortex", "registry", "scanning", "category/cloud"],
    license: "Apache-2.0",
    config: { variables: config },
    provider: { description: "Where the console and the tenant are, and their credentials.", inputProperties: config, properties: config },
    types: builder.types,
    resources: {
      [PLUGIN_REGISTRY_SETTINGS_TYPE]: settings,
      [PLUGIN_CORTEX_CONNECTOR_TYPE]: connector,
      [PLUGIN_COMPUTE_CREDENTIAL_TYPE]: credential,
    },
    language: {
      nodejs: { packageName: "@registryscanning/pulumi" },
      python: { packageName: "pulumi_registryscanning" },
      csharp: { rootNamespace: "RegistryScanning" },
    },
  };
}
