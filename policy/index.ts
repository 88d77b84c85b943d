import type { Policies } from "@pulumi/policy";
import { cortexConnectorPolicies } from "./cortexConnectorPolicies";
import { registrySettingsPolicies } from "./registrySettingsPolicies";
import { securityPolicies } from "./securityPolicies";
import { installSecretTracking } from "./secretTracking";

/** The name the pack's policies report under, and the name a user's pack is given in its PolicyPack. */
export const POLICY_PACK_NAME = "registry-scanning";

/**
 * Every policy of the pack, for a user's own policy pack project:
 *
 * ```ts
 * import { PolicyPack } from "@pulumi/policy";
 * import { POLICY_PACK_NAME, registryScanningPolicies } from "pulumi-registry-scanning/policy";
 * new PolicyPack(POLICY_PACK_NAME, { policies: registryScanningPolicies() });
 * ```
 *
 * Call it before the PolicyPack is created: it also lets credentials-as-secrets
 * see which inputs the engine sent as secrets.
 */
export function registryScanningPolicies(): Policies {
  installSecretTracking();
  return [...registrySettingsPolicies, ...cortexConnectorPolicies, ...securityPolicies];
}

export { cortexConnectorPolicies, registrySettingsPolicies, securityPolicies };
