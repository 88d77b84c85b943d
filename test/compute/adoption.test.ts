import { describe, expect, it } from "vitest";
import { consoleOnlyEntry, registryCalls, sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings, RegistrySpecification } = sdk();

const session = useEmulatorSession();

/** An entry someone added in the console, with the id the console gave it and a field this package does not model. */
const CONSOLE_ID = "65f0c1d2e3a4b5c6d7e8f901";
const consoleEntry = {
  version: "2",
  registry: "registry.example.com",
  repository: "team/adopted",
  tag: "latest",
  os: "linux",
  cap: 99,
  scanners: 1,
  credentialID: "console-credential",
  futureField: { keep: "adopted" },
  id: CONSOLE_ID,
};

const program = (cap: number) => () =>
  void new RegistrySettings("compute", {
    specifications: [
      new RegistrySpecification("adopted", {
        version: "2",
        registry: "registry.example.com",
        repository: "team/adopted",
        tag: "latest",
        os: "linux",
        cap,
        scanners: 2,
        credentialId: "example-registry",
      }),
    ],
  });

describe("RegistrySettings adopting a console entry", () => {
  it("keeps the console's id and the entry's unknown fields, on adoption and on every later update", async () => {
    session.emulator.compute.setEntries([consoleEntry, { ...consoleOnlyEntry("ops/legacy"), id: "65f0c1d2e3a4b5c6d7e8f902" }]);
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();

    await session.engine.up(program(5));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "PUT 200", "GET 200"]);
    const put = session.emulator.requests().find((r) => r.method === "PUT");
    const written = (put?.body as { specifications: Record<string, unknown>[] }).specifications;
    expect(written[0]).toMatchObject({ id: CONSOLE_ID, futureField: { keep: "adopted" }, cap: 5 });

    const [adopted, legacy] = session.emulator.compute.entries();
    expect(adopted).toMatchObject({
      id: CONSOLE_ID,
      repository: "team/adopted",
      cap: 5,
      scanners: 2,
      credentialID: "example-registry",
      futureField: { keep: "adopted" },
    });
    expect(legacy).toMatchObject({ id: "65f0c1d2e3a4b5c6d7e8f902", futureField: { keep: "ops/legacy" } });
    expect(session.emulator.compute.entries()).toHaveLength(2);

    await session.engine.up(program(7));
    expect(session.emulator.compute.entries()[0]).toMatchObject({ id: CONSOLE_ID, cap: 7, futureField: { keep: "adopted" } });

    await session.engine.destroy();
    expect(session.emulator.compute.entries().map((e) => e.id)).toEqual(["65f0c1d2e3a4b5c6d7e8f902"]);
  });
});
