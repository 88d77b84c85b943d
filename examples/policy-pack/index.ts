import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, registryScanningPolicies } from "pulumi-registry-scanning/policy";

new PolicyPack(POLICY_PACK_NAME, { policies: registryScanningPolicies() });
