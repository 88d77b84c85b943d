import { createHash, randomInt } from "node:crypto";
import type { CortexConnection } from "./connection";

const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const NONCE_LENGTH = 64;

/** 64 characters of [A-Za-z0-9] from the operating system's CSPRNG, one fresh nonce per request. */
export function newNonce(): string {
  let nonce = "";
  for (let i = 0; i < NONCE_LENGTH; i++) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return nonce;
}

/** Standard key: the key itself travels in `Authorization`. */
export function standardAuthHeaders(apiKeyId: string, apiKey: string): Record<string, string> {
  return { authorization: apiKey, "x-xdr-auth-id": apiKeyId };
}

/**
 * Advanced key: `Authorization` is the lowercase hex sha256 of key + nonce +
 * timestamp; the key itself never travels, and each nonce serves one request.
 */
export function advancedAuthHeaders(apiKeyId: string, apiKey: string, nonce: string, timestampMs: number): Record<string, string> {
  const timestamp = String(timestampMs);
  const signature = createHash("sha256").update(apiKey + nonce + timestamp).digest("hex");
  return { authorization: signature, "x-xdr-auth-id": apiKeyId, "x-xdr-nonce": nonce, "x-xdr-timestamp": timestamp };
}

/** The headers for one attempt: called again for each retry, so an advanced signature is never reused. */
export function authHeaders(
  connection: Pick<CortexConnection, "apiKey" | "apiKeyId" | "apiKeyType">,
  now: number = Date.now(),
  nonce: () => string = newNonce,
): Record<string, string> {
  return connection.apiKeyType === "standard"
    ? standardAuthHeaders(connection.apiKeyId, connection.apiKey)
    : advancedAuthHeaders(connection.apiKeyId, connection.apiKey, nonce(), now);
}
