import { isDeepStrictEqual } from "node:util";

/** A step as the demo shows it: what the engine would print for one resource. */
export interface ShownStep {
  op: string;
  type: string;
  name: string;
  olds?: Record<string, unknown>;
  news?: Record<string, unknown>;
}

const SYMBOLS: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", refresh: "~", gone: "-" };
/** Never printed, even masked by the engine: the serialized provider and credentials. */
const HIDDEN = new Set(["__provider"]);
const SECRET = new Set(["password", "authToken", "caCertificate", "tenant", "console"]);
const ENTRIES_SHOWN = 6;

/** `pulumi-nodejs:dynamic/registryScanning:RegistrySettings` → `registryScanning:RegistrySettings`. */
function shortType(type: string): string {
  return type.replace(/^pulumi-nodejs:dynamic\//, "");
}

/** Changed leaf properties as `path: old => new`, with secrets masked. */
export function propertyChanges(olds: Record<string, unknown>, news: Record<string, unknown>, prefix = ""): string[] {
  const lines: string[] = [];
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    if (HIDDEN.has(key) || (prefix === "" && !(key in news))) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const [a, b] = [olds[key], news[key]];
    if (isDeepStrictEqual(a, b)) continue;
    if (SECRET.has(key)) lines.push(`${path}: [secret] => [secret]`);
    else if (isPlainObject(a) && isPlainObject(b)) lines.push(...propertyChanges(a, b, path));
    else lines.push(`${path}: ${a === undefined ? "(none)" : JSON.stringify(a)} => ${b === undefined ? "(none)" : JSON.stringify(b)}`);
  }
  return lines;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Per-entry lines for a RegistrySettings: one line per added, removed or changed entry, by name. */
export function entryChanges(olds: unknown, news: unknown): string[] {
  const before = decodeEntries(olds);
  const after = decodeEntries(news);
  const lines: string[] = [];
  for (const name of Object.keys(after)) {
    if (!(name in before)) lines.push(`+ ${name}  ${describeEntry(after[name])}`);
    else if (!isDeepStrictEqual(before[name], after[name])) lines.push(`~ ${name}  ${propertyChanges(before[name], after[name]).join(", ")}`);
  }
  for (const name of Object.keys(before)) if (!(name in after)) lines.push(`- ${name}  ${describeEntry(before[name])}`);
  if (lines.length <= ENTRIES_SHOWN) return lines;
  return [...lines.slice(0, ENTRIES_SHOWN), `... and ${lines.length - ENTRIES_SHOWN} more entries`];
}

/** Entries keyed by name, each held as one canonical JSON string. */
function decodeEntries(specifications: unknown): Record<string, Record<string, unknown>> {
  if (!isPlainObject(specifications)) return {};
  return Object.fromEntries(
    Object.entries(specifications).map(([name, text]) => [name, typeof text === "string" ? (JSON.parse(text) as Record<string, unknown>) : {}]),
  );
}

function describeEntry(entry: Record<string, unknown>): string {
  const text = (k: string) => (typeof entry[k] === "string" ? (entry[k] as string) : "");
  const tag = text("tag") ? `:${text("tag")}` : "";
  return `${text("version")} ${text("registry") || "docker.io"}/${text("repository")}${tag}`;
}

/** The plan as `pulumi preview` lays it out: a row per resource, then its changes indented. */
export function renderPlan(steps: ShownStep[]): string[] {
  const rows = steps.map((s) => [SYMBOLS[s.op] ?? "?", shortType(s.type), s.name, s.op]);
  const widths = [2, Math.max(4, ...rows.map((r) => r[1].length)), Math.max(4, ...rows.map((r) => r[2].length))];
  const lines = [`     ${"Type".padEnd(widths[1])}  ${"Name".padEnd(widths[2])}  Plan`];
  steps.forEach((step, index) => {
    const [symbol, type, name, op] = rows[index];
    lines.push(` ${symbol.padEnd(3)} ${type.padEnd(widths[1])}  ${name.padEnd(widths[2])}  ${op}`);
    const details = step.type.endsWith(":RegistrySettings")
      ? entryChanges(step.olds?.specifications, step.news?.specifications)
      : step.op === "update" || step.op === "replace"
        ? propertyChanges(step.olds ?? {}, step.news ?? {})
        : [];
    for (const detail of details) lines.push(`       ${detail}`);
  });
  return lines;
}
