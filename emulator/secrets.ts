import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random [A-Za-z0-9] string: the alphabet of Cortex API keys and nonces. */
export function randomAlphanumeric(length: number): string {
  let result = "";
  for (let index = 0; index < length; index += 1) {
    result += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return result;
}

export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Constant-time comparison. Both sides are hashed first so that inputs of
 * different lengths neither throw nor leak their length through timing.
 */
export function secretsMatch(presented: string, expected: string): boolean {
  const presentedDigest = createHash("sha256").update(presented).digest();
  const expectedDigest = createHash("sha256").update(expected).digest();
  return timingSafeEqual(presentedDigest, expectedDigest);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
