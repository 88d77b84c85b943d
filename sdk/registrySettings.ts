import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_SETTINGS_TYPE, REGISTRY_SETTINGS_TYPE_NAME, RESOURCE_MODULE, SECRET_INPUT_FIELDS } from "../rules";
import { withSecretFields, withSecretOutputs } from "./secretInputs";
import { encodeEntry } from "../provider/compute/entryEncoding";
import { RegistrySettingsProvider } from "../provider/compute/registrySettingsProvider";
import type { RegistrySpecification } from "./registrySpecification";

const SECRET_FIELDS = SECRET_INPUT_FIELDS[REGISTRY_SETTINGS_TYPE];

export interface ConsoleArgs {
  /** Console address, e.g. `https://console.example.com` (SaaS: including the tenant path). */
  url: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  /** Pass as a secret (`config.requireSecret`). */
  password?: pulumi.Input<string>;
  /** `v1` (the default, always the newest API) or a pinned release such as `v34.04`. */
  apiVersion?: pulumi.Input<string>;
  /** PEM bundle of a private CA that signed the console's certificate. */
  caCert?: pulumi.Input<string>;
  /** `token` (default: log in once, reuse and renew the bearer token) or `basic` (HTTP Basic on every request). */
  auth?: pulumi.Input<"token" | "basic">;
  /** Turns TLS certificate verification off. Only for a lab console; never needed with `caCert`. */
  insecureSkipTlsVerify?: pulumi.Input<boolean>;
}

export interface RegistrySettingsArgs {
  specifications: pulumi.Input<RegistrySpecification[]> | RegistrySpecification[];
  /**
   * `managed` (default): only the declared entries are touched; everything else in the console stays.
   * `authoritative`: the console's list becomes exactly the declared entries.
   */
  mode?: pulumi.Input<"managed" | "authoritative">;
  /** Save without starting a scan. */
  scanLater?: pulumi.Input<boolean>;
  /**
   * What happens to a console entry this resource adopted (it was in the
   * console before a program declared it) when the program stops declaring it
   * or the stack is destroyed: `restore` (default) puts it back with every
   * field it had; `delete` removes it like an entry this stack created.
   */
  releaseAdopted?: pulumi.Input<"restore" | "delete">;
  /** The console to manage; when absent, stack config `prismaCloudCompute:*`, then `PRISMA_CLOUD_COMPUTE_*` variables. */
  console?: ConsoleArgs;
}

/**
 * The registry scanning list of one Prisma Cloud Compute console (one per
 * console): keeps the declared entries in the console, safely, next to any
 * entries it does not manage.
 */
export class RegistrySettings extends pulumi.dynamic.Resource {
  /** Declared entries as applied, keyed by name, each as one canonical JSON string of its fields. */
  declare readonly specifications: pulumi.Output<Record<string, string>>;
  declare readonly mode: pulumi.Output<"managed" | "authoritative">;
  declare readonly consoleUrl: pulumi.Output<string>;
  /** Entries this resource manages in the console. */
  declare readonly managedCount: pulumi.Output<number>;
  /** Entries in the console that no program declared, left untouched. */
  declare readonly unmanagedCount: pulumi.Output<number>;
  /** Declared entries that were in the console before this stack took them over, by name. */
  declare readonly adopted: pulumi.Output<Record<string, string>>;
  /** What applies did to the console beyond the program's own change (adoptions, renames, restores, repairs), per entry, numbered by apply. */
  declare readonly consoleChanges: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegistrySettingsArgs, opts?: pulumi.CustomResourceOptions) {
    const specifications = Array.isArray(args.specifications)
      ? args.specifications.map(toEntryInputs)
      : pulumi.output(args.specifications).apply((list) => list.map(toEntryInputs));
    // Names are always known, even when an entry's fields wait for other resources: a preview keys it by its name.
    const specificationNames = Array.isArray(args.specifications)
      ? args.specifications.map((spec) => spec.name)
      : pulumi.output(args.specifications).apply((list) => list.map((spec) => spec.name));
    super(
      new RegistrySettingsProvider(),
      name,
      {
        specifications,
        specificationNames,
        mode: args.mode,
        scanLater: args.scanLater,
        releaseAdopted: args.releaseAdopted,
        console: withSecretFields(args, SECRET_FIELDS).console,
        consoleUrl: undefined,
        managedCount: undefined,
        unmanagedCount: undefined,
        adopted: undefined,
        consoleChanges: undefined,
        adoptionRecords: undefined,
      },
      // Adoption records hold whole console entries, which may carry anything: secret in the state.
      withSecretOutputs(opts ?? {}, [...SECRET_FIELDS, "adoptionRecords"]),
      RESOURCE_MODULE,
      REGISTRY_SETTINGS_TYPE_NAME,
    );
  }
}

/**
 * Each entry goes to the provider as one canonical string carrying its name
 * (the provider's check keys them by name). Entries whose fields are all plain
 * values are encoded here at once; one holding outputs of other resources
 * waits for them, alone, so a preview still knows every other entry.
 */
function toEntryInputs(spec: RegistrySpecification): pulumi.Input<string> {
  if (isPlainValue(spec.args)) return encodeEntry(spec.name, spec.args);
  return pulumi.output(spec.args).apply((args) => encodeEntry(spec.name, args));
}

function isPlainValue(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
  if (Array.isArray(value)) return value.every(isPlainValue);
  if (value !== null && typeof value === "object") return Object.values(value).every(isPlainValue);
  return true;
}
