import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * Which properties of a resource the engine sent as secrets.
 *
 * The engine sends an analyzer secret values still marked, but
 * `@pulumi/policy` 1.21 unwraps them before a policy sees `args.props` and
 * offers no way to ask whether a value was a secret (pulumi/pulumi-policy#241).
 * `installSecretTracking` wraps the SDK's property deserializer so each
 * deserialized property bag also carries, under a hidden symbol, a lookup of
 * the paths that were marked secret. Values the policies read are unchanged.
 * If the SDK's internals differ from what this expects, tracking stays off
 * and `secretPathsOf` returns `undefined`, so a policy can say it cannot
 * tell rather than guess.
 */
const SECRET_PATHS = Symbol.for("registry-scanning-policies.secretPaths");

/** Paths (lists of keys and indexes) that the engine marked secret. */
export class SecretPaths {
  private readonly encoded: ReadonlySet<string>;

  constructor(paths: readonly (readonly (string | number)[])[]) {
    this.encoded = new Set(paths.map((path) => JSON.stringify(path)));
  }

  /** True when the value at `path`, or any object it sits in, was a secret. */
  covers(path: readonly (string | number)[]): boolean {
    for (let length = 0; length <= path.length; length++) {
      if (this.encoded.has(JSON.stringify(path.slice(0, length)))) return true;
    }
    return false;
  }

  /** Finds the secret-marked paths in properties as the engine sends them (a Struct's JavaScript form). */
  static fromWire(properties: unknown): SecretPaths {
    const found: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (Array.isArray(value)) {
        value.forEach((item, index) => walk(item, [...path, index]));
      } else if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[specialSigKey] === specialSecretSig) {
          found.push(path);
          return;
        }
        for (const [key, member] of Object.entries(record)) walk(member, [...path, key]);
      }
    };
    walk(properties, []);
    return new SecretPaths(found);
  }
}

interface SecretPathsHolder {
  lookup(): SecretPaths;
}

interface StructLike {
  toJavaScript(): unknown;
}

type Deserialize = (struct: StructLike, proxySecrets?: boolean) => Record<string | symbol, unknown>;

let installed = false;

/** Call once, before the pack starts serving. Returns whether secret tracking is on. */
export function installSecretTracking(): boolean {
  if (installed) return true;
  let deserializeModule: { deserializeProperties?: unknown };
  try {
    deserializeModule = require("@pulumi/policy/deserialize") as { deserializeProperties?: unknown };
  } catch {
    return false;
  }
  const original = deserializeModule.deserializeProperties;
  if (typeof original !== "function") return false;
  const deserialize = original as Deserialize;
  deserializeModule.deserializeProperties = function trackingDeserializeProperties(struct: StructLike, proxySecrets?: boolean) {
    const props = deserialize(struct, proxySecrets);
    let paths: SecretPaths | undefined;
    const holder: SecretPathsHolder = Object.freeze({
      lookup: () => (paths ??= SecretPaths.fromWire(struct.toJavaScript())),
    });
    // Non-writable and non-configurable, so the SDK's unknown-checking proxy hands back this very object.
    if (props !== null && typeof props === "object" && Object.isExtensible(props)) {
      Object.defineProperty(props, SECRET_PATHS, { value: holder, enumerable: false, writable: false, configurable: false });
    }
    return props;
  };
  installed = true;
  return true;
}

/** The secret paths of `args.props`, or `undefined` when they were not tracked. */
export function secretPathsOf(props: unknown): SecretPaths | undefined {
  if (props === null || typeof props !== "object") return undefined;
  const holder = (props as Record<symbol, unknown>)[SECRET_PATHS] as SecretPathsHolder | undefined;
  return holder && typeof holder.lookup === "function" ? holder.lookup() : undefined;
}
