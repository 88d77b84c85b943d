import * as pulumi from "@pulumi/pulumi";
import { COMPUTE_CREDENTIAL_TYPE, COMPUTE_CREDENTIAL_TYPE_NAME, RESOURCE_MODULE, SECRET_INPUT_FIELDS } from "../rules";
import { computeCredentialProvider } from "../provider/compute/credentialProvider";
import type { ConsoleArgs } from "./registrySettings";
import { withSecretFields, withSecretOutputs } from "./secretInputs";
import type { TimeoutsArgs } from "./timeouts";

const SECRET_FIELDS = SECRET_INPUT_FIELDS[COMPUTE_CREDENTIAL_TYPE];

interface CommonCredentialArgs {
  /** The credential's name in the console's store (`_id`); registry entries name it in `credentialId`. */
  credentialId: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /**
   * Take over a credential the store already holds under `credentialId`: its
   * fields and secret are written as declared. Without it, an existing
   * credential is left alone and the create fails.
   */
  adopt?: pulumi.Input<boolean>;
  /** The console; when absent, stack config `prismaCloudCompute:*`, then `PRISMA_CLOUD_COMPUTE_*` variables. */
  console?: ConsoleArgs;
  timeouts?: pulumi.Input<TimeoutsArgs>;
}

/** Each kind with its own fields; every secret is kept secret in the state whatever the program passes. */
export type ComputeCredentialArgs = CommonCredentialArgs &
  (
    | { kind: "basic"; username: pulumi.Input<string>; password: pulumi.Input<string> }
    | { kind: "awsAccessKey"; accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }
    | { kind: "awsRole"; roleArn: pulumi.Input<string> }
    | { kind: "azureServicePrincipal"; clientId: pulumi.Input<string>; tenantId: pulumi.Input<string>; subscriptionId?: pulumi.Input<string>; clientSecret: pulumi.Input<string> }
    | { kind: "gcpServiceAccount"; /** The service account's JSON key. */ serviceAccountKey: pulumi.Input<string> }
    | { kind: "ibmCloud"; accountGuid: pulumi.Input<string>; apiKey: pulumi.Input<string> }
    | { kind: "gitlabToken"; token: pulumi.Input<string> }
  );

/**
 * A credential in the Prisma Cloud Compute console's credential store. Its
 * `id` is the credential's name: pass it as a RegistrySpecification's
 * `credentialId`, and the engine creates the credential before the entry.
 * Delete refuses while anything in the console still uses it.
 */
export class ComputeCredential extends pulumi.dynamic.Resource {
  declare readonly credentialId: pulumi.Output<string>;
  declare readonly kind: pulumi.Output<string>;
  /** The console (and `?project=`) the credential lives in. */
  declare readonly consoleUrl: pulumi.Output<string>;

  constructor(name: string, args: ComputeCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      computeCredentialProvider(),
      name,
      { consoleUrl: undefined, ...withSecretFields(args, SECRET_FIELDS) },
      withSecretOutputs(opts ?? {}, SECRET_FIELDS),
      RESOURCE_MODULE,
      COMPUTE_CREDENTIAL_TYPE_NAME,
    );
  }
}
