import { describe, expect, it } from "vitest";
import { connectorCalls, connectors, startCortexEngine } from "../support/cortexSession";
import { useEmulatorSession } from "../support/emulatorSession";

const session = useEmulatorSession({ cortex: { rateLimit: true } });

const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`registry-${i}`, {}]));

/** Admissions the emulator's tenant limit saw in the busiest one-second window. */
function busiestSecond(times: number[]): number {
  let busiest = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= 1000) i++;
    busiest = Math.max(busiest, j - i + 1);
  }
  return busiest;
}

describe("CortexRegistryConnector under the tenant's rate limit", () => {
  it("creates 30 connectors at once with the limit on: none fails, no 429, about 10 requests a second", async () => {
    session.engine = await startCortexEngine(session.emulator, { parallel: 30 });
    session.emulator.clearRequests();
    const started = Date.now();
    const plan = await session.engine.up(connectors(many(30)));
    const elapsedMs = Date.now() - started;

    expect(plan.steps.filter((s) => s.op === "create")).toHaveLength(30);
    expect(session.engine.resources).toHaveLength(30);
    expect(session.emulator.cortex.connectors()).toHaveLength(30);
    const calls = connectorCalls(session.emulator.requests());
    const tooMany = calls.filter((c) => c === "POST 429").length;
    expect(calls.filter((c) => c === "POST 200")).toHaveLength(30);
    expect(tooMany).toBe(0);
    // Evenly spaced at the client's pace of one every 110 ms: 9 or 10 in the busiest second, never more, and close to the limit.
    const times = session.emulator.requests().map((r) => r.time);
    const spanMs = times[times.length - 1] - times[0];
    expect(busiestSecond(times)).toBeGreaterThanOrEqual(9);
    expect(busiestSecond(times)).toBeLessThanOrEqual(10);
    expect(spanMs).toBeGreaterThanOrEqual(29 * 100);
    expect(spanMs).toBeLessThan(29 * 125);
    console.log(
      `30 concurrent creates with the tenant limit on: first to last POST ${(spanMs / 1000).toFixed(2)} s, ` +
        `whole up (program, checks, creates) ${(elapsedMs / 1000).toFixed(2)} s, ${tooMany} HTTP 429`,
    );

    session.emulator.clearRequests();
    await session.engine.destroy();
    expect(connectorCalls(session.emulator.requests()).filter((c) => c === "DELETE 200")).toHaveLength(30);
    expect(session.emulator.cortex.connectors()).toEqual([]);
  });

  it("retries the 429s another client of the tenant causes, within the same limit", async () => {
    session.engine = await startCortexEngine(session.emulator, { parallel: 10 });
    session.emulator.faults.failNext(5, 429, { api: "cortex", method: "POST" });
    session.emulator.clearRequests();
    await session.engine.up(connectors(many(10)));
    const calls = connectorCalls(session.emulator.requests());
    expect(calls.filter((c) => c === "POST 429")).toHaveLength(5);
    expect(calls.filter((c) => c === "POST 200")).toHaveLength(10);
    expect(session.emulator.cortex.connectors()).toHaveLength(10);
    await session.engine.destroy();
  });
});
