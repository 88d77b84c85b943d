import { HandlerModuleProvider } from "../handlerModuleProvider";
import type { ConnectorInputs, ConnectorOutputs } from "./connectorHandlers";

/** The engine-facing side of CortexRegistryConnector: a thin shell over pure checks and the Cortex client. */
export function cortexRegistryConnectorProvider(): HandlerModuleProvider<ConnectorInputs, ConnectorOutputs> {
  return new HandlerModuleProvider("pulumi-registry-scanning/dist/provider/cortex/connectorHandlers");
}
