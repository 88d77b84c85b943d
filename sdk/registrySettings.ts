import * as pulumi from "@pulumi/pulumi";
import { REGISTRY_SETTINGS_TYPE, REGISTRY_SETTINGS_TYPE_NAME, RESERVED_KEYS, RESOURCE_MODULE, SECRET_INPUT_FIELDS } from "../rules";
import { withSecretFields, withSecretOutputs } from "./secretInputs";
import { encodeEntryFields } from "../provider/compute/entryEncoding";
import { RegistrySettingsProvider } from "../provider/compute/registrySettingsProvider";
import type { RegistrySpecification } from "./registrySpecification";
import type { TimeoutsArgs } from "./timeouts";

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
  /** The console project whose list to manage (`?project=` on every request); the console's own when absent. */
  project?: pulumi.Input<string>;
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
  /** Time limits of this resource's calls to the console; when absent, stack config, the environment, then the defaults. */
  timeouts?: pulumi.Input<TimeoutsArgs>;
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
  /** The console project the entries live in; undefined for the console's own list. */
  declare readonly consoleProject: pulumi.Output<string | undefined>;
  /** Entries this resource manages in the console. */
  declare readonly managedCount: pulumi.Output<number>;
  /** Entries in the console that no program declared, left untouched. */
  declare readonly unmanagedCount: pulumi.Output<number>;
  /** Declared entries that were in the console before this stack took them over, by name. */
  declare readonly adopted: pulumi.Output<Record<string, string>>;
  /** What applies did to the console beyond the program's own change (adoptions, renames, restores, repairs), per entry, numbered by apply. */
  declare readonly consoleChanges: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegistrySettingsArgs, opts?: pulumi.CustomResourceOptions) {
    // Keyed by name: names are known at once, even when an entry's fields wait for other resources.
    // Anything but a list goes to the provider as it is, where check names the problem.
    const specifications = Array.isArray(args.specifications)
      ? toEntryMap(name, args.specifications)
      : pulumi.output(args.specifications).apply((list: unknown) => (Array.isArray(list) ? toEntryMap(name, list) : list));
    super(
      new RegistrySettingsProvider(),
      name,
      {
        specifications,
        mode: args.mode,
        scanLater: args.scanLater,
        releaseAdopted: args.releaseAdopted,
        console: withSecretFields(args, SECRET_FIELDS).console,
        timeouts: args.timeouts,
        consoleUrl: undefined,
        consoleProject: undefined,
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
 * The entries as the provider takes them: a map from each entry's name to one
 * canonical string of its fields. Entries whose fields are all plain values
 * are encoded here at once; one holding outputs of other resources waits for
 * them, alone, so a preview still knows every other entry. Two entries with
 * one name are refused here, where the program can say which.
 */
function toEntryMap(resourceName: string, specifications: readonly unknown[]): Record<string, pulumi.Input<string>> {
  const entries: Record<string, pulumi.Input<string>> = {};
  const firstIndex = new Map<string, number>();
  // RunError: the CLI shows the message alone, without a stack through this SDK.
  const refuse = (problem: string) => {
    throw new pulumi.RunError(`RegistrySettings "${resourceName}": ${problem}`);
  };
  specifications.forEach((spec, index) => {
    if (!isSpecification(spec)) {
      return refuse(`specifications[${index}] is ${describeValue(spec)}, not a RegistrySpecification; declare each entry with new RegistrySpecification(name, args).`);
    }
    if (typeof spec.name !== "string" || spec.name.trim() === "") {
      return refuse(`specification ${index} has no name; give each RegistrySpecification a non-empty name.`);
    }
    if (RESERVED_KEYS.has(spec.name)) return refuse(`specification ${index} is named "${spec.name}", a reserved name; choose another.`);
    const first = firstIndex.get(spec.name);
    if (first !== undefined) {
      return refuse(
        `specifications ${first} and ${index} are both named "${spec.name}"; each entry needs its own name, its key in previews and state.`,
      );
    }
    firstIndex.set(spec.name, index);
    const encoded = isPlainValue(spec.args) ? encodeEntryFields(spec.args) : pulumi.output(spec.args).apply((args) => encodeEntryFields(args));
    // A CA certificate is kept secret in the state, so the whole entry is (its preview line shows [secret]).
    entries[spec.name] = spec.args?.caCert === undefined ? encoded : pulumi.secret(encoded);
  });
  return entries;
}

/** A RegistrySpecification, or the same shape from another copy of this package. */
function isSpecification(value: unknown): value is RegistrySpecification {
  return value !== null && typeof value === "object" && "name" in value && "args" in value && typeof value.args === "object" && value.args !== null;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a plain object" : `a ${typeof value}`;
}

function isPlainValue(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
  if (Array.isArray(value)) return value.every(isPlainValue);
  if (value !== null && typeof value === "object") return Object.values(value).every(isPlainValue);
  return true;
}
