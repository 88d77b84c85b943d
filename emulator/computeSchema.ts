import { z } from "zod";

/*
 * Derived from the Prisma Cloud Compute 34.04 OpenAPI file (shared.RegistrySettings,
 * shared.RegistrySpecification and the schemas they reference).
 *
 * Every object is loose: the real console is newer than any client, so fields
 * this schema does not know must survive a round trip untouched.
 * Every field also accepts null, because the console is written in Go and Go's
 * JSON decoder reads null as "zero value" rather than as a type error.
 */

/** The OpenAPI file gives `version` no enum; these are the registry types the console offers. */
export const REGISTRY_VERSIONS = [
  "aws",
  "azure",
  "coreos",
  "2",
  "dtr",
  "gcr",
  "gitlab",
  "harbor",
  "bluemix",
  "jfrog",
  "redhat",
  "sonatype",
] as const;

export const REGISTRY_OS_TYPES = ["linux", "linuxARM64", "windows"] as const;
export const JFROG_REPO_TYPES = ["local", "remote", "virtual"] as const;

const CLOUD_PROVIDERS = ["aws", "azure", "gcp", "alibaba", "oci", "others"] as const;
const EXTERNAL_LABEL_SOURCE_TYPES = ["namespace", "deployment", "pod", "aws", "azure", "gcp", "oci"] as const;
const CREDENTIAL_TYPES = [
  "aws",
  "azure",
  "gcp",
  "ibmCloud",
  "oci",
  "apiToken",
  "basic",
  "dtr",
  "kubeconfig",
  "certificate",
  "gitlabToken",
] as const;
const AZURE_MANAGED_IDENTITY_TYPES = ["user-assigned", "system-assigned"] as const;

/** Fields the console computes; a client may echo them back but they are never taken as configuration. */
export const SERVER_SET_FIELDS = [
  "id",
  "scanStatus",
  "lastScanStatus",
  "scanTime",
  "lastScanTime",
  "scanError",
  "scannedImagesSuccessTotal",
] as const;

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();
const optionalInteger = z.int().nullish();
/** A number of images or of Defenders: the console has no meaning for one below zero. */
const optionalCount = z.int().min(0).nullish();
const optionalStringList = z.array(z.string()).nullish();
/** OpenAPI `format: date-time`; the console's own values are RFC 3339, but the format is not enforced here. */
const optionalDateTime = z.string().nullish();

const secretSchema = z.looseObject({
  encrypted: optionalString,
  plain: optionalString,
});

const externalLabelSchema = z.looseObject({
  key: optionalString,
  sourceName: optionalString,
  sourceType: z.enum(EXTERNAL_LABEL_SOURCE_TYPES).nullish(),
  timestamp: optionalDateTime,
  value: optionalString,
});

const cloudMetadataSchema = z.looseObject({
  accountID: optionalString,
  awsExecutionEnv: optionalString,
  azure: z
    .looseObject({
      aci: z.looseObject({ containerGroup: optionalString }).nullish(),
      resourceGroup: optionalString,
    })
    .nullish(),
  gcp: z
    .looseObject({
      cloudRun: z.looseObject({ revision: optionalString, service: optionalString }).nullish(),
    })
    .nullish(),
  image: optionalString,
  labels: z.array(externalLabelSchema).nullish(),
  name: optionalString,
  ociTenantID: optionalString,
  provider: z.enum(CLOUD_PROVIDERS).nullish(),
  region: optionalString,
  resourceID: optionalString,
  resourceURL: optionalString,
  type: optionalString,
  vmID: optionalString,
  vmImageID: optionalString,
});

const credentialSchema = z.looseObject({
  _id: optionalString,
  accountGUID: optionalString,
  accountID: optionalString,
  accountName: optionalString,
  apiToken: secretSchema.nullish(),
  azureSPInfo: z
    .looseObject({
      clientId: optionalString,
      miType: z.enum(AZURE_MANAGED_IDENTITY_TYPES).nullish(),
      subscriptionId: optionalString,
      tenantId: optionalString,
    })
    .nullish(),
  caCert: optionalString,
  cloudProviderAccountID: optionalString,
  created: optionalDateTime,
  external: optionalBoolean,
  global: optionalBoolean,
  lastModified: optionalDateTime,
  ociCred: z.looseObject({ fingerprint: optionalString, tenancyId: optionalString }).nullish(),
  owner: optionalString,
  prismaLastModified: optionalInteger,
  roleArn: optionalString,
  secret: secretSchema.nullish(),
  skipVerify: optionalBoolean,
  stsEndpoints: optionalStringList,
  tokens: z
    .looseObject({
      awsAccessKeyId: optionalString,
      awsSecretAccessKey: secretSchema.nullish(),
      duration: optionalInteger,
      expirationTime: optionalDateTime,
      token: secretSchema.nullish(),
    })
    .nullish(),
  type: z.enum(CREDENTIAL_TYPES).nullish(),
  url: optionalString,
  useAWSRole: optionalBoolean,
  useSTSRegionalEndpoint: optionalBoolean,
});

const GITLAB_SCOPE_FIELDS = ["userID", "projectIDs", "groupIDs", "excludedGroupIDs", "apiDomainName"] as const;

const gitlabRegistrySpecSchema = z.looseObject({
  apiDomainName: optionalString,
  excludedGroupIDs: optionalStringList,
  groupIDs: optionalStringList,
  projectIDs: optionalStringList,
  userID: optionalString,
});

type GitlabRegistrySpec = z.output<typeof gitlabRegistrySpecSchema>;

/** Without a user, project, group or API domain the console has no way to find a GitLab registry's repositories. */
function namesGitlabScope(spec: GitlabRegistrySpec | null | undefined): boolean {
  if (spec === null || spec === undefined) return false;
  return GITLAB_SCOPE_FIELDS.some((field) => {
    const value = spec[field];
    return Array.isArray(value) ? value.length > 0 : typeof value === "string" && value !== "";
  });
}

/** Server-set fields are deliberately absent: whatever a client sends there is discarded, not validated. */
export const registrySpecificationSchema = z
  .looseObject({
    azureCloudMetadata: cloudMetadataSchema.nullish(),
    caCert: optionalString,
    cap: optionalCount,
    collections: optionalStringList,
    credential: credentialSchema.nullish(),
    credentialID: optionalString,
    excludedRepositories: optionalStringList,
    excludedTags: optionalStringList,
    gitlabRegistrySpec: gitlabRegistrySpecSchema.nullish(),
    harborDeploymentSecurity: optionalBoolean,
    jfrogRepoTypes: z.array(z.enum(JFROG_REPO_TYPES)).nullish(),
    namespace: optionalString,
    os: z.enum(REGISTRY_OS_TYPES).nullish(),
    registry: optionalString,
    repository: optionalString,
    scanners: optionalCount,
    tag: optionalString,
    version: z.enum(REGISTRY_VERSIONS).nullish(),
    versionPattern: optionalString,
  })
  .superRefine((specification, context) => {
    if (specification.version === "gitlab" && !namesGitlabScope(specification.gitlabRegistrySpec)) {
      context.addIssue({
        code: "custom",
        path: ["gitlabRegistrySpec"],
        message: `is required for version "gitlab", with at least one of ${GITLAB_SCOPE_FIELDS.join(", ")}`,
        input: specification.gitlabRegistrySpec,
      });
    }
  });

export const registrySettingsSchema = z.looseObject({
  specifications: z.array(registrySpecificationSchema).nullish(),
  webhookUrlSuffix: optionalString,
  harborScannerUrlSuffix: optionalString,
});

export type RegistrySpecification = z.output<typeof registrySpecificationSchema>;

export const authenticationRequestSchema = z.looseObject({
  username: optionalString,
  password: optionalString,
  token: optionalString,
});
