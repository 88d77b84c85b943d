import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issuesToFailures, isSecretPath } from "../../provider/validation/checkFailure";

const failuresOf = (schema: z.ZodType, value: unknown, prefix = "") => {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) throw new Error("expected the value to be refused");
  return issuesToFailures(prefix, parsed.error.issues);
};

describe("issuesToFailures", () => {
  it("names the wrong value for an ordinary field", () => {
    expect(failuresOf(z.object({ region: z.string() }), { region: 12345 })).toEqual([
      { property: "region", reason: "must be a string, not number 12345" },
    ]);
    expect(failuresOf(z.object({ mode: z.enum(["ALL", "LATEST_TAG"]) }), { mode: "NONE" })).toEqual([
      { property: "mode", reason: 'must be one of "ALL", "LATEST_TAG", not "NONE"' },
    ]);
  });

  it.each(["password", "authToken", "apiKey", "caCert", "caCertificate", "token"])(
    "never echoes the value of %s, saying only the expected type",
    (key) => {
      const failures = failuresOf(z.object({ console: z.object({ [key]: z.string() }) }), { console: { [key]: 987654321 } });
      expect(failures).toEqual([{ property: `console.${key}`, reason: "must be a string" }]);
      expect(JSON.stringify(failures)).not.toContain("987654321");
    },
  );

  it("keeps secrets out under a prefix, inside arrays, and for enum values", () => {
    const atPrefix = failuresOf(z.string(), 42424242, "specifications[x].caCert");
    expect(atPrefix).toEqual([{ property: "specifications[x].caCert", reason: "must be a string" }]);
    const inArray = failuresOf(z.object({ token: z.array(z.string()) }), { token: ["ok", 31337] });
    expect(inArray).toEqual([{ property: "token[1]", reason: "must be a string" }]);
    const asEnum = failuresOf(z.object({ password: z.enum(["a", "b"]) }), { password: "hunter2-secret" });
    expect(asEnum).toEqual([{ property: "password", reason: 'must be one of "a", "b"' }]);
    expect(JSON.stringify([atPrefix, inArray, asEnum])).not.toMatch(/42424242|31337|hunter2-secret/);
  });

  it("still says a missing secret is required", () => {
    expect(failuresOf(z.object({ password: z.string() }), {})).toEqual([{ property: "password", reason: "is required (string)" }]);
  });
});

describe("isSecretPath", () => {
  it("looks at the last named key only", () => {
    expect(isSecretPath("", ["tenant", "apiKey"])).toBe(true);
    expect(isSecretPath("console", ["password"])).toBe(true);
    expect(isSecretPath("", ["password", "length"])).toBe(false);
    expect(isSecretPath("", ["passwordHint"])).toBe(false);
    expect(isSecretPath("", [])).toBe(false);
  });
});
