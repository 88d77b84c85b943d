import { describe, expect, it } from "vitest";
import { nextRetryDelayMs, parseRetryAfter } from "../../provider/http/retryPolicy";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 5000 };

describe("retry policy", () => {
  it("backs off exponentially with jitter within [half, full] of the step", () => {
    expect(nextRetryDelayMs(1, 0, policy, undefined, () => 0)).toBe(50);
    expect(nextRetryDelayMs(1, 0, policy, undefined, () => 1)).toBe(100);
    expect(nextRetryDelayMs(3, 0, policy, undefined, () => 1)).toBe(400);
  });

  it("honours Retry-After, and stops at the attempt and time bounds", () => {
    expect(nextRetryDelayMs(1, 0, policy, 2000)).toBe(2000);
    expect(nextRetryDelayMs(4, 0, policy, undefined)).toBeUndefined();
    expect(nextRetryDelayMs(1, 4000, policy, 2000)).toBeUndefined();
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
