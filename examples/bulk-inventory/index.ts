import * as path from "node:path";
import { bulkInventory } from "./program";

const settings = bulkInventory(path.join(__dirname, "inventory.csv"));

export const managedEntries = settings.managedCount;
export const entriesLeftAlone = settings.unmanagedCount;
