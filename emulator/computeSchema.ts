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
export const CREDENTIAL_TYPES = [
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

const credentialFields = {
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
};

/** A credential embedded in a registry entry: nothing required, as the entry's `credentialID` usually stands in for it. */
const credentialSchema = z.looseObject(credentialFields);

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

/** Credential fields the console sets itself; whatever a client sends there is discarded. */
export const CREDENTIAL_SERVER_SET_FIELDS = ["created", "lastModified", "owner"] as const;

/**
 * The fields of `cred.AzureSPInfo` in the OpenAPI file, all of which name things rather than prove them.
 * Any other field there (a newer console's or a client's client secret) is taken as a secret: stored, never
 * answered, never recorded.
 */
export const AZURE_SP_NAMING_FIELDS: ReadonlySet<string> = new Set(["clientId", "miType", "subscriptionId", "tenantId"]);

/** Where a `common.Secret` sits in a `cred.Credential`: the console never answers these fields' `plain`. */
export const CREDENTIAL_SECRET_PATHS = [["secret"], ["apiToken"], ["tokens", "token"], ["tokens", "awsSecretAccessKey"]] as const;

/**
 * Whether a value at `path` of a credential may be a secret, so a refusal must not quote it:
 * anything inside a secret field (a `plain` of the wrong type, a string where the object belongs)
 * or an `azureSPInfo` field the schema does not name.
 */
export function isCredentialSecretPath(path: readonly PropertyKey[]): boolean {
  const [first, second] = path;
  if (first === "secret" || first === "apiToken") return true;
  if (first === "tokens") return second === "token" || second === "awsSecretAccessKey";
  return first === "azureSPInfo" && typeof second === "string" && !AZURE_SP_NAMING_FIELDS.has(second);
}

type SecretInput = z.output<typeof secretSchema> | null | undefined;

function nonEmpty(value: string | null | undefined): value is string {
  return typeof value === "string" && value !== "";
}

/** A new secret in `plain`, or an echo of the `encrypted` form the console answered (checked against the store later). */
function secretGiven(secret: SecretInput): boolean {
  return secret !== null && secret !== undefined && (nonEmpty(secret.plain) || nonEmpty(secret.encrypted));
}

/** The fields of a Google service-account key file the console needs to sign in with it. */
const gcpServiceAccountKeySchema = z.looseObject({
  type: z.literal("service_account"),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
});

function parsesAsJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * POST /credentials: `cred.Credential` with the name (`_id`) and the type required, and,
 * for the types registry scanning uses, the fields without which the console could not
 * sign in to the registry. The OpenAPI file marks nothing required; these rules are the
 * emulator's reading of what each type means (emulator/README.md lists them).
 */
export const credentialRequestSchema = z
  .looseObject({
    ...credentialFields,
    _id: z.string().min(1),
    type: z.enum(CREDENTIAL_TYPES),
  })
  .superRefine((credential, context) => {
    const type = credential.type;
    const require = (path: readonly PropertyKey[], what: string, present: boolean): void => {
      if (!present) context.addIssue({ code: "custom", path: [...path], message: `is required for type "${type}" (${what})`, input: undefined });
    };
    switch (type) {
      case "basic":
      case "dtr":
        require(["accountID"], "the user name", nonEmpty(credential.accountID));
        require(["secret"], "the password", secretGiven(credential.secret));
        return;
      case "aws": {
        const accessKey = nonEmpty(credential.accountID) || secretGiven(credential.secret);
        if (accessKey) {
          require(["accountID"], "the access key id", nonEmpty(credential.accountID));
          require(["secret"], "the secret access key", secretGiven(credential.secret));
        } else if (!nonEmpty(credential.roleArn) && credential.useAWSRole !== true) {
          context.addIssue({
            code: "custom",
            path: [],
            message: `type "aws" needs an access key (accountID and secret), a role to assume (roleArn) or the instance's role (useAWSRole: true)`,
            input: credential,
          });
        }
        return;
      }
      case "azure": {
        const servicePrincipal = credential.azureSPInfo;
        if (servicePrincipal === null || servicePrincipal === undefined) {
          require(["secret"], "the service principal's key, or azureSPInfo", secretGiven(credential.secret));
          return;
        }
        if (servicePrincipal.miType === "system-assigned") return;
        // A user-assigned identity is chosen by its client id; certificate sign-in needs the app, the directory and the certificate.
        require(["azureSPInfo", "clientId"], servicePrincipal.miType ? "the managed identity's client id" : "the application's client id", nonEmpty(servicePrincipal.clientId));
        if (servicePrincipal.miType === "user-assigned") return;
        require(["azureSPInfo", "tenantId"], "the directory of the application", nonEmpty(servicePrincipal.tenantId));
        require(["secret"], "the certificate", secretGiven(credential.secret));
        return;
      }
      case "gcp": {
        require(["secret"], "the service account's JSON key", secretGiven(credential.secret));
        const keyText = credential.secret?.plain;
        if (!nonEmpty(keyText)) return;
        const key = gcpServiceAccountKeySchema.safeParse(parsesAsJson(keyText));
        if (!key.success) {
          // The message names the key's missing fields only: quoting the key would quote the private key.
          const problems = key.error.issues.map((issue) => issue.path.join(".") || "the key").join(", ");
          context.addIssue({
            code: "custom",
            path: ["secret", "plain"],
            message: `must be a service account JSON key ({"type": "service_account", "client_email", "private_key", ...}); wrong or missing: ${problems}`,
            input: undefined,
          });
        }
        return;
      }
      case "ibmCloud":
        require(["accountGUID"], "the IBM Cloud account", nonEmpty(credential.accountGUID));
        if (!secretGiven(credential.apiToken) && !secretGiven(credential.secret)) {
          context.addIssue({ code: "custom", path: [], message: `type "ibmCloud" needs the IBM Cloud API key, in apiToken or secret`, input: undefined });
        }
        return;
      case "gitlabToken":
      case "apiToken":
        require(["apiToken"], "the token", secretGiven(credential.apiToken));
        return;
      default:
        // oci, kubeconfig, certificate: not used by registry scanning; only the schema is checked.
        return;
    }
  });

export type CredentialRequest = z.output<typeof credentialRequestSchema>;
