import { PolicyPack } from "@pulumi/policy";
import { cortexConnectorPolicies } from "./cortexConnectorPolicies";
import { registrySettingsPolicies } from "./registrySettingsPolicies";
import { securityPolicies } from "./securityPolicies";
import { installSecretTracking } from "./secretTracking";

// Before the pack serves: lets credentials-as-secrets see which inputs the engine sent as secrets.
installSecretTracking();

new PolicyPack("registry-scanning", {
  description:
    "Guards Prisma Cloud Compute registry scanning settings and Cortex registry connectors: console entry limits, one authoritative list per console, unique entries, Cortex initial-scan settings, secrets and https.",
  policies: [...registrySettingsPolicies, ...cortexConnectorPolicies, ...securityPolicies],
});
