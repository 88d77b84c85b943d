import { describe, expect, it } from "vitest";
import { redact, REDACTED } from "../../provider/http/redaction";
import { leaksSecret as leaks } from "../support/secretTraces";

const CERTIFICATE = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBszCCAVmgAwIBAgIUQ0VSVElGSUNBVEUtRk9SLVRFU1RTMAoGCCqGSM49BAMC",
  "MBYxFDASBgNVBAMMC2V4YW1wbGUgQ0EwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAx",
  "MDAwMDAwWjAWMRQwEgYDVQQDDAtleGFtcGxlIENBMFkwEwYHKoZIzj0CAQYIKoZI",
  "-----END CERTIFICATE-----",
].join("\n");

/** Secrets as users have them: a password with characters every encoding treats specially, an API key, a bearer token, a certificate. */
const SECRETS: Record<string, string> = {
  password: 'p@ss "w0rd"/+=?&\\ é',
  apiKey: "Qx7Lm2Rk9Tz4Wv8Yb3Nc6Hd1Jf5Gs0Pa",
  token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl",
  certificate: CERTIFICATE,
};

/** How an API or a log line may carry a secret back. */
const ENCODINGS: Record<string, (secret: string) => string> = {
  raw: (s) => s,
  "JSON-escaped": (s) => JSON.stringify({ password: s }),
  "URL-encoded": (s) => `https://console.example.com/api?password=${encodeURIComponent(s)}`,
  "form-encoded": (s) => `user=admin&password=${encodeURIComponent(s).replace(/%20/g, "+")}`,
  base64: (s) => Buffer.from(s).toString("base64"),
  "base64 after 1 byte": (s) => Buffer.from(`x${s}`).toString("base64"),
  "base64 after 2 bytes": (s) => Buffer.from(`xy${s}!`).toString("base64"),
  base64url: (s) => Buffer.from(s).toString("base64url"),
  "base64url after 1 byte": (s) => Buffer.from(`x${s}`).toString("base64url"),
  "Basic user:password": (s) => `Authorization: Basic ${Buffer.from(`admin:${s}`).toString("base64")}`,
  "split across lines": (s) => `${s.slice(0, Math.floor(s.length / 2))}\n  ${s.slice(Math.floor(s.length / 2))}`,
  "split with an escaped newline": (s) => `${s.slice(0, 5)}\\n${s.slice(5)}`,
};

const cases = Object.entries(SECRETS).flatMap(([secretName, secret]) =>
  Object.entries(ENCODINGS).map(([encodingName, encode]) => [secretName, encodingName, secret, encode] as const),
);

describe("redact", () => {
  it.each(cases)("removes the %s, %s", (_secretName, _encodingName, secret, encode) => {
    const text = `The console said: ${encode(secret)} (request refused)`;
    expect(leaks(text, secret)).toBe(true);
    const redacted = redact(text, [secret]);
    expect(redacted).toContain(REDACTED);
    expect(leaks(redacted, secret)).toBe(false);
    // Only the secret goes: the words around it stay.
    expect(redacted).toMatch(/^The console said: .*\(request refused\)$/s);
  });

  it("leaves text without secrets as it is, and ignores values too short to be secrets", () => {
    const text = "HTTP 400: entry 3: cap must not be negative";
    expect(redact(text, Object.values(SECRETS))).toBe(text);
    expect(redact("a ab abc", ["ab", undefined, ""])).toBe("a ab abc");
  });
});
