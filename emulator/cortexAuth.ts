import type { IncomingHttpHeaders } from "node:http";
import { singleHeader } from "./exchange";
import { secretsMatch, sha256Hex } from "./secrets";

export interface CortexApiKey {
  apiKeyId: string;
  apiKey: string;
}

export interface CortexKeys {
  standard: CortexApiKey;
  advanced: CortexApiKey;
}

export type CortexAuthentication = { ok: true } | { ok: false; reason: string };

/** How far an advanced-key timestamp may sit from the server clock, either way. */
const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;
const NONCE_PATTERN = /^[A-Za-z0-9]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,16}$/;

/**
 * Cortex API keys. A standard key travels as-is in Authorization; an advanced key
 * never travels: the client sends sha256(key + nonce + timestamp) and each nonce
 * is good for one request.
 */
export class CortexAuthenticator {
  /** Nonce -> the timestamp it was signed with; once that timestamp is stale the nonce cannot be replayed anyway. */
  private readonly usedNonces = new Map<string, number>();

  constructor(private readonly keys: CortexKeys) {}

  authenticate(headers: IncomingHttpHeaders): CortexAuthentication {
    const keyId = singleHeader(headers, "x-xdr-auth-id");
    const authorization = singleHeader(headers, "authorization") ?? "";
    if (keyId === undefined || keyId === "") return { ok: false, reason: "missing x-xdr-auth-id header" };
    if (authorization === "") return { ok: false, reason: "missing Authorization header" };
    if (keyId === this.keys.standard.apiKeyId) {
      return secretsMatch(authorization, this.keys.standard.apiKey)
        ? { ok: true }
        : { ok: false, reason: "invalid API key" };
    }
    if (keyId === this.keys.advanced.apiKeyId) return this.authenticateAdvanced(headers, authorization);
    return { ok: false, reason: "unknown API key id" };
  }

  reset(): void {
    this.usedNonces.clear();
  }

  private authenticateAdvanced(headers: IncomingHttpHeaders, authorization: string): CortexAuthentication {
    const nonce = singleHeader(headers, "x-xdr-nonce") ?? "";
    const timestampText = singleHeader(headers, "x-xdr-timestamp") ?? "";
    if (!NONCE_PATTERN.test(nonce)) return { ok: false, reason: "x-xdr-nonce must be 64 characters of [A-Za-z0-9]" };
    if (!TIMESTAMP_PATTERN.test(timestampText)) {
      return { ok: false, reason: "x-xdr-timestamp must be epoch milliseconds" };
    }
    const timestamp = Number(timestampText);
    const now = Date.now();
    if (Math.abs(now - timestamp) > TIMESTAMP_TOLERANCE_MS) {
      return { ok: false, reason: "x-xdr-timestamp is outside the allowed window" };
    }
    const expected = sha256Hex(this.keys.advanced.apiKey + nonce + timestampText);
    if (!secretsMatch(authorization, expected)) return { ok: false, reason: "invalid API key signature" };
    // Only a correctly signed request consumes its nonce, so a forger cannot burn nonces a real client will use.
    if (this.usedNonces.has(nonce)) return { ok: false, reason: "nonce already used" };
    this.forgetStaleNonces(now);
    this.usedNonces.set(nonce, timestamp);
    return { ok: true };
  }

  /**
   * Nonces arrive roughly in timestamp order, so pruning stops at the first live one:
   * amortised constant work per request, and a stale nonce left behind is harmless.
   */
  private forgetStaleNonces(now: number): void {
    for (const [nonce, timestamp] of this.usedNonces) {
      if (now - timestamp <= TIMESTAMP_TOLERANCE_MS) return;
      this.usedNonces.delete(nonce);
    }
  }
}
