import type { RegistryOs, RegistrySpecificationArgs, RegistryVersion } from "pulumi-registry-scanning";

/** One row of the inventory: the entry's name and its fields. */
export interface InventoryRow {
  name: string;
  args: RegistrySpecificationArgs;
}

const COLUMNS = ["name", "version", "registry", "repository", "tag", "os", "cap", "scanners", "collections", "credentialId"] as const;

/**
 * Reads the inventory CSV: a header naming the columns above, one entry per
 * line, `|` between the collections of one entry, no quoting (no field holds a
 * comma). Problems are reported by line number, all at once. The provider's
 * check validates the values themselves (enums, integers).
 */
export function parseInventory(csv: string): InventoryRow[] {
  const lines = csv.split(/\r?\n/);
  const header = lines[0].split(",").map((c) => c.trim());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`inventory header lacks column(s) ${missing.join(", ")}`);
  const problems: string[] = [];
  const rows: InventoryRow[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const cells = line.split(",");
    const lineNumber = index + 2;
    if (cells.length !== header.length) {
      problems.push(`line ${lineNumber}: ${cells.length} fields, expected ${header.length}`);
      return;
    }
    const cell = (column: (typeof COLUMNS)[number]) => cells[header.indexOf(column)].trim();
    const integer = (column: "cap" | "scanners") => {
      const value = cell(column);
      if (value === "") return undefined;
      if (!/^\d+$/.test(value)) problems.push(`line ${lineNumber}: ${column} "${value}" is not a whole number`);
      return Number(value);
    };
    rows.push({
      name: cell("name"),
      args: {
        version: cell("version") as RegistryVersion,
        registry: cell("registry"),
        repository: cell("repository"),
        tag: cell("tag"),
        os: (cell("os") || undefined) as RegistryOs | undefined,
        cap: integer("cap"),
        scanners: integer("scanners"),
        collections: cell("collections") ? cell("collections").split("|") : undefined,
        credentialId: cell("credentialId") || undefined,
      },
    });
  });
  if (problems.length > 0) throw new Error(`inventory has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  return rows;
}
