import { describe, expect, it } from "vitest";
import { identityOf, toWireEntry, type RegistryEntryFields } from "../../provider/compute/registryEntry";
import {
  findWriteDiscrepancies,
  NOTHING_OWNED,
  planRegistryWrite,
  RegistryCapError,
  shrunkenListProblem,
  type PreviousOwnership,
  type RegistryWritePlan,
} from "../../provider/compute/registryPlan";

const entry = (repository: string, extra: Record<string, unknown> = {}): RegistryEntryFields =>
  ({ version: "2", registry: "", repository, tag: "latest", ...extra }) as RegistryEntryFields;
const consoleEntry = (repository: string, extra: Record<string, unknown> = {}) => ({
  ...toWireEntry(entry(repository)),
  id: `id-${repository}`,
  scanStatus: "completed",
  ...extra,
});
const identity = (repository: string) => identityOf(toWireEntry(entry(repository)));
/** A stack that declared these repositories before, each under its repository's name, none adopted. */
const owned = (...repos: string[]): PreviousOwnership => ({ names: new Map(repos.map((r) => [identity(r), r])), adopted: new Map() });
/** Every discrepancy after a write, this stack's first. */
const discrepancies = (plan: Pick<RegistryWritePlan, "declared" | "unmanaged" | "restored" | "released">, readBack: Record<string, unknown>[]) => {
  const { ours, others } = findWriteDiscrepancies(plan, readBack);
  return [...ours, ...others];
};

describe("planRegistryWrite", () => {
  it("keeps unmanaged entries in place with every field, and appends new ones", () => {
    const remote = [consoleEntry("other", { futureField: { x: 1 } })];
    const plan = planRegistryWrite(remote, { mine: entry("mine") }, NOTHING_OWNED, { mode: "managed" });
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("other")), id: "id-other", futureField: { x: 1 } }, toWireEntry(entry("mine"))]);
    expect(plan.added).toEqual(["mine"]);
    expect(plan.unmanaged).toHaveLength(1);
  });

  it("adopts a console entry with the same identity instead of duplicating it, keeping its unmodeled fields and id", () => {
    const remote = [consoleEntry("mine", { cap: 9, futureField: "kept" })];
    const plan = planRegistryWrite(remote, { mine: entry("mine", { cap: 5 }) }, NOTHING_OWNED, { mode: "managed" });
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("mine", { cap: 5 })), id: "id-mine", futureField: "kept" }]);
    expect(plan.adopted).toEqual(["mine"]);
  });

  it("removes only what this stack declared before and no longer does", () => {
    const remote = [consoleEntry("gone"), consoleEntry("other")];
    const plan = planRegistryWrite(remote, {}, owned("gone"), { mode: "managed" });
    expect(plan.entries.map((e) => e.repository)).toEqual(["other"]);
    expect(plan.removed).toHaveLength(1);
  });

  it("in authoritative mode keeps only the declared entries", () => {
    const plan = planRegistryWrite([consoleEntry("other"), consoleEntry("mine")], { mine: entry("mine") }, NOTHING_OWNED, { mode: "authoritative" });
    expect(plan.entries.map((e) => e.repository)).toEqual(["mine"]);
  });

  it("says when the console already holds the list", () => {
    const remote = [consoleEntry("mine")];
    expect(planRegistryWrite(remote, { mine: entry("mine") }, owned("mine"), { mode: "managed" }).changesConsole).toBe(false);
    expect(planRegistryWrite(remote, { mine: entry("mine", { cap: 1 }) }, owned("mine"), { mode: "managed" }).changesConsole).toBe(true);
  });

  it("refuses a list above the cap, naming declared and unmanaged counts", () => {
    const remote = Array.from({ length: 19_990 }, (_, i) => consoleEntry(`other-${i}`));
    const declared = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, entry(`mine-${i}`)]));
    expect(() => planRegistryWrite(remote, declared, NOTHING_OWNED, { mode: "managed" })).toThrow(RegistryCapError);
    expect(() => planRegistryWrite(remote, declared, NOTHING_OWNED, { mode: "managed" })).toThrow(/20000 registry entries \(10 declared .* \+ 19990 not managed/);
    expect(planRegistryWrite(remote, Object.fromEntries(Object.entries(declared).slice(1)), NOTHING_OWNED, { mode: "managed" }).entries).toHaveLength(19_999);
  });
});

describe("planRegistryWrite with several console entries of one identity", () => {
  /** Three console entries, two of them with the identity of "mine": only the first is this stack's. */
  const withDuplicate = () => [
    consoleEntry("mine", { id: "id-first", cap: 9, futureField: "first" }),
    consoleEntry("other"),
    consoleEntry("mine", { id: "id-second", cap: 2, futureField: "second" }),
  ];
  const secondAsRead = { ...toWireEntry(entry("mine")), id: "id-second", cap: 2, futureField: "second" };

  it.each([
    ["adopting it", NOTHING_OWNED],
    ["managing it already", owned("mine")],
  ])("in managed mode, %s, takes only the first and keeps the later ones as unmanaged, as read", (_, previouslyManaged) => {
    const plan = planRegistryWrite(withDuplicate(), { mine: entry("mine", { cap: 5 }) }, previouslyManaged, { mode: "managed" });
    expect(plan.entries).toEqual([
      { ...toWireEntry(entry("mine", { cap: 5 })), id: "id-first", futureField: "first" },
      { ...toWireEntry(entry("other")), id: "id-other" },
      secondAsRead,
    ]);
    expect(plan.removed).toEqual([]);
    expect(plan.unmanaged.map((e) => e.id)).toEqual(["id-other", "id-second"]);
    expect(plan.adopted).toEqual(previouslyManaged.names.size === 0 ? ["mine"] : []);
  });

  it("in managed mode, an identity no longer declared removes only its first entry", () => {
    const plan = planRegistryWrite(withDuplicate(), {}, owned("mine"), { mode: "managed" });
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("other")), id: "id-other" }, secondAsRead]);
    expect(plan.removed).toHaveLength(1);
    expect(plan.unmanaged.map((e) => e.id)).toEqual(["id-other", "id-second"]);
  });

  it("in authoritative mode still keeps one entry per declared identity", () => {
    const plan = planRegistryWrite(withDuplicate(), { mine: entry("mine", { cap: 5 }) }, NOTHING_OWNED, { mode: "authoritative" });
    expect(plan.entries).toEqual([{ ...toWireEntry(entry("mine", { cap: 5 })), id: "id-first", futureField: "first" }]);
    expect(plan.removed).toHaveLength(2);
  });

  it("verifies the write with duplicates: the declared entry is the first of its identity, each unmanaged one is matched once", () => {
    const twins = [consoleEntry("mine", { id: "a" }), consoleEntry("mine", { id: "b", cap: 3 }), consoleEntry("mine", { id: "c", cap: 3 })];
    const plan = planRegistryWrite(twins, { mine: entry("mine", { cap: 5 }) }, owned("mine"), { mode: "managed" });
    expect(plan.entries.map((e) => [e.id, e.cap])).toEqual([["a", 5], ["b", 3], ["c", 3]]);
    const readBack = plan.entries.map((e) => ({ ...e, scanStatus: "completed" }));
    expect(discrepancies(plan, readBack)).toEqual([]);
    // One of the two identical unmanaged entries lost: the other cannot stand in for both.
    expect(discrepancies(plan, readBack.slice(0, 2))).toEqual([
      expect.stringMatching(/unmanaged entry .*mine:latest is missing/),
    ]);
    // Our entry written with another cap while an unmanaged one holds cap 5: still our entry (the first) that differs.
    const swapped = [{ ...readBack[0], cap: 3 }, { ...readBack[1], cap: 5 }, readBack[2]];
    expect(discrepancies(plan, swapped)).toEqual([
      expect.stringMatching(/"mine" has different cap/),
      expect.stringMatching(/unmanaged entry .*mine:latest was changed/),
    ]);
  });
});

describe("reading the list back after a write", () => {
  it("takes an omitted empty string or list, null, and another key order as the same entry", () => {
    const remote = [consoleEntry("other", { namespace: "", excludedTags: [], collections: ["All"] })];
    const plan = planRegistryWrite(remote, { mine: entry("mine", { tag: "", excludedRepositories: [], cap: 2 }) }, NOTHING_OWNED, { mode: "managed" });
    const omitEmpty = (e: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(e).filter(([, v]) => v !== "" && !(Array.isArray(v) && v.length === 0)).reverse());
    const readBack = plan.entries.map(omitEmpty);
    expect(readBack[0]).not.toHaveProperty("namespace");
    expect(discrepancies(plan, readBack)).toEqual([]);
    // A real difference still shows.
    expect(discrepancies(plan, [readBack[0], { ...readBack[1], cap: 3 }])).toEqual([
      expect.stringMatching(/"mine" has different cap/),
    ]);
  });
});

describe("a list that shrank since the state was written", () => {
  it("is suspect when fewer than a tenth of 20 or more entries of others are left", () => {
    expect(shrunkenListProblem(300, 0)).toMatch(/holds 0 entries this stack does not manage, where the last apply or refresh saw 300/);
    expect(shrunkenListProblem(300, 29)).toMatch(/holds 29 entries/);
    expect(shrunkenListProblem(300, 30)).toBeUndefined();
    expect(shrunkenListProblem(19, 0)).toBeUndefined();
    expect(shrunkenListProblem(undefined, 0)).toBeUndefined();
  });
});

describe("adoption keeps the console's id through the entry's life", () => {
  it("writes the console's id back on adoption and on every later update, so the console keeps the entry", () => {
    const remote = [consoleEntry("mine", { id: "65a1f0c2e4b0a1b2c3d4e5f6", cap: 9, futureField: { x: 1 } }), consoleEntry("other")];
    const adopted = planRegistryWrite(remote, { mine: entry("mine", { cap: 5 }) }, NOTHING_OWNED, { mode: "managed" });
    expect(adopted.adopted).toEqual(["mine"]);
    expect(adopted.declared.get("mine")).toEqual({ ...toWireEntry(entry("mine", { cap: 5 })), id: "65a1f0c2e4b0a1b2c3d4e5f6", futureField: { x: 1 } });
    expect(adopted.entries[0].id).toBe("65a1f0c2e4b0a1b2c3d4e5f6");

    const afterWrite = adopted.entries.map((e) => ({ ...e, scanStatus: "completed" }));
    expect(discrepancies(adopted, afterWrite)).toEqual([]);
    const updated = planRegistryWrite(afterWrite, { mine: entry("mine", { cap: 7 }) }, owned("mine"), { mode: "managed" });
    expect(updated.adopted).toEqual([]);
    expect(updated.entries[0]).toEqual({ ...toWireEntry(entry("mine", { cap: 7 })), id: "65a1f0c2e4b0a1b2c3d4e5f6", futureField: { x: 1 } });
    expect(updated.entries[1]).toEqual({ ...toWireEntry(entry("other")), id: "id-other" });
  });
});

describe("planRegistryWrite with nothing declared (a destroy)", () => {
  it("drops this stack's entries only", () => {
    const plan = planRegistryWrite([consoleEntry("mine"), consoleEntry("other")], {}, owned("mine"), { mode: "managed" });
    expect(plan.removed).toHaveLength(1);
    expect(plan.entries.map((e) => e.repository)).toEqual(["other"]);
  });

  it("drops only the first entry of a managed identity, keeping later ones as read", () => {
    const remote = [consoleEntry("mine", { id: "a" }), consoleEntry("other"), consoleEntry("mine", { id: "b", futureField: "kept" })];
    const plan = planRegistryWrite(remote, {}, owned("mine"), { mode: "managed" });
    expect(plan.removed).toHaveLength(1);
    expect(plan.entries).toEqual([
      { ...toWireEntry(entry("other")), id: "id-other" },
      { ...toWireEntry(entry("mine")), id: "b", futureField: "kept" },
    ]);
    expect(plan.unmanaged.map((e) => e.id)).toEqual(["id-other", "b"]);
  });

  it("accepts a console holding exactly what it kept, duplicates included; finds our entry back, and a kept entry lost", () => {
    const remote = [consoleEntry("mine", { id: "a" }), consoleEntry("other"), consoleEntry("mine", { id: "b" })];
    const plan = planRegistryWrite(remote, {}, owned("mine"), { mode: "managed" });
    expect(discrepancies(plan, plan.entries)).toEqual([]);
    expect(discrepancies(plan, remote)).toEqual([expect.stringMatching(/entry .*mine:latest, which this stack removed, is still there/)]);
    expect(discrepancies(plan, [remote[1]])).toEqual([expect.stringMatching(/unmanaged entry .*mine:latest is missing/)]);
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
    const problems = discrepancies({ declared, unmanaged, restored: [], released: new Set() }, readBack);
    expect(problems).toEqual([
      expect.stringMatching(/"a" has different cap/),
      expect.stringMatching(/"b" .* is missing/),
      expect.stringMatching(/unmanaged entry .*u:latest is missing/),
    ]);
    expect(discrepancies({ declared, unmanaged, restored: [], released: new Set() }, [consoleEntry("a", { cap: 5 }), consoleEntry("b"), consoleEntry("u", { scanStatus: "x" })])).toEqual([]);
  });
});

describe("what a plan says it does to the console", () => {
  const adoptedMine = (): PreviousOwnership => ({
    names: new Map([[identity("mine"), "mine"]]),
    adopted: new Map([[identity("mine"), { ...toWireEntry(entry("mine")), id: "id-mine", cap: 9 }]]),
  });

  it("restores an adopted entry in managed mode, in place, and removes it in authoritative mode, saying which", () => {
    const remote = [consoleEntry("mine", { cap: 5 }), consoleEntry("other")];
    const managed = planRegistryWrite(remote, {}, adoptedMine(), { mode: "managed" });
    expect(managed.entries[0]).toEqual({ ...toWireEntry(entry("mine")), id: "id-mine", cap: 9 });
    expect(managed.effects).toEqual({ mine: expect.stringMatching(/^restore: 2 docker.io\/mine:latest goes back/) });
    expect(managed.released.size).toBe(0);
    // The entry put back is this stack's doing: another writer undoing it is ours to repair.
    expect(discrepancies(managed, managed.entries)).toEqual([]);
    expect(discrepancies(managed, [consoleEntry("mine", { cap: 5 }), consoleEntry("other")])).toEqual([
      expect.stringMatching(/which this stack put back as it was before adopting it, was changed/),
    ]);
    expect(findWriteDiscrepancies(managed, [consoleEntry("other")]).ours).toEqual([expect.stringMatching(/put back .* is missing/)]);

    const deleting = planRegistryWrite(remote, {}, adoptedMine(), { mode: "managed", releaseAdopted: "delete" });
    expect(deleting.entries.map((e) => e.repository)).toEqual(["other"]);
    expect(deleting.effects.mine).toMatch(/releaseAdopted: "delete"/);

    const authoritative = planRegistryWrite(remote, {}, adoptedMine(), { mode: "authoritative" });
    expect(authoritative.entries).toEqual([]);
    expect(authoritative.effects).toEqual({
      mine: expect.stringMatching(/^remove: authoritative mode .*which this stack adopted, is not put back/),
      "console: 2 docker.io/other:latest": expect.stringMatching(/^remove: authoritative mode/),
    });
  });

  it("names renames, replacements, changed fields and entries missing from the console", () => {
    const remote = [consoleEntry("a", { cap: 1 }), consoleEntry("b"), consoleEntry("c")];
    const previous = owned("a", "b", "c", "gone");
    const plan = planRegistryWrite(
      remote,
      { a: entry("a", { cap: 2 }), "b-renamed": entry("b"), c: entry("c-retagged"), gone: entry("gone") },
      previous,
      { mode: "managed" },
    );
    expect(plan.effects).toEqual({
      a: "change cap",
      "b-renamed": 'rename from "b": the console entry stays',
      c: expect.stringMatching(/^replace: the console entry 2 docker.io\/c:latest is removed and a new one is added at the end/),
      gone: "add back: the entry is missing from the console",
    });
    expect(plan.entries.map((e) => e.repository)).toEqual(["a", "b", "c-retagged", "gone"]);
  });
});
