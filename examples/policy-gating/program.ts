import * as pulumi from "@pulumi/pulumi";
import { CortexRegistryConnector, RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

/** What a change under review might do; CI decides with the policy pack whether it may merge. */
export interface GatedChange {
  /** Registry entries declared for the console. */
  entryCount: number;
  /** Whether the Nexus connector pulls without TLS verification. */
  insecurePull: boolean;
}

/**
 * A stack a security team gates in CI: many registry entries (the team keeps
 * 999 entries of headroom under the console's cap) and a Nexus connector.
 */
export function gatedStack(change: GatedChange) {
  const config = new pulumi.Config();
  const specifications = Array.from(
    { length: change.entryCount },
    (_, i) =>
      new RegistrySpecification(`service-${i}`, {
        version: "sonatype",
        registry: "nexus.acme.internal:8443",
        repository: `services/service-${i}`,
        os: "linux",
        cap: 3,
        credentialId: "nexus-scanner",
      }),
  );
  const settings = new RegistrySettings("compute", { specifications, scanLater: true });
  const nexus = new CortexRegistryConnector("nexus", {
    vendor: "SONATYPE",
    name: "nexus",
    url: "https://nexus.acme.internal:8443",
    username: "scanner",
    password: config.requireSecret("nexusPassword"),
    authToken: config.requireSecret("nexusToken"),
    scanningMode: "CLOUD",
    cloudProvider: "AZURE",
    region: "westeurope",
    insecurePull: change.insecurePull,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 14 },
  });
  return { settings, nexus };
}
