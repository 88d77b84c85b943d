import * as pulumi from "@pulumi/pulumi";
import { CortexRegistryConnector } from "pulumi-registry-scanning";

/**
 * Four connectors, one per common setup: a SaaS registry scanned from the
 * cloud, a self-hosted Artifactory behind an outpost, a GitLab registry
 * reached through a broker VM, and an OpenShift registry scanned in-cluster.
 * Registry credentials are stack secrets: `pulumi config set --secret <key>`.
 */
export function cortexConnectors() {
  const config = new pulumi.Config();
  const secret = (key: string) => config.requireSecret(key);

  const dockerHub = new CortexRegistryConnector("docker-hub", {
    vendor: "DOCKER_HUB",
    name: "docker-hub",
    url: "https://registry-1.docker.io",
    username: "acme-scanner",
    password: secret("dockerHubPassword"),
    authToken: secret("dockerHubToken"),
    scanningMode: "CLOUD",
    cloudProvider: "AWS",
    region: "us-east-1",
    insecurePull: false,
    registryType: "CLOUD_HOSTED",
    initialScanConfiguration: { mode: "LATEST_TAG" },
    vendorSpecificConfiguration: { repository: "acme/*" },
  });

  const artifactory = new CortexRegistryConnector("artifactory", {
    vendor: "JFROG",
    name: "artifactory-onprem",
    url: "https://artifactory.acme.internal",
    username: "svc-scanner",
    password: secret("artifactoryPassword"),
    authToken: secret("artifactoryToken"),
    scanningMode: "OUTPOST",
    outpostId: config.get("outpostId") ?? "outpost-eu-1",
    region: "eu-west-1",
    insecurePull: false,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 },
    filterType: "EXCLUDE",
    assetScopeFilters: {
      OR: [
        { SEARCH_FIELD: "Repository", SEARCH_TYPE: "WILDCARD", SEARCH_VALUE: "sandbox-*" },
        { SEARCH_FIELD: "Tag", SEARCH_TYPE: "REGEX", SEARCH_VALUE: ".*-snapshot$" },
      ],
    },
  });

  const gitlab = new CortexRegistryConnector("gitlab", {
    vendor: "GITLAB_CONTAINER_REGISTRY",
    name: "gitlab-selfmanaged",
    url: "https://gitlab.acme.internal",
    username: "scanner-bot",
    password: secret("gitlabPassword"),
    authToken: secret("gitlabToken"),
    scanningMode: "BROKER",
    brokerType: "BROKER_VM",
    brokerId: config.get("brokerId") ?? "broker-vm-1",
    region: "us-central1",
    insecurePull: false,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "ALL" },
    vendorSpecificConfiguration: { groupIds: ["42", "108"], apiDomainName: "gitlab.acme.internal" },
  });

  const openshift = new CortexRegistryConnector("openshift", {
    vendor: "OPENSHIFT",
    name: "openshift-prod",
    url: "https://image-registry.apps.prod.acme.internal",
    username: "system:serviceaccount:scanner",
    password: secret("openshiftPassword"),
    authToken: secret("openshiftToken"),
    scanningMode: "KAPI",
    region: "us-east-1",
    insecurePull: false,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 14 },
    vendorSpecificConfiguration: { clusterName: "prod", clusterId: "c-7f3a" },
  });

  return { dockerHub, artifactory, gitlab, openshift };
}

/** The stack config keys this example's program reads as secrets. */
export const CORTEX_CONNECTOR_SECRETS = [
  "dockerHubPassword",
  "dockerHubToken",
  "artifactoryPassword",
  "artifactoryToken",
  "gitlabPassword",
  "gitlabToken",
  "openshiftPassword",
  "openshiftToken",
] as const;
