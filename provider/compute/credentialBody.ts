import { z } from "zod";
import { COMPUTE_CREDENTIAL_SECRET_FIELDS, INPUT_LIMITS } from "../../rules";
import { boundedString, requiredText } from "../validation/bounds";

/**
 * The kinds of credential registry scanning uses, as users name them, each
 * with the console's `type` and the fields it needs. One console type can
 * serve two kinds (an AWS access key and an AWS role are both "aws").
 */
export const CREDENTIAL_KINDS = ["basic", "awsAccessKey", "awsRole", "azureServicePrincipal", "gcpServiceAccount", "ibmCloud", "gitlabToken"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

const text = requiredText(INPUT_LIMITS.textLength);
const secret = requiredText(INPUT_LIMITS.secretLength);

/** Per kind: its own fields (required unless marked optional), which are secret, and the console type. */
export const KIND_SCHEMAS = {
  basic: z.strictObject({ username: text, password: secret }),
  awsAccessKey: z.strictObject({ accessKeyId: text, secretAccessKey: secret }),
  awsRole: z.strictObject({ roleArn: text.regex(/^arn:aws[\w-]*:iam::\d{12}:role\//, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)") }),
  azureServicePrincipal: z.strictObject({ clientId: text, tenantId: text, subscriptionId: text.optional(), clientSecret: secret }),
  gcpServiceAccount: z.strictObject({
    serviceAccountKey: secret.refine(isServiceAccountKey, {
      error: 'must be a service account\'s JSON key (type "service_account", with client_email and private_key)',
    }),
  }),
  ibmCloud: z.strictObject({ accountGuid: text, apiKey: secret }),
  gitlabToken: z.strictObject({ token: secret }),
} as const satisfies Record<CredentialKind, z.ZodType>;

const serviceAccountKeySchema = z.looseObject({ type: z.literal("service_account"), client_email: z.string().min(1), private_key: z.string().min(1) });

/** Whether `text` is a GCP service account's JSON key; never says what it holds. */
function isServiceAccountKey(text: string): boolean {
  try {
    return serviceAccountKeySchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** Fields holding secrets, whatever the kind: kept secret in state, never quoted in a message. */
export const CREDENTIAL_SECRET_FIELDS = COMPUTE_CREDENTIAL_SECRET_FIELDS;

/** The fields each kind takes, for messages. */
export function fieldsOfKind(kind: CredentialKind): string[] {
  return Object.keys(KIND_SCHEMAS[kind].shape);
}

export type CredentialFields = { kind: CredentialKind; description?: string } & Record<string, string | undefined>;

/** The console's credential object as the API carries it. */
export type WireCredential = Record<string, unknown>;

/**
 * Problems with a kind's own fields, each naming the field and the kind
 * ("clientSecret: is required for kind azureServicePrincipal").
 */
export function credentialFieldFailures(kind: CredentialKind, fields: Record<string, unknown>): { property: string; reason: string }[] {
  const parsed = KIND_SCHEMAS[kind].safeParse(fields, { reportInput: true });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : String(issue.path[0] ?? "");
    if (issue.code === "unrecognized_keys") {
      return { property: field, reason: `does not apply to kind ${kind}, which takes ${fieldsOfKind(kind).join(", ")}` };
    }
    if (issue.code === "invalid_type" && issue.input === undefined) return { property: field, reason: `is required for kind ${kind}` };
    const secretField = (CREDENTIAL_SECRET_FIELDS as readonly string[]).includes(field);
    return { property: field, reason: secretField ? issue.message.replace(/, not .*$/s, "") : issue.message };
  });
}

/** The body of `POST /credentials` for declared fields; `id` is the credential's `_id`. */
export function toWireCredential(id: string, fields: CredentialFields): WireCredential {
  const common = { _id: id, ...(fields.description === undefined ? {} : { description: fields.description }) };
  const plain = (value: string | undefined) => ({ plain: value ?? "" });
  switch (fields.kind) {
    case "basic":
      return { ...common, type: "basic", accountID: fields.username, secret: plain(fields.password) };
    case "awsAccessKey":
      return { ...common, type: "aws", accountID: fields.accessKeyId, secret: plain(fields.secretAccessKey) };
    case "awsRole":
      return { ...common, type: "aws", roleArn: fields.roleArn };
    case "azureServicePrincipal": {
      const info = { clientId: fields.clientId, tenantId: fields.tenantId, ...(fields.subscriptionId ? { subscriptionId: fields.subscriptionId } : {}) };
      return { ...common, type: "azure", azureSPInfo: info, secret: plain(fields.clientSecret) };
    }
    case "gcpServiceAccount":
      return { ...common, type: "gcp", secret: plain(fields.serviceAccountKey) };
    case "ibmCloud":
      return { ...common, type: "ibmCloud", accountGUID: fields.accountGuid, secret: plain(fields.apiKey) };
    case "gitlabToken":
      return { ...common, type: "gitlabToken", apiToken: plain(fields.token) };
  }
}

/**
 * The non-secret fields of a console credential in the user's names, or
 * undefined when its type is not one of the kinds (then it is not ours to
 * manage). The console never returns secrets: they stay as the state has them.
 */
export function fromWireCredential(wire: WireCredential): Omit<CredentialFields, (typeof CREDENTIAL_SECRET_FIELDS)[number]> | undefined {
  const str = (value: unknown) => (typeof value === "string" ? value : undefined);
  const description = str(wire.description);
  const common = description === undefined ? {} : { description };
  const sp = z.looseObject({ clientId: z.string().optional(), tenantId: z.string().optional(), subscriptionId: z.string().optional() }).safeParse(wire.azureSPInfo);
  switch (wire.type) {
    case "basic":
      return { ...common, kind: "basic", username: str(wire.accountID) };
    case "aws":
      return str(wire.roleArn) ? { ...common, kind: "awsRole", roleArn: str(wire.roleArn) } : { ...common, kind: "awsAccessKey", accessKeyId: str(wire.accountID) };
    case "azure":
      return { ...common, kind: "azureServicePrincipal", clientId: sp.data?.clientId, tenantId: sp.data?.tenantId, subscriptionId: sp.data?.subscriptionId };
    case "gcp":
      return { ...common, kind: "gcpServiceAccount" };
    case "ibmCloud":
      return { ...common, kind: "ibmCloud", accountGuid: str(wire.accountGUID) };
    case "gitlabToken":
      return { ...common, kind: "gitlabToken" };
    default:
      return undefined;
  }
}

/** A credential's description: bounded like other text, may be empty. */
export const descriptionSchema = boundedString(INPUT_LIMITS.textLength);
