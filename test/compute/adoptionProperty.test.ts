import { describe, expect, it } from "vitest";
import { sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings, RegistrySpecification } = sdk();
type Specification = InstanceType<typeof RegistrySpecification>;

const session = useEmulatorSession();

/** A fixed seed and trial count in `npm test`; set these for a longer or another run. */
const TRIALS = Number(process.env.REGISTRY_PROPERTY_TRIALS ?? 12);
const SEED = Number(process.env.REGISTRY_PROPERTY_SEED ?? 20261130);

/** mulberry32: small, seedable, good enough to pick test cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Identity {
  version: "2";
  registry: string;
  repository: string;
  tag: string;
  os: "linux" | "windows";
}
type Declared = Identity & { cap?: number; scanners?: number };

interface Case {
  console: Record<string, unknown>[];
  programs: { name: string; fields: Declared }[][];
}

const REGISTRIES = ["registry.example.com", "", "quay.example.com"];
const TAGS = ["latest", "stable", ""];

function generateCase(next: () => number): Case {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const chance = (p: number) => next() < p;
  // Few repositories, so identities repeat: the console may hold duplicates, and programs collide with it.
  const identity = (): Identity => ({
    version: "2",
    registry: pick(REGISTRIES),
    repository: `team/r${Math.floor(next() * 5)}`,
    tag: pick(TAGS),
    os: pick(["linux", "windows"] as const),
  });
  const consoleEntries = Array.from({ length: Math.floor(next() * 9) }, (_, i) => ({
    ...identity(),
    cap: Math.floor(next() * 20),
    ...(chance(0.5) ? { scanners: 1 + Math.floor(next() * 3) } : {}),
    ...(chance(0.4) ? { excludedTags: ["nightly"] } : {}),
    ...(chance(0.4) ? { credentialID: `console-credential-${i}` } : {}),
    ...(chance(0.5) ? { futureField: { set: `by-console-${i}` } } : {}),
    id: `65f0c1d2e3a4b5c6d7e8f9${String(i).padStart(2, "0")}`,
  }));

  const key = (fields: Declared) => JSON.stringify([fields.registry, fields.repository, fields.tag, fields.os]);
  const declareUnique = (entries: { name: string; fields: Declared }[]) => {
    const seen = new Set<string>();
    return entries.filter(({ fields }) => !seen.has(key(fields)) && seen.add(key(fields)));
  };
  const tweak = (fields: Declared): Declared => ({ ...fields, cap: Math.floor(next() * 20), ...(chance(0.5) ? { scanners: 2 } : {}) });
  const declaredFrom = ({ version, registry, repository, tag, os }: Identity): Identity => ({ version, registry, repository, tag, os });

  const first = declareUnique([
    ...consoleEntries.filter(() => chance(0.5)).map((entry, i) => ({ name: `adopt-${i}`, fields: tweak(declaredFrom(entry)) })),
    ...Array.from({ length: Math.floor(next() * 4) }, (_, i) => ({ name: `new-${i}`, fields: tweak(identity()) })),
  ]);
  const programs = [first];
  if (chance(0.7)) {
    const second = first
      .filter(() => chance(0.75))
      .map(({ name, fields }) => {
        const roll = next();
        if (roll < 0.2) return { name: `${name}-renamed`, fields };
        if (roll < 0.4) return { name, fields: { ...fields, tag: pick(TAGS) } };
        return { name, fields: tweak(fields) };
      });
    programs.push(declareUnique([...second, { name: "later", fields: tweak(identity()) }]));
  }
  return { console: consoleEntries, programs };
}

const SCAN_STATUS = ["scanStatus", "lastScanStatus", "scanTime", "lastScanTime", "scanError", "scannedImagesSuccessTotal"];
const configured = () =>
  session.emulator.compute.entries().map((entry) => Object.fromEntries(Object.entries(entry).filter(([field]) => !SCAN_STATUS.includes(field))));

const programOf = (entries: Case["programs"][number]) => () =>
  void new RegistrySettings("compute", {
    specifications: entries.map(({ name, fields }): Specification => new RegistrySpecification(name, fields)),
  });

describe("adoption is reversible (property over generated consoles and programs)", () => {
  it(`up, then up again with a changed program, then destroy, leaves the console exactly as it was (${TRIALS} trials, seed ${SEED})`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const generated = generateCase(random(SEED + trial));
      session.emulator.reset();
      session.emulator.compute.setEntries(generated.console);
      const before = configured();
      session.engine = await startComputeEngine(session.emulator);
      for (const entries of generated.programs) await session.engine.up(programOf(entries));
      await session.engine.destroy();
      await session.engine.stop();
      session.engine = undefined;
      // Every entry, in order, with every field and its id: only the scan status a write triggers differs.
      expect(configured(), `trial ${trial} (seed ${SEED + trial}): ${JSON.stringify(generated)}`).toEqual(before);
    }
  }, 30_000 + TRIALS * 5_000);
});
