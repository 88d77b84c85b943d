import { isRpcSecret, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export type PropertyMap = Record<string, unknown>;

export function markSecret(value: unknown): PropertyMap {
  return { [specialSigKey]: specialSecretSig, value };
}

/**
 * The engine strips secret markers before calling a provider that, like the
 * dynamic-provider host, does not accept secrets.
 */
export function unwrapSecrets(value: unknown): unknown {
  if (isRpcSecret(value)) return unwrapSecrets((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function containsSecret(value: unknown): boolean {
  if (isRpcSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** Top-level keys whose value holds a secret: the engine keeps the matching outputs secret too. */
export function secretKeys(properties: PropertyMap): string[] {
  return Object.keys(properties).filter((key) => containsSecret(properties[key]));
}
