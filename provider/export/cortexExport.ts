import { fromWireConnector, withApiDefaults, type WireConnector } from "../cortex/connectorBody";
import { CORTEX_WRITE_ONLY_FIELDS } from "../../rules";

/** Connectors as a program that imports each by id; the credentials the API never returns come from stack config. */
export interface CortexExport {
  typescript: string;
  connectors: number;
  /** Stack config keys to set with `pulumi config set --secret` before `pulumi up`. */
  secretConfigKeys: string[];
}

export function exportCortex(connectors: readonly { connectorId: string; wire: WireConnector }[]): CortexExport {
  const secretConfigKeys: string[] = [];
  const lines = connectors.map(({ connectorId, wire }) => {
    const fields: Record<string, unknown> = { ...withApiDefaults(fromWireConnector(wire)) };
    const args = Object.entries(fields)
      .filter(([key, value]) => value !== undefined && !(CORTEX_WRITE_ONLY_FIELDS as readonly string[]).includes(key))
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    for (const field of CORTEX_WRITE_ONLY_FIELDS) {
      const key = `${connectorId.replace(/[^A-Za-z0-9_-]/g, "_")}-${field}`;
      secretConfigKeys.push(key);
      args.push(`${field}: config.requireSecret(${JSON.stringify(key)})`);
    }
    return `new CortexRegistryConnector(${JSON.stringify(`connector-${connectorId}`)}, { ${args.join(", ")} }, { import: ${JSON.stringify(connectorId)} });`;
  });
  const typescript = [
    "// Written by `pulumi-registry-scanning export cortex`: the connectors as the tenant held them, each imported by its id.",
    "// Remove each `import` option once the connector is in the stack.",
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { CortexRegistryConnector } from "pulumi-registry-scanning";`,
    "",
    "const config = new pulumi.Config();",
    ...lines,
    "",
  ].join("\n");
  return { typescript, connectors: lines.length, secretConfigKeys };
}
