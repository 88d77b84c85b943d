import type { StoredCredential } from "../compute/computeClient";
import { CREDENTIAL_SECRET_FIELDS, fieldsOfKind, fromWireCredential, type CredentialKind } from "../compute/credentialBody";
import { declarableEntries, describeIdentity, fromWireEntry, type WireEntry } from "../compute/registryEntry";

/** What an export of a console produced, and what it could not carry. */
export interface ComputeExport {
  /** A Pulumi TypeScript program declaring the console's credentials and entries. */
  typescript: string;
  /** The entries in the bulk-inventory example's CSV format, those it can hold. */
  csv: string;
  entries: number;
  credentials: number;
  /** Console entries with the identity of an earlier one: the console scans them twice; the first is declared. */
  duplicatesSkipped: string[];
  /** Entries the CSV format cannot hold (fields beyond its columns); the TypeScript declares them. */
  notInCsv: string[];
  /** Credentials of a type no ComputeCredential kind covers, left out. */
  credentialsSkipped: string[];
  /** Stack config keys the program reads the credentials' secrets from, to set with `pulumi config set --secret`. */
  secretConfigKeys: string[];
}

const CSV_COLUMNS = ["name", "version", "registry", "repository", "tag", "os", "cap", "scanners", "collections", "credentialId"] as const;

/** The program and CSV that declare `entries` and `credentials` as the console holds them. */
export function exportCompute(entries: readonly WireEntry[], credentials: readonly StoredCredential[]): ComputeExport {
  const { declared: firsts, duplicates } = declarableEntries(entries);
  const duplicatesSkipped = duplicates.map(describeIdentity);
  const declared = firsts.map(({ name, wire }) => ({ name, fields: fromWireEntry(wire) }));

  const credentialsSkipped: string[] = [];
  const secretConfigKeys: string[] = [];
  const credentialLines: string[] = [];
  for (const stored of credentials) {
    const fields = fromWireCredential(stored);
    if (!fields) {
      credentialsSkipped.push(`${stored._id} (type ${String(stored.type)})`);
      continue;
    }
    const args: string[] = [`credentialId: ${JSON.stringify(stored._id)}`, `adopt: true`];
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) args.push(`${key}: ${JSON.stringify(value)}`);
    for (const secretField of secretFieldsOf(fields.kind as CredentialKind)) {
      const key = configKeyOf(stored._id, secretField);
      secretConfigKeys.push(key);
      args.push(`${secretField}: config.requireSecret(${JSON.stringify(key)})`);
    }
    credentialLines.push(`new ComputeCredential(${JSON.stringify(`credential-${stored._id}`)}, { ${args.join(", ")} });`);
  }

  const entryLines = declared.map(({ name, fields }) => `    new RegistrySpecification(${JSON.stringify(name)}, ${JSON.stringify(fields)}),`);
  const typescript = [
    "// Written by `pulumi-registry-scanning export compute`: what the console held when it was read.",
    "// A preview of this program adopts every entry and changes nothing; edit it from here.",
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { ComputeCredential, RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";`,
    "",
    "const config = new pulumi.Config();",
    "void config;",
    ...credentialLines,
    "",
    `new RegistrySettings("console", {`,
    "  specifications: [",
    ...entryLines,
    "  ],",
    "});",
    "",
  ].join("\n");

  const notInCsv: string[] = [];
  const rows = [CSV_COLUMNS.join(",")];
  for (const { name, fields } of declared) {
    const row = csvRowOf(name, fields);
    if (row === undefined) notInCsv.push(name);
    else rows.push(row);
  }
  return {
    typescript,
    csv: `${rows.join("\n")}\n`,
    entries: declared.length,
    credentials: credentialLines.length,
    duplicatesSkipped,
    notInCsv,
    credentialsSkipped,
    secretConfigKeys,
  };
}

/** The secret fields a kind takes. */
function secretFieldsOf(kind: CredentialKind): string[] {
  return fieldsOfKind(kind).filter((field) => (CREDENTIAL_SECRET_FIELDS as readonly string[]).includes(field));
}

/** A stack config key for one credential's secret: its id and the field, in characters config keys take. */
function configKeyOf(credentialId: string, field: string): string {
  return `${credentialId.replace(/[^A-Za-z0-9_-]/g, "_")}-${field}`;
}

/**
 * One CSV line, or undefined when the entry holds a field the columns cannot
 * (an excluded tag, metadata, a GitLab scope), or a value with a comma or a
 * `|`, which the format does not quote.
 */
function csvRowOf(name: string, fields: Record<string, unknown>): string | undefined {
  const columns = new Set<string>(CSV_COLUMNS);
  if (Object.keys(fields).some((field) => !columns.has(field))) return undefined;
  // An empty cell reads back as "" for text columns: only entries whose text fields are all present round-trip.
  if (["repository", "tag"].some((field) => typeof fields[field] !== "string")) return undefined;
  const cells = CSV_COLUMNS.map((column) => {
    if (column === "name") return name;
    const value = fields[column];
    if (value === undefined) return "";
    return Array.isArray(value) ? value.join("|") : String(value);
  });
  if (cells.some((cell) => /[,\n\r]/.test(cell)) || (Array.isArray(fields.collections) && fields.collections.some((c) => String(c).includes("|")))) return undefined;
  return cells.join(",");
}
