import { bulkInventory } from "./program";

const settings = bulkInventory();

export const managedEntries = settings.managedCount;
export const entriesLeftAlone = settings.unmanagedCount;
