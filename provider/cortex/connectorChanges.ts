import { isDeepStrictEqual } from "node:util";
import { containsUnknown } from "../validation/checkFailure";
import { CONNECTOR_FIELD_NAMES, SECRET_FIELDS, WRITE_ONLY_FIELDS, type ConnectorFields } from "./connectorBody";
import { sameApiUrl } from "./connection";
import type { ConnectorInputs } from "./connectorInputs";

/**
 * Fields whose change makes a new connector rather than an update, each with
 * the reason. Everything else is updated in place with a full-body PUT.
 */
export const REPLACE_ON_CHANGE: readonly { field: string; reason: string }[] = [
  {
    field: "vendor",
    reason:
      "the vendor decides which registry API Cortex speaks and which vendor-specific fields apply; the repositories and images a connector " +
      "has discovered belong to that kind of registry, and the API does not convert a connector from one vendor to another",
  },
  {
    field: "registryType",
    reason: "cloud-hosted and self-hosted registries are onboarded differently (how Cortex reaches and authenticates to them); it is set when the connector is created",
  },
  {
    field: "scanningMode",
    reason:
      "where scans run (Cortex's cloud, an outpost, a broker, or nowhere) decides the scanning setup Cortex makes for the connector when it is created",
  },
  {
    field: "tenant.apiUrl",
    reason:
      "a connector lives in one tenant; another tenant.apiUrl is another connector (a connector without a tenant argument is not moved by " +
      "changing cortex:apiUrl: that is refused, since the old connector could no longer be deleted)",
  },
];

/** What the state holds for a connector: its checked inputs, its id, and the tenant it lives in. */
export interface ConnectorOutputs extends Omit<ConnectorInputs, "importConnectorId"> {
  connectorId: string;
  /** The tenant API URL the connector was created in; where reads, updates and deletes go. */
  apiUrl: string;
  /** Set instead of a real connector while a create's outcome is unknown (see unconfirmedCreate.ts). */
  unconfirmedCreate?: unknown;
}

/**
 * Fields compared between state and program: the configuration, the tenant
 * (for its keys) and the time limits (an update records them; the connector
 * body, and so the tenant, is left alone).
 */
const COMPARED_FIELDS: readonly string[] = [...CONNECTOR_FIELD_NAMES, "tenant", "timeouts"];

/**
 * The changes between the state and the program's checked inputs, and the
 * ones that force a new connector. `newApiUrl` is the tenant the inputs
 * would use now (`unknown` while a preview cannot know it).
 */
export function diffConnector(
  olds: Partial<ConnectorOutputs>,
  news: Partial<ConnectorInputs>,
  newApiUrl: string | "unknown" | undefined,
): { changes: boolean; replaces: string[] } {
  const changed = COMPARED_FIELDS.filter((field) => differs(olds[field as keyof ConnectorOutputs], news[field as keyof ConnectorInputs]));
  const replaces = REPLACE_ON_CHANGE.map((r) => r.field).filter((field) => field !== "tenant.apiUrl" && changed.includes(field));
  const tenantMoved = newApiUrl === "unknown" || (newApiUrl !== undefined && olds.apiUrl !== undefined && !sameApiUrl(newApiUrl, olds.apiUrl));
  if (tenantMoved) replaces.push("tenant.apiUrl");
  return { changes: changed.length > 0 || tenantMoved, replaces };
}

function differs(old: unknown, value: unknown): boolean {
  if (containsUnknown(value)) return true;
  return !isDeepStrictEqual(withoutEmpty(old), withoutEmpty(value));
}


/** Absent, undefined and null all mean "not set", whichever way the state stored it. */
function withoutEmpty(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, withoutEmpty(v)]),
    );
  }
  return value;
}

/**
 * What differs between an existing connector (as the API returned it, in the
 * user's names) and the declared one, field by field, for adopting it by id.
 * Empty means the program describes the connector as it is. The API never
 * returns password and authToken, so they cannot be compared.
 */
export function importMismatches(declared: Partial<ConnectorFields>, remote: Partial<ConnectorFields>): string[] {
  const secret = new Set<string>(SECRET_FIELDS);
  const problems: string[] = [];
  for (const field of CONNECTOR_FIELD_NAMES) {
    if ((WRITE_ONLY_FIELDS as readonly string[]).includes(field)) continue;
    if (isDeepStrictEqual(withoutEmpty(declared[field]), withoutEmpty(remote[field]))) continue;
    problems.push(
      secret.has(field) ? `${field} differs` : `${field}: the tenant has ${show(remote[field])}, the program declares ${show(declared[field])}`,
    );
  }
  return problems;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
