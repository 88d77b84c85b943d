import { cortexConnectors } from "./program";

const connectors = cortexConnectors();

export const connectorIds = Object.fromEntries(Object.entries(connectors).map(([key, connector]) => [key, connector.connectorId]));
