import { quickstart } from "./program";

const { compute, harbor, dockerHub } = quickstart();

export const managedEntries = compute.managedCount;
export const entriesLeftAlone = compute.unmanagedCount;
export const harborConnectorId = harbor.connectorId;
export const dockerHubConnectorId = dockerHub.connectorId;
