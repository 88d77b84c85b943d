import { describe, expect, it } from "vitest";
import { identityOf, toWireEntry, type RegistryEntryFields } from "../../provider/compute/registryEntry";
import { findWriteDiscrepancies, planRegistryRemoval, planRegistryWrite, RegistryCapError } from "../../provider/compute/registryPlan";

const entry = (repository: string, extra: Record<string, unknown> = {}): RegistryEntryFields =>
  ({ version: "2", registry: "", repository, tag: "latest", ...extra }) as RegistryEntryFields;
const consoleEntry = (repository: string, extra: Record<string, unknown> = {}) => ({
  ...toWireEntry(entry(repository)),
  id: `id-${repository}`,
  scanStatus: "completed",
  ...extra,
});
const identities = (...repos: string[]) => new Set(repos.map((r) => identityOf(toWireEntry(entry(r)))));

describe("planRegistryWrite", () => {
  it("keeps unmanaged entries in place with every field, and appends new ones", () => {
    const remote = [consoleEntry("other", { futureField: { x: 1 } })];
    const plan = planRegistryWrite(remote, { mine: entry("mine") }, new Set(), "managed");
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("other")), id: "id-other", futureField: { x: 1 } }, toWireEntry(entry("mine"))]);
    expect(plan.added).toEqual(["mine"]);
    expect(plan.unmanaged).toHaveLength(1);
  });

  it("adopts a console entry with the same identity instead of duplicating it, keeping its unmodeled fields and id", () => {
    const remote = [consoleEntry("mine", { cap: 9, futureField: "kept" })];
    const plan = planRegistryWrite(remote, { mine: entry("mine", { cap: 5 }) }, new Set(), "managed");
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("mine", { cap: 5 })), id: "id-mine", futureField: "kept" }]);
    expect(plan.adopted).toEqual(["mine"]);
  });

  it("removes only what this stack declared before and no longer does", () => {
    const remote = [consoleEntry("gone"), consoleEntry("other")];
    const plan = planRegistryWrite(remote, {}, identities("gone"), "managed");
    expect(plan.entries.map((e) => e.repository)).toEqual(["other"]);
    expect(plan.removed).toHaveLength(1);
  });

  it("in authoritative mode keeps only the declared entries", () => {
    const plan = planRegistryWrite([consoleEntry("other"), consoleEntry("mine")], { mine: entry("mine") }, new Set(), "authoritative");
    expect(plan.entries.map((e) => e.repository)).toEqual(["mine"]);
  });

  it("says when the console already holds the list", () => {
    const remote = [consoleEntry("mine")];
    expect(planRegistryWrite(remote, { mine: entry("mine") }, identities("mine"), "managed").changesConsole).toBe(false);
    expect(planRegistryWrite(remote, { mine: entry("mine", { cap: 1 }) }, identities("mine"), "managed").changesConsole).toBe(true);
  });

  it("refuses a list above the cap, naming declared and unmanaged counts", () => {
    const remote = Array.from({ length: 19_990 }, (_, i) => consoleEntry(`other-${i}`));
    const declared = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, entry(`mine-${i}`)]));
    expect(() => planRegistryWrite(remote, declared, new Set(), "managed")).toThrow(RegistryCapError);
    expect(() => planRegistryWrite(remote, declared, new Set(), "managed")).toThrow(/20000 registry entries \(10 declared .* \+ 19990 not managed/);
    expect(planRegistryWrite(remote, Object.fromEntries(Object.entries(declared).slice(1)), new Set(), "managed").entries).toHaveLength(19_999);
  });
});

describe("planRegistryRemoval", () => {
  it("drops managed identities only", () => {
    const { entries, removed } = planRegistryRemoval([consoleEntry("mine"), consoleEntry("other")], identities("mine"));
    expect(removed).toBe(1);
    expect(entries.map((e) => e.repository)).toEqual(["other"]);
  });
});

describe("findWriteDiscrepancies", () => {
  it("finds a declared entry changed, a declared entry missing, and an unmanaged entry lost", () => {
    const declared = new Map([
      ["a", toWireEntry(entry("a", { cap: 5 }))],
      ["b", toWireEntry(entry("b"))],
    ]);
    const unmanaged = [consoleEntry("u")];
    const readBack = [consoleEntry("a", { cap: 7 })];
    const problems = findWriteDiscrepancies(declared, unmanaged, readBack);
    expect(problems).toEqual([
      expect.stringMatching(/"a" has different cap/),
      expect.stringMatching(/"b" .* is missing/),
      expect.stringMatching(/unmanaged entry .*u:latest is missing/),
    ]);
    expect(findWriteDiscrepancies(declared, unmanaged, [consoleEntry("a", { cap: 5 }), consoleEntry("b"), consoleEntry("u", { scanStatus: "x" })])).toEqual([]);
  });
});
