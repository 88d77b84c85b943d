import { HandlerModuleProvider } from "../handlerModuleProvider";
import type { CredentialInputs, CredentialOutputs } from "./credentialHandlers";

/** The engine-facing side of ComputeCredential: a thin shell over the credential handlers. */
export function computeCredentialProvider(): HandlerModuleProvider<CredentialInputs, CredentialOutputs> {
  return new HandlerModuleProvider("pulumi-registry-scanning/dist/provider/compute/credentialHandlers");
}
