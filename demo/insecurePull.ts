import { CortexRegistryConnector } from "pulumi-registry-scanning";

/** The change the demo's policy pack stops: a connector that pulls images without verifying TLS. */
export function withInsecurePull() {
  return new CortexRegistryConnector("quay-mirror", {
    vendor: "DOCKER",
    name: "quay-mirror",
    url: "https://quay-mirror.example.com",
    username: "mirror",
    password: "mirror-password",
    authToken: "mirror-token",
    scanningMode: "CLOUD",
    cloudProvider: "AWS",
    region: "us-east-1",
    insecurePull: true,
    initialScanConfiguration: { mode: "LATEST_TAG" },
  });
}
