/**
 * The plugin's schema is built from the zod schemas the handlers validate
 * with; schema.json is that build, written for `pulumi package add` and docs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../dist/provider/plugin/schema";
import { registryEntryFieldsSchema } from "../../dist/provider/compute/registryEntry";
import { connectorSchema } from "../../dist/provider/cortex/connectorInputs";
import { PLUGIN_CORTEX_CONNECTOR_TYPE, PLUGIN_REGISTRY_SETTINGS_TYPE } from "../../dist/rules";

const root = path.resolve(__dirname, "../..");
const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const schema = buildSchema(version) as {
  resources: Record<string, { inputProperties: Record<string, { description?: string; secret?: boolean }>; requiredInputs?: string[] }>;
  types: Record<string, { properties: Record<string, { description?: string; secret?: boolean }>; required?: string[] }>;
  config: { variables: Record<string, { secret?: boolean }> };
};

describe("the plugin's schema", () => {
  it("is what schema.json holds (run `npm run schema` after changing a zod schema or a description)", () => {
    expect(JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"))).toEqual(schema);
  });

  it("offers exactly the fields the handlers take, with the same required ones", () => {
    const entry = schema.types["registryscanning:compute:RegistryEntry"];
    expect(Object.keys(entry.properties).sort()).toEqual(Object.keys(registryEntryFieldsSchema.shape).sort());
    expect(entry.required).toEqual(["version"]);
    const connector = schema.resources[PLUGIN_CORTEX_CONNECTOR_TYPE];
    expect(Object.keys(connector.inputProperties).sort()).toEqual(Object.keys(connectorSchema.shape).filter((name) => name !== "importConnectorId").sort());
    expect(connector.requiredInputs?.sort()).toEqual(["initialScanConfiguration", "insecurePull", "name", "region", "scanningMode", "url", "username", "vendor"]);
  });

  it("describes every property and marks every secret", () => {
    for (const holder of [...Object.values(schema.resources).map((r) => r.inputProperties), ...Object.values(schema.types).map((t) => t.properties)]) {
      for (const [name, property] of Object.entries(holder)) expect(property.description, name).toMatch(/\S/);
    }
    const connector = schema.resources[PLUGIN_CORTEX_CONNECTOR_TYPE].inputProperties;
    expect([connector.password.secret, connector.authToken.secret, connector.caCertificate.secret, connector.tenant.secret]).toEqual([true, true, true, true]);
    expect(schema.resources[PLUGIN_REGISTRY_SETTINGS_TYPE].inputProperties.console.secret).toBe(true);
    expect(schema.types["registryscanning:compute:RegistryEntry"].properties.caCert.secret).toBe(true);
    expect(schema.config.variables.computePassword.secret).toBe(true);
    expect(schema.config.variables.cortexApiKey.secret).toBe(true);
  });
});
