import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveConnection, resolveApiUrl } from "../../provider/cortex/connection";
import { advancedAuthHeaders, authHeaders, newNonce, standardAuthHeaders } from "../../provider/cortex/cortexAuth";

const KEY = "K".repeat(64);

describe("Cortex API key headers", () => {
  it("sends a standard key as it is, with its id", () => {
    expect(standardAuthHeaders("1", KEY)).toEqual({ authorization: KEY, "x-xdr-auth-id": "1" });
  });

  it("signs with an advanced key: sha256(key + nonce + timestamp) in lowercase hex, the key itself never sent", () => {
    const nonce = "n".repeat(64);
    const headers = advancedAuthHeaders("2", KEY, nonce, 1_700_000_000_123);
    expect(headers).toEqual({
      authorization: createHash("sha256").update(`${KEY}${nonce}1700000000123`).digest("hex"),
      "x-xdr-auth-id": "2",
      "x-xdr-nonce": nonce,
      "x-xdr-timestamp": "1700000000123",
    });
    expect(headers.authorization).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(headers).join(" ")).not.toContain(KEY);
  });

  it("makes a fresh 64-character [A-Za-z0-9] nonce and timestamp for every attempt", () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{64}$/);
    const a = authHeaders({ apiKey: KEY, apiKeyId: "2", apiKeyType: "advanced" }, 1000);
    const b = authHeaders({ apiKey: KEY, apiKeyId: "2", apiKeyType: "advanced" }, 2000);
    expect(a["x-xdr-nonce"]).not.toBe(b["x-xdr-nonce"]);
    expect([a["x-xdr-timestamp"], b["x-xdr-timestamp"]]).toEqual(["1000", "2000"]);
    expect(authHeaders({ apiKey: KEY, apiKeyId: "1", apiKeyType: "standard" })).toEqual({ authorization: KEY, "x-xdr-auth-id": "1" });
  });
});

describe("Cortex connection resolution", () => {
  const config = { "cortex:apiUrl": "https://api-config.example.com/", "cortex:apiKey": "config-key", "cortex:apiKeyId": "7" };
  const env = { CORTEX_API_URL: "https://api-env.example.com", CORTEX_API_KEY: "env-key", CORTEX_API_KEY_ID: "8", CORTEX_API_KEY_TYPE: "standard" };

  it("takes a resource's tenant whole, then stack config, then the environment; advanced by default", () => {
    const tenant = { apiUrl: "https://api-tenant.example.com", apiKey: "tenant-key", apiKeyId: "9" };
    expect(resolveConnection(tenant, config, env)).toEqual({ ...tenant, apiKeyType: "advanced" });
    expect(resolveConnection(undefined, config, {})).toEqual({ apiUrl: "https://api-config.example.com", apiKey: "config-key", apiKeyId: "7", apiKeyType: "advanced" });
    expect(resolveConnection(undefined, {}, env)).toEqual({ apiUrl: "https://api-env.example.com", apiKey: "env-key", apiKeyId: "8", apiKeyType: "standard" });
    expect(resolveConnection(undefined, config, env).apiKeyType).toBe("standard");
    expect(resolveApiUrl(undefined, {}, env)).toBe("https://api-env.example.com");
    expect(resolveApiUrl(tenant, config, env)).toBe("https://api-tenant.example.com");
  });

  it("names what is missing or wrong, never a value", () => {
    expect(() => resolveConnection(undefined, {}, {})).toThrow(
      "No Cortex apiUrl, apiKey, apiKeyId configured: set cortex:apiUrl (or CORTEX_API_URL), cortex:apiKey (or CORTEX_API_KEY), cortex:apiKeyId (or CORTEX_API_KEY_ID).",
    );
    expect(() => resolveConnection({ apiUrl: "https://a", apiKey: "", apiKeyId: "1" }, config, env)).toThrow("set tenant.apiKey.");
    expect(() => resolveConnection(undefined, { ...config, "cortex:apiKeyType": "basic" }, {})).toThrow(/"basic" is not valid: use "advanced"/);
    expect(() => resolveConnection(undefined, { ...config, "cortex:apiUrl": "api-t.example.com" }, {})).toThrow(/is not an http\(s\) URL/);
  });
});
