import * as pulumi from "@pulumi/pulumi";
import { CortexRegistryConnector, RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

/** What a run changes, so the demo and the tests can play a second `pulumi up` with edits. */
export interface QuickstartVariant {
  /** Images of ubuntu to scan per repository. */
  ubuntuCap?: number;
  /** Days of tags Harbor's first scan covers. */
  harborNumDays?: number;
}

/**
 * Three registry entries in a Prisma Cloud Compute console, and two Cortex
 * registry connectors of different vendors. Connection details come from
 * stack config (`prismaCloudCompute:*`, `cortex:*`) or the environment.
 */
export function quickstart(variant: QuickstartVariant = {}) {
  const config = new pulumi.Config();

  const specifications = [
    new RegistrySpecification("ubuntu-18.04", {
      version: "2",
      registry: "",
      repository: "library/ubuntu",
      tag: "18.04",
      os: "linux",
      cap: variant.ubuntuCap ?? 5,
      scanners: 2,
      collections: ["All"],
      credentialId: "dockerhub",
    }),
    new RegistrySpecification("nginx-stable", {
      version: "2",
      registry: "",
      repository: "library/nginx",
      tag: "stable",
      os: "linux",
      cap: 3,
      scanners: 1,
      collections: ["All"],
      credentialId: "dockerhub",
    }),
    new RegistrySpecification("payments-ecr", {
      version: "aws",
      registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
      repository: "payments/*",
      tag: "",
      os: "linux",
      cap: 10,
      scanners: 2,
      collections: ["All"],
      credentialId: "aws-ecr-scanner",
      excludedTags: ["*-debug"],
    }),
  ];
  const compute = new RegistrySettings("compute", { specifications });

  const harbor = new CortexRegistryConnector("harbor-prod", {
    vendor: "HARBOR",
    name: "harbor-prod",
    url: "https://harbor.example.com",
    username: "robot$scanner",
    password: config.requireSecret("harborPassword"),
    authToken: config.requireSecret("harborToken"),
    scanningMode: "CLOUD",
    cloudProvider: "AWS",
    region: "us-east-1",
    insecurePull: false,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: variant.harborNumDays ?? 7 },
    filterType: "INCLUDE",
    assetScopeFilters: { AND: [{ SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "library/ubuntu" }] },
  });

  const dockerHub = new CortexRegistryConnector("docker-hub", {
    vendor: "DOCKER_HUB",
    name: "docker-hub-public",
    url: "https://registry-1.docker.io",
    username: "scanner",
    password: config.requireSecret("dockerHubPassword"),
    authToken: config.requireSecret("dockerHubToken"),
    scanningMode: "CLOUD",
    cloudProvider: "GCP",
    region: "europe-west1",
    insecurePull: false,
    registryType: "CLOUD_HOSTED",
    initialScanConfiguration: { mode: "LATEST_TAG" },
    vendorSpecificConfiguration: { repository: "library/nginx" },
  });

  return { compute, harbor, dockerHub };
}
