import * as fs from "node:fs";
import * as path from "node:path";
import { RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";
import { parseInventory } from "./inventory";

/**
 * The inventory checked into this example: 2,500 services of ten teams across
 * five registries. Beside this file when run from source (`pulumi up`), in the
 * repository's examples folder when run from `dist/` (tests, demo).
 */
export const INVENTORY_FILE =
  [path.join(__dirname, "inventory.csv"), path.join(__dirname, "..", "..", "..", "examples", "bulk-inventory", "inventory.csv")].find((file) =>
    fs.existsSync(file),
  ) ?? path.join(__dirname, "inventory.csv");

/** Every inventory row becomes one registry entry in one console, next to whatever else the console holds. */
export function bulkInventory(inventoryFile: string = INVENTORY_FILE) {
  const rows = parseInventory(fs.readFileSync(inventoryFile, "utf8"));
  const specifications = rows.map((row) => new RegistrySpecification(row.name, row.args));
  return new RegistrySettings("inventory", { specifications, scanLater: true });
}
