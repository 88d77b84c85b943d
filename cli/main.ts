#!/usr/bin/env node
/**
 * `pulumi-registry-scanning export compute|cortex`: reads a live console or
 * tenant and writes a Pulumi program that declares what is there, so an
 * existing console comes under code in one step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ComputeClient } from "../provider/compute/computeClient";
import { resolveConnection as resolveComputeConnection, TIME_LIMIT_SETTINGS as COMPUTE_TIME_LIMITS } from "../provider/compute/connection";
import { CortexClient } from "../provider/cortex/cortexClient";
import { resolveConnection as resolveCortexConnection, TIME_LIMIT_SETTINGS as CORTEX_TIME_LIMITS } from "../provider/cortex/connection";
import { exportCompute } from "../provider/export/computeExport";
import { exportCortex } from "../provider/export/cortexExport";
import { startOperation } from "../provider/http/deadline";
import { resolveTimeLimits } from "../provider/timeLimits";

const HELP = `Usage:
  pulumi-registry-scanning export compute [--out DIR] [--url URL] [--project NAME] [--skip-credentials]
  pulumi-registry-scanning export cortex --connector-id ID [--connector-id ID ...] [--out DIR] [--api-url URL]

Reads a live Prisma Cloud Compute console (registry entries and credentials)
or Cortex tenant (the connectors you name: the API cannot list them) and
writes a Pulumi TypeScript program declaring what is there:

  compute  DIR/index.ts          RegistrySettings with every entry, named by
                                 what it scans, and a ComputeCredential per
                                 credential (adopt: true; secrets from stack
                                 config, never written to the file)
           DIR/registry-entries.csv  the entries in the bulk-inventory format
  cortex   DIR/index.ts          a CortexRegistryConnector per id, imported
                                 by its id; password and token from stack config

Connection settings come from the same environment variables the resources
read (PRISMA_CLOUD_COMPUTE_URL, _USERNAME, _PASSWORD, _PROJECT, ...;
CORTEX_API_URL, CORTEX_API_KEY, CORTEX_API_KEY_ID, CORTEX_API_KEY_TYPE), the
flags above overriding the URL and project. Passwords and keys are read only
from the environment.

Then: set the secrets it lists (pulumi config set --secret KEY), run
\`pulumi preview\` (every entry shows as adopted, nothing else changes) and
\`pulumi up\`.

Exit status: 0 written, 1 the console or tenant could not be read, 2 usage.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", default: "." },
        url: { type: "string" },
        project: { type: "string" },
        "api-url": { type: "string" },
        "connector-id": { type: "string", multiple: true },
        "skip-credentials": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [command, target] = positionals;
  if (command !== "export" || (target !== "compute" && target !== "cortex")) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  fs.mkdirSync(values.out, { recursive: true });
  try {
    return target === "compute" ? await exportComputeTo(values) : await exportCortexTo(values);
  } catch (error) {
    process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function exportComputeTo(values: { out: string; url?: string; project?: string; "skip-credentials": boolean }): Promise<number> {
  const flags: Record<string, string | undefined> = { "prismaCloudCompute:url": values.url, "prismaCloudCompute:project": values.project };
  const connection = resolveComputeConnection(undefined, flags, process.env);
  const limits = startOperation(resolveTimeLimits(COMPUTE_TIME_LIMITS, undefined, flags, process.env));
  const client = new ComputeClient(connection, limits);
  const started = Date.now();
  process.stderr.write(`Reading registry entries from ${connection.url}${connection.project ? ` (project ${connection.project})` : ""}...\n`);
  const entries = await client.getRegistryEntries();
  process.stderr.write(`  ${entries.length} entries read in ${seconds(started)}\n`);
  const credentials = values["skip-credentials"] ? [] : await client.listCredentials();
  if (!values["skip-credentials"]) process.stderr.write(`  ${credentials.length} credentials read\n`);
  const result = exportCompute(entries, credentials);
  fs.writeFileSync(path.join(values.out, "index.ts"), result.typescript);
  fs.writeFileSync(path.join(values.out, "registry-entries.csv"), result.csv);
  const lines = [
    `Wrote ${path.join(values.out, "index.ts")}: ${result.entries} entries, ${result.credentials} credentials (${seconds(started)} in all).`,
    `Wrote ${path.join(values.out, "registry-entries.csv")}: ${result.entries - result.notInCsv.length} entries${result.notInCsv.length ? ` (${result.notInCsv.length} with fields the CSV cannot hold are only in index.ts)` : ""}.`,
  ];
  if (result.duplicatesSkipped.length) lines.push(`Skipped ${result.duplicatesSkipped.length} duplicate entries (same registry, repository, tag and OS as an earlier one; the console keeps them): ${result.duplicatesSkipped.slice(0, 5).join("; ")}${result.duplicatesSkipped.length > 5 ? "; ..." : ""}`);
  if (result.credentialsSkipped.length) lines.push(`Skipped ${result.credentialsSkipped.length} credentials of a type ComputeCredential does not cover: ${result.credentialsSkipped.join(", ")}`);
  if (result.secretConfigKeys.length) lines.push(`Before \`pulumi up\`, set each credential's secret: ${result.secretConfigKeys.map((key) => `pulumi config set --secret ${key}`).join("; ")}`);
  process.stderr.write(`${lines.join("\n")}\n`);
  return 0;
}

async function exportCortexTo(values: { out: string; "api-url"?: string; "connector-id"?: string[] }): Promise<number> {
  const ids = values["connector-id"] ?? [];
  if (ids.length === 0) {
    process.stderr.write(`export cortex needs at least one --connector-id: the API cannot list connectors.\n\n${HELP}\n`);
    return 2;
  }
  const flags: Record<string, string | undefined> = { "cortex:apiUrl": values["api-url"] };
  const connection = resolveCortexConnection(undefined, flags, process.env);
  const limits = startOperation(resolveTimeLimits(CORTEX_TIME_LIMITS, undefined, flags, process.env));
  const client = new CortexClient(connection, limits);
  const found = [];
  const missing: string[] = [];
  for (const [index, connectorId] of ids.entries()) {
    process.stderr.write(`Reading connector ${index + 1}/${ids.length} (${connectorId})...\n`);
    const wire = await client.get(connectorId);
    if (wire) found.push({ connectorId, wire });
    else missing.push(connectorId);
  }
  if (missing.length > 0) {
    process.stderr.write(`export failed: no connector with id ${missing.join(", ")} in ${connection.apiUrl}; nothing was written.\n`);
    return 1;
  }
  const result = exportCortex(found);
  fs.writeFileSync(path.join(values.out, "index.ts"), result.typescript);
  process.stderr.write(
    `Wrote ${path.join(values.out, "index.ts")}: ${result.connectors} connectors.\n` +
      `Before \`pulumi up\`, set their credentials: ${result.secretConfigKeys.map((key) => `pulumi config set --secret ${key}`).join("; ")}\n`,
  );
  return 0;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
