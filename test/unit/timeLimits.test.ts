import { describe, expect, it } from "vitest";
import { OPERATION_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS } from "../../rules";
import { TIME_LIMIT_SETTINGS } from "../../provider/compute/connection";
import { SlidingWindowLimiter } from "../../provider/http/rateLimiter";
import { checkTimeLimits, resolveTimeLimits, TimeLimitSettingError } from "../../provider/timeLimits";
import { UNKNOWN_VALUE } from "../../provider/validation/checkFailure";

const CONFIG_REQUEST = "prismaCloudCompute:requestTimeoutSeconds";
const ENV_REQUEST = "PRISMA_CLOUD_COMPUTE_REQUEST_TIMEOUT_SECONDS";
const ENV_OPERATION = "PRISMA_CLOUD_COMPUTE_OPERATION_TIMEOUT_SECONDS";

describe("resolveTimeLimits", () => {
  it("takes the defaults when nothing is set", () => {
    const limits = resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, {}, {});
    expect(limits.request).toMatchObject({ seconds: REQUEST_TIMEOUT_SECONDS.default, source: "the default" });
    expect(limits.operation).toMatchObject({ seconds: OPERATION_TIMEOUT_SECONDS.default, source: "the default" });
    expect(limits.request.advice).toBe(`set the resource's timeouts.requestSeconds, ${CONFIG_REQUEST} or ${ENV_REQUEST}`);
  });

  it("prefers the argument, then stack config, then the environment, field by field", () => {
    const environment = { [ENV_REQUEST]: "5", [ENV_OPERATION]: "50" };
    expect(resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, {}, environment).request.seconds).toBe(5);
    const configured = resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, { [CONFIG_REQUEST]: " 7 " }, environment);
    expect(configured.request).toMatchObject({ seconds: 7, source: `from stack config ${CONFIG_REQUEST}` });
    // The operation timeout is set nowhere but the environment: it still comes from there.
    expect(configured.operation).toMatchObject({ seconds: 50, source: `from environment variable ${ENV_OPERATION}` });
    const own = resolveTimeLimits(TIME_LIMIT_SETTINGS, { requestSeconds: 1.5 }, { [CONFIG_REQUEST]: "7" }, environment);
    expect(own.request).toMatchObject({ seconds: 1.5, source: "from the resource's timeouts.requestSeconds", advice: "raise the resource's timeouts.requestSeconds" });
    expect(own.operation.seconds).toBe(50);
  });

  it("treats an empty setting as unset", () => {
    expect(resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, { [CONFIG_REQUEST]: "" }, { [ENV_REQUEST]: "9" }).request.seconds).toBe(9);
  });

  it("refuses a setting it would use that is not a valid number of seconds, and ignores one a higher setting overrides", () => {
    expect(() => resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, {}, { [ENV_REQUEST]: "Infinity" })).toThrow(TimeLimitSettingError);
    expect(() => resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, {}, { [ENV_REQUEST]: "Infinity" })).toThrow(
      `The request timeout is not valid: environment variable ${ENV_REQUEST} must be a number of seconds greater than 0 and at most 3600, not "Infinity".`,
    );
    expect(resolveTimeLimits(TIME_LIMIT_SETTINGS, undefined, { [CONFIG_REQUEST]: "3" }, { [ENV_REQUEST]: "nonsense" }).request.seconds).toBe(3);
  });
});

describe("checkTimeLimits", () => {
  it("gives absent, empty and all-null arguments one spelling, so none of them shows as a change", () => {
    for (const argument of [undefined, null, {}, { requestSeconds: null }]) {
      expect(checkTimeLimits(argument, TIME_LIMIT_SETTINGS, {}, {})).toEqual({ timeouts: undefined, failures: [] });
    }
    expect(checkTimeLimits({ requestSeconds: 3, operationSeconds: null }, TIME_LIMIT_SETTINGS, {}, {}).timeouts).toEqual({ requestSeconds: 3 });
  });

  it("leaves what a preview cannot know unjudged, and the fallback of an unknown field too", () => {
    expect(checkTimeLimits(UNKNOWN_VALUE, TIME_LIMIT_SETTINGS, { [CONFIG_REQUEST]: "bad" }, {})).toEqual({ timeouts: UNKNOWN_VALUE, failures: [] });
    const partly = checkTimeLimits({ requestSeconds: UNKNOWN_VALUE }, TIME_LIMIT_SETTINGS, { [CONFIG_REQUEST]: "bad" }, {});
    expect(partly).toEqual({ timeouts: { requestSeconds: UNKNOWN_VALUE }, failures: [] });
  });

  it("refuses an argument that is not an object", () => {
    expect(checkTimeLimits(30, TIME_LIMIT_SETTINGS, {}, {}).failures).toEqual([
      { property: "timeouts", reason: "must be an object with requestSeconds and/or operationSeconds" },
    ]);
  });
});

describe("SlidingWindowLimiter with a deadline", () => {
  it("drops a waiter whose signal aborts, and admits the one behind it in its place", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 200 });
    await limiter.acquire();
    const controller = new AbortController();
    const abandoned = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    expect(limiter.queued).toBe(2);
    controller.abort(new Error("deadline"));
    await expect(abandoned).rejects.toThrow("deadline");
    expect(limiter.queued).toBe(1);
    await next;
    expect(limiter.queued).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
