import { describe, expect, it } from "vitest";
import type { Engine } from "../../harness";
import { consoleOnlyEntry, sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings, RegistrySpecification } = sdk();

const session = useEmulatorSession();

/** A fixed trial count in `npm test`; REGISTRY_RACE_TRIALS runs more. */
const TRIALS = Number(process.env.REGISTRY_RACE_TRIALS ?? 20);

/** Each stack's provider host as users run it: the settle re-read on, with its default wait. */
const userEnvironment = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.PRISMA_CLOUD_COMPUTE_SETTLE_MS;
  return env;
};

/** Stack `stack`'s program: `count` entries under `stack-<stack>/`, the first with cap `cap`. */
const stackProgram = (stack: string, count: number, cap: number) => () =>
  void new RegistrySettings("compute", {
    specifications: Array.from(
      { length: count },
      (_, i) =>
        new RegistrySpecification(`${stack}-${i}`, {
          version: "2",
          registry: "registry.example.com",
          repository: `stack-${stack}/repo-${i}`,
          tag: "latest",
          os: "linux",
          cap: i === 0 ? cap : 5,
        }),
    ),
  });

const OTHERS = Array.from({ length: 20 }, (_, i) => consoleOnlyEntry(`ops/team-${i}`));

/** Every entry each stack declares is there with its declared cap, and every entry of others too, field by field. */
function expectBothStacksApplied(stacks: { stack: string; count: number; cap: number }[], context: string): void {
  const entries = session.emulator.compute.entries();
  for (const other of OTHERS) {
    expect(entries.find((e) => e.repository === other.repository), `${context}: ${String(other.repository)}`).toMatchObject(other);
  }
  for (const { stack, count, cap } of stacks) {
    for (let i = 0; i < count; i += 1) {
      const found = entries.filter((e) => e.repository === `stack-${stack}/repo-${i}`);
      expect(found, `${context}: stack ${stack} entry ${i}`).toHaveLength(1);
      expect(found[0].cap, `${context}: stack ${stack} entry ${i}`).toBe(i === 0 ? cap : 5);
    }
  }
  expect(entries, context).toHaveLength(OTHERS.length + stacks.reduce((sum, s) => sum + s.count, 0));
}

async function startStacks(): Promise<[Engine, Engine]> {
  const env = userEnvironment();
  return Promise.all([startComputeEngine(session.emulator, { env }), startComputeEngine(session.emulator, { env })]);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The interleaving that loses an update without the settle re-read: A reads,
 * B reads, A writes, A verifies, B writes (from its read, before A's write).
 * B's write arriving before A's is applied proves B read before it. Each
 * writer's PUT is told apart by an entry only its own write holds.
 */
function forceInterleaving(first: string, second: string): void {
  const { faults } = session.emulator;
  const secondWriteArrived = deferred();
  const firstVerified = deferred();
  faults.holdNext({ api: "compute", method: "PUT", bodyIncludes: second }, async () => {
    secondWriteArrived.resolve();
    await firstVerified.promise;
  });
  faults.holdNext({ api: "compute", method: "PUT", bodyIncludes: first }, () => secondWriteArrived.promise);
  faults.afterApply({ api: "compute", method: "PUT", bodyIncludes: first }, () => {
    // The next read is the first writer's verify: the second writer is held until it has been answered.
    faults.afterApply({ api: "compute", method: "GET", pathIncludes: "/settings/registry" }, () => firstVerified.resolve());
  });
}

describe("two stacks with disjoint entries on one console, running up at the same time", () => {
  it(`both end with all their entries, with natural timing (${TRIALS} trials, each a concurrent create and a concurrent update)`, async () => {
    let repaired = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      session.emulator.reset();
      session.emulator.compute.setEntries(OTHERS);
      const [a, b] = await startStacks();
      try {
        await Promise.all([a.up(stackProgram("a", 3, 1)), b.up(stackProgram("b", 2, 1))]);
        expectBothStacksApplied([{ stack: "a", count: 3, cap: 1 }, { stack: "b", count: 2, cap: 1 }], `trial ${trial}, create`);
        await Promise.all([a.up(stackProgram("a", 4, 9)), b.up(stackProgram("b", 3, 9))]);
        expectBothStacksApplied([{ stack: "a", count: 4, cap: 9 }, { stack: "b", count: 3, cap: 9 }], `trial ${trial}, update`);
        // Two writes per race when no write was undone; more when one stack had to write again.
        if (session.emulator.requests().filter((r) => r.method === "PUT").length > 4) repaired += 1;
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    }
    console.log(`natural timing: ${repaired} of ${TRIALS} trials had a write undone and repaired`);
  }, 60_000 + TRIALS * 15_000);

  it(`both end with all their entries when forced: A GET, B GET, A PUT, A verify, B PUT (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      session.emulator.reset();
      session.emulator.compute.setEntries(OTHERS);
      const [a, b] = await startStacks();
      try {
        // Alternate which stack is undone. Markers: an entry only that stack's write holds (on update, the one it adds).
        const order = <T,>(a: T, b: T): [T, T] => (trial % 2 === 0 ? [a, b] : [b, a]);
        forceInterleaving(...order('"stack-a/repo-0"', '"stack-b/repo-0"'));
        await Promise.all([a.up(stackProgram("a", 3, 1)), b.up(stackProgram("b", 2, 1))]);
        expectBothStacksApplied([{ stack: "a", count: 3, cap: 1 }, { stack: "b", count: 2, cap: 1 }], `trial ${trial}, create`);
        forceInterleaving(...order('"stack-a/repo-3"', '"stack-b/repo-2"'));
        await Promise.all([a.up(stackProgram("a", 4, 9)), b.up(stackProgram("b", 3, 9))]);
        expectBothStacksApplied([{ stack: "a", count: 4, cap: 9 }, { stack: "b", count: 3, cap: 9 }], `trial ${trial}, update`);
        // The undone stack wrote again: its writes outnumber the other's.
        const puts = session.emulator.requests().filter((r) => r.method === "PUT").length;
        expect(puts, `trial ${trial}`).toBeGreaterThanOrEqual(6);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    }
  }, 60_000 + TRIALS * 15_000);
});
