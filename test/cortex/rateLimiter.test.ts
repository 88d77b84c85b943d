import { describe, expect, it } from "vitest";
import { admissionDelayMs, sharedLimiter, SlidingWindowLimiter } from "../../provider/http/rateLimiter";

const rate = { limit: 3, windowMs: 1000 };

describe("admissionDelayMs", () => {
  it("admits at once while fewer than the limit are in the window", () => {
    expect(admissionDelayMs([], 0, rate)).toBe(0);
    expect(admissionDelayMs([0, 10], 20, rate)).toBe(0);
    expect(admissionDelayMs([0, 10, 20], 1000, rate)).toBe(0);
  });

  it("waits exactly until the oldest admission leaves the window", () => {
    expect(admissionDelayMs([0, 10, 20], 30, rate)).toBe(970);
    expect(admissionDelayMs([0, 10, 20], 999, rate)).toBe(1);
    expect(admissionDelayMs([0, 500, 600, 700], 800, rate)).toBe(700);
  });
});

describe("SlidingWindowLimiter", () => {
  it("lets a burst of `limit` through, then one more as each leaves the window, in arrival order", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 4, windowMs: 200 });
    const started = performance.now();
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.acquire().then(() => {
          order.push(i);
          times.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 4 at once, 4 after one window, 2 after two: never more than 4 in any 200 ms.
    expect(times.slice(0, 4).every((t) => t < 50)).toBe(true);
    expect(times.slice(4, 8).every((t) => t >= 199 && t < 300)).toBe(true);
    expect(times.slice(8).every((t) => t >= 399 && t < 500)).toBe(true);
    for (let i = 4; i < times.length; i++) expect(times[i] - times[i - 4]).toBeGreaterThanOrEqual(199);
  });

  it("runs a busy client at the limit, not under it", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 10, windowMs: 100 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 50 }, () => limiter.acquire()));
    // 50 admissions at 10 per 100 ms: the last batch starts after 4 windows.
    expect(performance.now() - started).toBeGreaterThanOrEqual(399);
    expect(performance.now() - started).toBeLessThan(520);
  });

  it("is one limiter per key in the process", () => {
    expect(sharedLimiter("tenant-a", rate)).toBe(sharedLimiter("tenant-a", rate));
    expect(sharedLimiter("tenant-a", rate)).not.toBe(sharedLimiter("tenant-b", rate));
  });

  it("refuses a nonsensical rate", () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});

describe("the Cortex tenant's pace", () => {
  it("spaces requests so that any eleven span more than a second, with 100 ms to spare for network jitter", async () => {
    const { TENANT_RATE_LIMIT } = await import("../../provider/cortex/cortexClient");
    const admitted: number[] = [];
    let now = 0;
    for (let i = 0; i < 100; i++) {
      now += admissionDelayMs(admitted, now, TENANT_RATE_LIMIT);
      admitted.push(now);
    }
    for (let i = 10; i < admitted.length; i++) expect(admitted[i] - admitted[i - 10]).toBeGreaterThanOrEqual(1100);
    // 100 requests in 99 gaps: 10.9 s against the tenant's floor of 10 s.
    expect(admitted[99]).toBe(99 * 110);
  });
});
