import { describe, expect, it } from "vitest";
import { consoleOnlyEntry, registryCalls, sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings, RegistrySpecification } = sdk();

const session = useEmulatorSession();

/** An entry someone added in the console, with the id the console gave it and a field this package does not model. */
const CONSOLE_ID = "65f0c1d2e3a4b5c6d7e8f901";
const LEGACY_ID = "65f0c1d2e3a4b5c6d7e8f902";
const consoleEntry = {
  version: "2",
  registry: "registry.example.com",
  repository: "team/adopted",
  tag: "latest",
  os: "linux",
  cap: 99,
  scanners: 1,
  credentialID: "console-credential",
  excludedTags: ["nightly"],
  futureField: { keep: "adopted" },
  id: CONSOLE_ID,
};
const IDENTITY = "2 registry.example.com/team/adopted:latest (linux)";

interface Declared {
  name?: string;
  cap?: number;
  tag?: string;
  releaseAdopted?: "restore" | "delete";
  extra?: boolean;
}

const program =
  ({ name = "adopted", cap = 5, tag = "latest", releaseAdopted, extra = false }: Declared = {}) =>
  () =>
    void new RegistrySettings("compute", {
      releaseAdopted,
      specifications: [
        new RegistrySpecification(name, {
          version: "2",
          registry: "registry.example.com",
          repository: "team/adopted",
          tag,
          os: "linux",
          cap,
          scanners: 2,
          credentialId: "example-registry",
        }),
        ...(extra ? [new RegistrySpecification("extra", { version: "2", registry: "registry.example.com", repository: "team/extra", tag: "latest", os: "linux" })] : []),
      ],
    });

const SCAN_STATUS = ["scanStatus", "lastScanStatus", "scanTime", "lastScanTime", "scanError", "scannedImagesSuccessTotal"];
/** The console's entries without the scan status it sets on every write: what a user configured. */
const configured = () =>
  session.emulator.compute.entries().map((entry) => Object.fromEntries(Object.entries(entry).filter(([field]) => !SCAN_STATUS.includes(field))));

async function startWithAdoptableEntry() {
  session.emulator.compute.setEntries([consoleEntry, { ...consoleOnlyEntry("ops/legacy"), id: LEGACY_ID }]);
  session.engine = await startComputeEngine(session.emulator);
  return configured();
}

describe("RegistrySettings adopting a console entry", () => {
  it("keeps the console's id and the entry's unknown fields on adoption and every update, and destroy puts it back exactly", async () => {
    const before = await startWithAdoptableEntry();
    session.emulator.clearRequests();

    await session.engine!.up(program({ cap: 5 }));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    const put = session.emulator.requests().find((r) => r.method === "PUT");
    const written = (put?.body as { specifications: Record<string, unknown>[] }).specifications;
    expect(written[0]).toMatchObject({ id: CONSOLE_ID, futureField: { keep: "adopted" }, cap: 5 });

    const [adopted, legacy] = session.emulator.compute.entries();
    expect(adopted).toMatchObject({ id: CONSOLE_ID, repository: "team/adopted", cap: 5, scanners: 2, credentialID: "example-registry", futureField: { keep: "adopted" } });
    expect(adopted).not.toHaveProperty("excludedTags");
    expect(legacy).toMatchObject({ id: LEGACY_ID, futureField: { keep: "ops/legacy" } });
    expect(session.emulator.compute.entries()).toHaveLength(2);

    await session.engine!.up(program({ cap: 7 }));
    expect(session.emulator.compute.entries()[0]).toMatchObject({ id: CONSOLE_ID, cap: 7, futureField: { keep: "adopted" } });

    await session.engine!.destroy();
    expect(configured()).toEqual(before);
  });

  it("shows the adoption in the preview: the entry taken over, its id, and every field the apply changes", async () => {
    await startWithAdoptableEntry();
    const preview = await session.engine!.preview(program({ cap: 5 }));
    expect(preview.steps[0].news?.adopted).toEqual({ adopted: IDENTITY });
    expect(preview.steps[0].news?.consoleChanges).toEqual({
      adopted: `adopt: takes over the console's entry ${IDENTITY} (id ${CONSOLE_ID}) and changes cap, credentialID, excludedTags, scanners; put back as it was when released (#1)`,
    });
  });

  it("puts an adopted entry back as it was when the program stops declaring it, and says so in the preview", async () => {
    const before = await startWithAdoptableEntry();
    await session.engine!.up(program({ extra: true }));
    const releasing = () => void new RegistrySettings("compute", { specifications: [] });
    const preview = await session.engine!.preview(releasing);
    expect(preview.steps[0].news?.consoleChanges).toMatchObject({
      adopted: `restore: ${IDENTITY} goes back to the fields it had before this stack adopted it (#2)`,
    });
    await session.engine!.up(releasing);
    expect(configured()).toEqual(before);
  });

  it("deletes an adopted entry on release when asked with releaseAdopted: delete, and the preview says so", async () => {
    await startWithAdoptableEntry();
    await session.engine!.up(program({ releaseAdopted: "delete" }));
    const releasing = () => void new RegistrySettings("compute", { specifications: [], releaseAdopted: "delete" });
    const preview = await session.engine!.preview(releasing);
    expect(preview.steps[0].news?.consoleChanges).toMatchObject({
      adopted: `remove: deletes ${IDENTITY}, which this stack adopted (releaseAdopted: "delete") (#2)`,
    });
    await session.engine!.up(releasing);
    expect(session.emulator.compute.entries().map((e) => e.id)).toEqual([LEGACY_ID]);
  });

  it("previews a rename as a rename and writes nothing for it", async () => {
    await startWithAdoptableEntry();
    await session.engine!.up(program({ name: "adopted" }));
    const preview = await session.engine!.preview(program({ name: "renamed" }));
    expect(preview.steps[0].news?.consoleChanges).toMatchObject({ renamed: 'rename from "adopted": the console entry stays (#2)' });
    expect(preview.steps[0].news?.adopted).toEqual({ renamed: IDENTITY });
    session.emulator.clearRequests();
    await session.engine!.up(program({ name: "renamed" }));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200"]);
    expect(session.emulator.compute.entries()[0]).toMatchObject({ id: CONSOLE_ID, cap: 5 });
  });

  it("previews an identity change as a replacement: the old entry goes (restored if adopted), a new one is added at the end", async () => {
    const before = await startWithAdoptableEntry();
    await session.engine!.up(program({ extra: true }));
    const retagged = program({ tag: "stable", extra: true });
    const preview = await session.engine!.preview(retagged);
    expect(preview.steps[0].news?.consoleChanges).toMatchObject({
      [`adopted (was ${IDENTITY})`]: `restore: ${IDENTITY} goes back to the fields it had before this stack adopted it (#2)`,
    });
    await session.engine!.up(retagged);
    const entries = configured();
    expect(entries.slice(0, 2)).toEqual(before);
    expect(entries.slice(2).map((e) => [e.repository, e.tag])).toEqual([
      ["team/extra", "latest"],
      ["team/adopted", "stable"],
    ]);

    // An entry this stack created, re-tagged: a replacement (new id, at the end), shown as one.
    const preview2 = await session.engine!.preview(program({ tag: "edge", extra: true }));
    expect(preview2.steps[0].news?.consoleChanges).toMatchObject({
      adopted: expect.stringMatching(/^replace: the console entry 2 registry.example.com\/team\/adopted:stable \(linux\) is removed and a new one is added at the end/),
    });
  });
});

describe("RegistrySettings failing after its write", () => {
  it("keeps what it wrote, adoption records included, so destroy still puts the adopted entry back", async () => {
    const before = await startWithAdoptableEntry();
    // The write lands; every read after it fails.
    session.emulator.faults.afterApply({ api: "compute", method: "PUT" }, () =>
      session.emulator.faults.failNext(50, 500, { api: "compute", method: "GET", pathIncludes: "/settings/registry" }),
    );
    const error = await session.engine!.up(program({ cap: 5 })).catch((e: Error) => e);
    expect(String(error)).toMatch(/GET \/api\/v1\/settings\/registry failed with HTTP 500/);
    expect(session.emulator.compute.entries()[0]).toMatchObject({ id: CONSOLE_ID, cap: 5 });
    expect(Object.keys(session.engine!.find("compute")?.outputs.adoptionRecords ?? {})).toHaveLength(1);

    session.emulator.faults.clear();
    await session.engine!.destroy();
    expect(configured()).toEqual(before);
  });
});

describe("RegistrySettings with drift in the console", () => {
  it("shows an entry of ours edited or deleted in the console in the next preview, and a plain up repairs it", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(program({ extra: true }));
    const [ours, extra] = session.emulator.compute.entries();
    session.emulator.compute.setEntries([{ ...ours, cap: 1, excludedTags: ["x"] }]);
    void extra;

    const preview = await session.engine.preview(program({ extra: true }));
    expect(preview.steps[0].op).toBe("update");
    expect(preview.steps[0].news?.consoleChanges).toEqual({
      adopted: "change cap, excludedTags (#1)",
      extra: "add back: the entry is missing from the console (#1)",
    });
    await session.engine.up(program({ extra: true }));
    const repaired = session.emulator.compute.entries();
    expect(repaired.map((e) => [e.repository, e.cap, e.excludedTags])).toEqual([
      ["team/adopted", 5, undefined],
      ["team/extra", undefined, undefined],
    ]);

    // Nothing left to do: the next run is a no-op that shows nothing.
    const settled = await session.engine.up(program({ extra: true }));
    expect(settled.steps[0].op).toBe("same");

    // The same drift again, after that no-op: seen and repaired again, under a new number.
    session.emulator.compute.setEntries([{ ...session.emulator.compute.entries()[0], cap: 1, excludedTags: ["x"] }]);
    const again = await session.engine.up(program({ extra: true }));
    expect(again.steps[0].op).toBe("update");
    expect(again.steps[0].news?.consoleChanges).toEqual({
      adopted: "change cap, excludedTags (#2)",
      extra: "add back: the entry is missing from the console (#2)",
    });
    expect(session.emulator.compute.entries().map((e) => [e.repository, e.cap])).toEqual([
      ["team/adopted", 5],
      ["team/extra", undefined],
    ]);
  });
});
