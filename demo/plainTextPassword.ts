import { CortexRegistryConnector } from "pulumi-registry-scanning";

/** The mistake the demo's policy pack catches: a registry password written into the program in plain text. */
export function withPlainTextPassword() {
  return new CortexRegistryConnector("quay-mirror", {
    vendor: "DOCKER",
    name: "quay-mirror",
    url: "https://quay-mirror.example.com",
    username: "mirror",
    password: "correct-horse-battery-staple",
    authToken: "plain-token",
    scanningMode: "CLOUD",
    cloudProvider: "AWS",
    region: "us-east-1",
    insecurePull: false,
    initialScanConfiguration: { mode: "LATEST_TAG" },
  });
}
