import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { captureProgram, CheckFailedError, Engine, StepFailedError } from "../../harness";
import {
  changedEntryNames,
  computeConfig,
  consoleOnlyEntry,
  declaredSpecs,
  registryCalls,
  sdk,
  startComputeEngine,
} from "../support/computeSession";

const { RegistrySettings, RegistrySpecification } = sdk();
type Specs = ReturnType<typeof declaredSpecs>;
const settings = (specifications: Specs, args: { mode?: "managed" | "authoritative" } = {}) => () =>
  void new RegistrySettings("compute", { specifications, ...args });

let emulator: Emulator;
let engine: Engine | undefined;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const repositories = () => emulator.compute.entries().map((e) => e.repository);

describe("RegistrySettings lifecycle in managed mode", () => {
  it("creates declared entries next to unmanaged ones, keeping their unknown fields, in read-write-verify", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy"), consoleOnlyEntry("ops/other")]);
    engine = await startComputeEngine(emulator);
    emulator.clearRequests();

    const plan = await engine.up(settings(declaredSpecs(3)));
    expect(plan.steps.map((s) => s.op)).toEqual(["create"]);
    expect(registryCalls(emulator.requests())).toEqual(["GET 200", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "ops/other", "team/repo-0", "team/repo-1", "team/repo-2"]);
    const legacy = emulator.compute.entries()[0];
    expect(legacy.futureField).toEqual({ keep: "ops/legacy" });
    const put = emulator.requests().find((r) => r.method === "PUT");
    const written = (put?.body as { specifications: Record<string, unknown>[] }).specifications;
    expect(written[2]).toMatchObject({ credentialID: "example-registry", cap: 5, collections: ["All"] });
    expect(written[0]).not.toHaveProperty("scanStatus");
    expect(engine.find("compute")?.outputs).toMatchObject({ managedCount: 3, unmanagedCount: 2 });
  });

  it("updates one entry among thousands: the preview shows that entry alone, and the apply is one write", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(2000)));
    emulator.clearRequests();

    const changed = declaredSpecs(2000, { "repo-1000": { cap: 50 } });
    const preview = await engine.preview(settings(changed));
    expect(preview.steps[0].op).toBe("update");
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications)).toEqual({
      added: [],
      removed: [],
      changed: ["repo-1000"],
    });
    expect(emulator.requests()).toEqual([]);

    await engine.up(settings(changed));
    expect(registryCalls(emulator.requests())).toEqual(["GET 200", "PUT 200", "GET 200"]);
    const entries = emulator.compute.entries();
    expect(entries).toHaveLength(2001);
    expect(entries.find((e) => e.repository === "team/repo-1000")?.cap).toBe(50);
    expect(entries.find((e) => e.repository === "team/repo-999")?.cap).toBe(5);
    expect(entries[0].futureField).toEqual({ keep: "ops/legacy" });
  });

  it("adds one entry as one added name, and an unchanged program sends no write", async () => {
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(100)));
    const preview = await engine.preview(settings(declaredSpecs(101)));
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications).added).toEqual(["repo-100"]);

    emulator.clearRequests();
    const same = await engine.up(settings(declaredSpecs(100)));
    expect(same.steps[0].op).toBe("same");
    expect(emulator.requests()).toEqual([]);
  });

  it("removes an entry the program stops declaring, and destroy removes only declared entries", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(3)));
    await engine.up(settings(declaredSpecs(2)));
    expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);

    emulator.compute.setEntries([...emulator.compute.entries(), consoleOnlyEntry("ops/added-later")]);
    await engine.destroy();
    expect(repositories()).toEqual(["ops/legacy", "ops/added-later"]);
    expect(emulator.compute.entries()[1].futureField).toEqual({ keep: "ops/added-later" });
    expect(emulator.requests().some((r) => r.method === "PUT" && (r.body as { specifications: unknown[] }).specifications.length === 0)).toBe(false);
  });

  it("refuses to empty the console in managed mode, saying how to do it deliberately", async () => {
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(2)));
    const error = await engine.destroy().catch((e: Error) => e);
    expect(String(error)).toMatch(/would leave the console with no registry entries.*mode: "authoritative"/s);
    expect(emulator.compute.entries()).toHaveLength(2);
  });

  it("adopts a console entry with the same identity instead of duplicating it", async () => {
    emulator.compute.setEntries([{ ...consoleOnlyEntry("team/repo-1"), tag: "latest", cap: 99 }]);
    const existingId = emulator.compute.entries()[0].id;
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(2)));
    const entries = emulator.compute.entries();
    expect(entries.map((e) => e.repository)).toEqual(["team/repo-1", "team/repo-0"]);
    expect(entries[0]).toMatchObject({ cap: 5, futureField: { keep: "team/repo-1" } });
    if (existingId !== undefined) expect(entries[0].id).toBe(existingId);
  });

  it("shows console-side drift on refresh, and the next up puts the declared values back", async () => {
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(3)));
    const edited = emulator.compute.entries().map((e) => (e.repository === "team/repo-0" ? { ...e, cap: 1 } : e));
    emulator.compute.setEntries(edited.filter((e) => e.repository !== "team/repo-2"));

    await engine.refresh();
    const refreshed = engine.find("compute")!.outputs.specifications as Record<string, { cap: number }>;
    expect(Object.keys(refreshed)).toEqual(["repo-0", "repo-1"]);
    expect(refreshed["repo-0"].cap).toBe(1);

    const preview = await engine.preview(settings(declaredSpecs(3)));
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications)).toEqual({
      added: ["repo-2"],
      removed: [],
      changed: ["repo-0"],
    });
    await engine.up(settings(declaredSpecs(3)));
    expect(emulator.compute.entries().map((e) => [e.repository, e.cap])).toEqual([
      ["team/repo-0", 5],
      ["team/repo-1", 5],
      ["team/repo-2", 5],
    ]);
  });
});

describe("RegistrySettings in authoritative mode", () => {
  it("makes the list exactly the declared entries, and a refresh shows entries added since", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    engine = await startComputeEngine(emulator);
    await engine.up(settings(declaredSpecs(2), { mode: "authoritative" }));
    expect(repositories()).toEqual(["team/repo-0", "team/repo-1"]);

    emulator.compute.setEntries([...emulator.compute.entries(), consoleOnlyEntry("ops/sneaked-in")]);
    await engine.refresh();
    const preview = await engine.preview(settings(declaredSpecs(2), { mode: "authoritative" }));
    const { removed } = changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications);
    expect(removed).toEqual([expect.stringContaining("ops/sneaked-in")]);
    await engine.up(settings(declaredSpecs(2), { mode: "authoritative" }));
    expect(repositories()).toEqual(["team/repo-0", "team/repo-1"]);
  });
});

describe("RegistrySettings input checks", () => {
  const cases: [string, () => InstanceType<typeof RegistrySpecification>[], RegExp][] = [
    ["an unknown os", () => [new RegistrySpecification("x", { version: "2", os: "solaris" as "linux" })], /specifications\[x\]\.os: must be one of/],
    ["an unknown version", () => [new RegistrySpecification("x", { version: "docker" as "2" })], /specifications\[x\]\.version: must be one of/],
    ["an unknown jfrogRepoTypes value", () => [new RegistrySpecification("x", { version: "jfrog", jfrogRepoTypes: ["cloud" as "local"] })], /specifications\[x\]\.jfrogRepoTypes\[0\]/],
    ["a negative cap", () => [new RegistrySpecification("x", { version: "2", cap: -1 })], /specifications\[x\]\.cap: must not be negative/],
    ["a fractional scanners", () => [new RegistrySpecification("x", { version: "2", scanners: 1.5 })], /specifications\[x\]\.scanners: must be an integer/],
    ["a wrong type", () => [new RegistrySpecification("x", { version: "2", tag: 7 as unknown as string })], /specifications\[x\]\.tag: must be a string/],
    ["gitlab without its spec", () => [new RegistrySpecification("x", { version: "gitlab", gitlabRegistrySpec: {} })], /specifications\[x\]\.gitlabRegistrySpec: is required for version "gitlab"/],
    ["a duplicate name", () => [new RegistrySpecification("x", { version: "2", repository: "a" }), new RegistrySpecification("x", { version: "2", repository: "b" })], /specifications\[x\]: the name "x" is declared twice/],
    ["a duplicate identity", () => [new RegistrySpecification("x", { version: "2", repository: "a" }), new RegistrySpecification("y", { version: "2", repository: "a" })], /specifications\[y\]: targets the same registry/],
  ];
  it.each(cases)("refuses %s in check, sending no request", async (_name, specs, message) => {
    engine = engine ?? (await startComputeEngine(emulator));
    emulator.clearRequests();
    const error = await engine.up(() => void new RegistrySettings("compute", { specifications: specs() })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(message);
    expect(emulator.requests()).toEqual([]);
  });

  it("refuses more than 19,999 declared entries in check, before any request", async () => {
    engine = await startComputeEngine(emulator);
    emulator.clearRequests();
    await expect(engine.up(settings(declaredSpecs(20_000)))).rejects.toThrow(/declares 20000 entries; a console holds at most 19999/);
    expect(emulator.requests()).toEqual([]);
  });

  it("refuses declared plus unmanaged above the cap before the write, naming both counts", async () => {
    emulator.compute.setEntries(Array.from({ length: 19_995 }, (_, i) => consoleOnlyEntry(`ops/${i}`)));
    engine = await startComputeEngine(emulator);
    emulator.clearRequests();
    await expect(engine.up(settings(declaredSpecs(5)))).rejects.toThrow(/20000 registry entries \(5 declared by this stack \+ 19995 not managed by it\)/);
    expect(registryCalls(emulator.requests())).toEqual(["GET 200"]);
    expect(emulator.compute.entries()).toHaveLength(19_995);
  });
});

describe("RegistrySettings client behaviour", () => {
  it("logs in again when the token expires mid-run", async () => {
    const shortLived = await startEmulator({ compute: { tokenLifetimeSeconds: 1 } });
    try {
      engine = await startComputeEngine(shortLived);
      await engine.up(settings(declaredSpecs(2)));
      await new Promise((r) => setTimeout(r, 1200));
      await engine.up(settings(declaredSpecs(3)));
      const calls = shortLived.requests().map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")} ${r.status}`);
      expect(calls.filter((c) => c.includes("401"))).toEqual(["GET /settings/registry 401"]);
      expect(shortLived.compute.tokensIssued()).toBe(2);
      expect(shortLived.compute.entries()).toHaveLength(3);
    } finally {
      await shortLived.close();
    }
  });

  it("uses HTTP Basic on every request when asked", async () => {
    engine = await startComputeEngine(emulator, { config: computeConfig(emulator, { "prismaCloudCompute:auth": "basic" }) });
    await engine.up(settings(declaredSpecs(1)));
    expect(emulator.compute.tokensIssued()).toBe(0);
    expect(emulator.compute.entries()).toHaveLength(1);
  });

  it("retries 429 (honouring Retry-After) and 503, then succeeds", async () => {
    engine = await startComputeEngine(emulator);
    emulator.faults.failNext(1, 429, { api: "compute", pathIncludes: "/settings/registry", retryAfterSeconds: 1 });
    emulator.faults.failNext(1, 503, { api: "compute", method: "PUT" });
    const started = Date.now();
    await engine.up(settings(declaredSpecs(2)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(registryCalls(emulator.requests())).toEqual(["GET 429", "GET 200", "PUT 503", "PUT 200", "GET 200"]);
    expect(emulator.compute.entries()).toHaveLength(2);
  });

  it("gives up on a console that keeps failing, with the status, the API's words and a hint", async () => {
    engine = await startComputeEngine(emulator);
    emulator.faults.failNext(50, 500, { api: "compute", pathIncludes: "/settings/registry" });
    const error = await engine.up(settings(declaredSpecs(1))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toMatch(/Prisma Cloud Compute GET \/api\/v1\/settings\/registry failed with HTTP 500: .+\. The console failed; run the command again/);
  });

  it("survives a connection dropped after the write was applied", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    engine = await startComputeEngine(emulator);
    emulator.faults.dropNext(1, "after-apply", { api: "compute", method: "PUT" });
    await engine.up(settings(declaredSpecs(2)));
    expect(registryCalls(emulator.requests())).toEqual(["GET 200", "PUT 0", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);
  });

  it("detects a concurrent writer that changed the list after our write", async () => {
    emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    engine = await startComputeEngine(emulator);
    emulator.faults.afterApply({ api: "compute", method: "PUT" }, () => {
      emulator.compute.setEntries(emulator.compute.entries().filter((e) => e.repository !== "ops/legacy"));
    });
    const error = await engine.up(settings(declaredSpecs(2))).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/changed while this update wrote it[\s\S]*unmanaged entry 2 registry.example.com\/ops\/legacy:stable \(linux\) is missing[\s\S]*pulumi refresh/);
  });
});

describe("RegistrySettings secrets", () => {
  it("keeps the console password out of the serialized provider, the state, logs and errors", async () => {
    const password = emulator.credentials.compute.password;
    const resources = await captureProgram(
      () =>
        void new RegistrySettings("compute", {
          specifications: declaredSpecs(1),
          console: { url: emulator.computeUrl, username: "admin", password: pulumi.secret(password) },
        }),
    );
    expect(String(resources[0].inputs.__provider)).not.toContain(password);

    engine = await Engine.start();
    await engine.up(
      () =>
        void new RegistrySettings("compute", {
          specifications: declaredSpecs(1),
          console: { url: emulator.computeUrl, username: "admin", password: pulumi.secret(password) },
        }),
    );
    expect(engine.checkpointText()).not.toContain(password);
    expect(emulator.compute.entries()).toHaveLength(1);

    const wrong = `${password}-wrong`;
    const error = await engine
      .up(() => void new RegistrySettings("compute", { specifications: declaredSpecs(2), console: { url: emulator.computeUrl, username: "admin", password: pulumi.secret(wrong) } }))
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(/POST \/api\/v1\/authenticate failed with HTTP 401.*Check prismaCloudCompute:username/);
    expect((error as Error).message).not.toContain(wrong);
    expect(engine.host.output()).not.toContain(password);
  });

  it("reads credentials from the environment when neither the resource nor stack config has them", async () => {
    engine = await Engine.start({
      env: {
        ...process.env,
        PRISMA_CLOUD_COMPUTE_URL: emulator.computeUrl,
        PRISMA_CLOUD_COMPUTE_USERNAME: emulator.credentials.compute.username,
        PRISMA_CLOUD_COMPUTE_PASSWORD: emulator.credentials.compute.password,
      },
    });
    await engine.up(settings(declaredSpecs(1)));
    expect(emulator.compute.entries()).toHaveLength(1);
  });
});
