import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { captureProgram, CheckFailedError, Engine } from "../../harness";
import {
  changedEntryNames,
  computeConfig,
  consoleOnlyEntry,
  declaredSpecs,
  registryCalls,
  sdk,
  startComputeEngine,
} from "../support/computeSession";
import { fixtureCredentials } from "../support/consoleSeeds";
import { useEmulatorSession } from "../support/emulatorSession";

const { RegistrySettings, RegistrySpecification } = sdk();
type Specs = ReturnType<typeof declaredSpecs>;
const settings = (specifications: Specs, args: { mode?: "managed" | "authoritative" } = {}) => () =>
  void new RegistrySettings("compute", { specifications, ...args });

const session = useEmulatorSession();

const repositories = () => session.emulator.compute.entries().map((e) => e.repository);

describe("RegistrySettings lifecycle in managed mode", () => {
  it("creates declared entries next to unmanaged ones, keeping their unknown fields, in read-write-verify", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy"), consoleOnlyEntry("ops/other")]);
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();

    const plan = await session.engine.up(settings(declaredSpecs(3)));
    expect(plan.steps.map((s) => s.op)).toEqual(["create"]);
    // Check reads the console once to plan; then read, write, verify.
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "ops/other", "team/repo-0", "team/repo-1", "team/repo-2"]);
    const legacy = session.emulator.compute.entries()[0];
    expect(legacy.futureField).toEqual({ keep: "ops/legacy" });
    const put = session.emulator.requests().find((r) => r.method === "PUT");
    const written = (put?.body as { specifications: Record<string, unknown>[] }).specifications;
    expect(written[2]).toMatchObject({ credentialID: "example-registry", cap: 5, collections: ["All"] });
    expect(written[0]).not.toHaveProperty("scanStatus");
    expect(session.engine.find("compute")?.outputs).toMatchObject({ managedCount: 3, unmanagedCount: 2 });
  });

  it("updates one entry among thousands: the preview shows that entry alone, and the apply is one write", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(2000)));
    session.emulator.clearRequests();

    const changed = declaredSpecs(2000, { "repo-1000": { cap: 50 } });
    const preview = await session.engine.preview(settings(changed));
    expect(preview.steps[0].op).toBe("update");
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications)).toEqual({
      added: [],
      removed: [],
      changed: ["repo-1000"],
    });
    expect(preview.steps[0].news?.consoleChanges).toEqual({ "repo-1000": "change cap (#1)" });
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200"]);

    session.emulator.clearRequests();
    await session.engine.up(settings(changed));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200", "PUT 200", "GET 200"]);
    const entries = session.emulator.compute.entries();
    expect(entries).toHaveLength(2001);
    expect(entries.find((e) => e.repository === "team/repo-1000")?.cap).toBe(50);
    expect(entries.find((e) => e.repository === "team/repo-999")?.cap).toBe(5);
    expect(entries[0].futureField).toEqual({ keep: "ops/legacy" });
  });

  it("adds one entry as one added name, and an unchanged program sends no write", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(100)));
    const preview = await session.engine.preview(settings(declaredSpecs(101)));
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications).added).toEqual(["repo-100"]);

    session.emulator.clearRequests();
    const same = await session.engine.up(settings(declaredSpecs(100)));
    expect(same.steps[0].op).toBe("same");
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200"]);
  });

  it("removes an entry the program stops declaring, and destroy removes only declared entries", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(3)));
    await session.engine.up(settings(declaredSpecs(2)));
    expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);

    session.emulator.compute.setEntries([...session.emulator.compute.entries(), consoleOnlyEntry("ops/added-later")]);
    await session.engine.destroy();
    expect(repositories()).toEqual(["ops/legacy", "ops/added-later"]);
    expect(session.emulator.compute.entries()[1].futureField).toEqual({ keep: "ops/added-later" });
    expect(session.emulator.requests().some((r) => r.method === "PUT" && (r.body as { specifications: unknown[] }).specifications.length === 0)).toBe(false);
  });

  it("destroys a stack that owns every entry of the console: the list is written empty and verified", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(2)));
    session.emulator.clearRequests();
    await session.engine.destroy();
    expect(session.emulator.compute.entries()).toEqual([]);
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "PUT 200", "GET 200"]);
    const put = session.emulator.requests().find((r) => r.method === "PUT");
    expect(put?.body).toEqual({ specifications: [] });
  });

  it("writes an empty list when a managed program drops the last entries it owned", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(2)));
    await session.engine.up(settings([]));
    expect(session.emulator.compute.entries()).toEqual([]);
  });

  it("serializes two RegistrySettings on one console in one deployment, so neither loses the other's entries", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator, { parallel: 2 });
    const team = (prefix: string) =>
      Array.from({ length: 25 }, (_, i) => new RegistrySpecification(`${prefix}-${i}`, { version: "2", registry: "registry.example.com", repository: `${prefix}/repo-${i}`, tag: "latest", os: "linux" }));
    await session.engine.up(() => {
      new RegistrySettings("team-a", { specifications: team("a") });
      new RegistrySettings("team-b", { specifications: team("b") });
    });
    const present = repositories();
    expect(present).toHaveLength(51);
    expect(present[0]).toBe("ops/legacy");
    for (const prefix of ["a", "b"]) for (let i = 0; i < 25; i++) expect(present).toContain(`${prefix}/repo-${i}`);
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
  });

  it("adopts a console entry with the same identity instead of duplicating it", async () => {
    session.emulator.compute.setEntries([{ ...consoleOnlyEntry("team/repo-1"), tag: "latest", cap: 99 }]);
    const existingId = session.emulator.compute.entries()[0].id;
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(2)));
    const entries = session.emulator.compute.entries();
    expect(entries.map((e) => e.repository)).toEqual(["team/repo-1", "team/repo-0"]);
    expect(entries[0]).toMatchObject({ cap: 5, futureField: { keep: "team/repo-1" } });
    if (existingId !== undefined) expect(entries[0].id).toBe(existingId);
  });

  it("shows console-side drift on refresh, and the next up puts the declared values back", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(3)));
    const edited = session.emulator.compute.entries().map((e) => (e.repository === "team/repo-0" ? { ...e, cap: 1 } : e));
    session.emulator.compute.setEntries(edited.filter((e) => e.repository !== "team/repo-2"));

    await session.engine.refresh();
    const refreshed = session.engine.find("compute")!.outputs.specifications as Record<string, string>;
    expect(Object.keys(refreshed)).toEqual(["repo-0", "repo-1"]);
    expect(JSON.parse(refreshed["repo-0"]).cap).toBe(1);

    const preview = await session.engine.preview(settings(declaredSpecs(3)));
    expect(changedEntryNames(preview.steps[0].olds?.specifications, preview.steps[0].news?.specifications)).toEqual({
      added: ["repo-2"],
      removed: [],
      changed: ["repo-0"],
    });
    await session.engine.up(settings(declaredSpecs(3)));
    expect(session.emulator.compute.entries().map((e) => [e.repository, e.cap])).toEqual([
      ["team/repo-0", 5],
      ["team/repo-1", 5],
      ["team/repo-2", 5],
    ]);
  });
});

/** Applies one entry, then gives the same stack (its checkpoint) to an engine whose prismaCloudCompute:url names `other`. */
async function applyThenRepoint(other: Emulator): Promise<void> {
  session.engine = await startComputeEngine(session.emulator);
  await session.engine.up(settings(declaredSpecs(1)));
  const checkpoint = session.engine.resources;
  await session.engine.stop();
  session.engine = await startComputeEngine(other);
  session.engine.resources = checkpoint;
}

describe("RegistrySettings moving to another console", () => {
  it("stays on its console: a new console.url (another console, or an alias of this one) stops the preview, changing nothing", async () => {
    const other = await startEmulator({ compute: { username: "admin", password: session.emulator.credentials.compute.password, credentials: fixtureCredentials() } });
    try {
      session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
      const password = pulumi.secret(session.emulator.credentials.compute.password);
      const onUrl = (url: string) => () =>
        void new RegistrySettings("compute", { specifications: declaredSpecs(2), console: { url, username: "admin", password } });
      session.engine = await Engine.start();
      await session.engine.up(onUrl(session.emulator.computeUrl));
      session.emulator.clearRequests();
      for (const url of [other.computeUrl, session.emulator.computeUrl.replace("127.0.0.1", "localhost")]) {
        const error = await session.engine.up(onUrl(url)).catch((e: Error) => e);
        expect(String(error)).toMatch(/console\.url now names .*A RegistrySettings stays on its console.*pulumi destroy --target/s);
      }
      // A spelling of the same URL is the same console.
      await session.engine.up(onUrl(`${session.emulator.computeUrl.toUpperCase().replace("HTTP://", "http://")}/`));
      expect(other.requests()).toEqual([]);
      expect(registryCalls(session.emulator.requests()).filter((call) => call.startsWith("PUT"))).toEqual([]);
      expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);
    } finally {
      await other.close();
    }
  });

  it("stops, before any request, when stack config starts naming another console, saying how to move", async () => {
    const other = await startEmulator({ compute: { credentials: fixtureCredentials() } });
    try {
      await applyThenRepoint(other);
      const error = await session.engine!.up(settings(declaredSpecs(1))).catch((e: Error) => e);
      expect(String(error)).toMatch(/prismaCloudCompute:url \(or PRISMA_CLOUD_COMPUTE_URL\) now names .*pulumi destroy --target/s);
      expect(other.requests()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("refuses to delete on a console other than the one its entries live in", async () => {
    const other = await startEmulator({ compute: { credentials: fixtureCredentials() } });
    try {
      await applyThenRepoint(other);
      const error = await session.engine!.destroy().catch((e: Error) => e);
      expect(String(error)).toMatch(/manages entries in the console .* but the console configured now is .*Restore the previous prismaCloudCompute:url/s);
      expect(other.requests()).toEqual([]);
      expect(session.emulator.compute.entries()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("RegistrySettings in a console project", () => {
  it("manages one project's list, naming the project on every request, and leaves the console's own list alone", async () => {
    const consoleWithProjects = await startEmulator({
      compute: { credentials: fixtureCredentials(), projects: { "Team A": { entries: [consoleOnlyEntry("ops/team-a-legacy")], credentials: fixtureCredentials() } } },
    });
    try {
      consoleWithProjects.compute.setEntries([consoleOnlyEntry("ops/central")]);
      const config = computeConfig(consoleWithProjects, { "prismaCloudCompute:project": "Team A" });
      session.engine = await startComputeEngine(consoleWithProjects, { config });
      await session.engine.up(settings(declaredSpecs(2)));
      expect(consoleWithProjects.compute.entries("Team A").map((e) => e.repository)).toEqual(["ops/team-a-legacy", "team/repo-0", "team/repo-1"]);
      expect(consoleWithProjects.compute.entries().map((e) => e.repository)).toEqual(["ops/central"]);
      const projects = consoleWithProjects.requests().map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")} ${r.query.project}`);
      expect(new Set(projects)).toEqual(new Set(["POST /authenticate Team A", "GET /settings/registry Team A", "GET /credentials Team A", "PUT /settings/registry Team A"]));
      expect(session.engine.find("compute")?.id).toBe(`${consoleWithProjects.computeUrl}/settings/registry?project=Team%20A`);
      expect(session.engine.find("compute")?.outputs).toMatchObject({ consoleProject: "Team A", managedCount: 2, unmanagedCount: 1 });

      // A resource stays on its project, as on its console: the preview stops before any request.
      await session.engine.stop();
      consoleWithProjects.clearRequests();
      const state = session.engine;
      session.engine = await startComputeEngine(consoleWithProjects, { config: { ...config, "prismaCloudCompute:project": "Team B" } });
      session.engine.resources = state.resources;
      const error = await session.engine.up(settings(declaredSpecs(2))).catch((e: Error) => e);
      expect(String(error)).toMatch(/manages entries in project "Team A" of .* but prismaCloudCompute:project \(or PRISMA_CLOUD_COMPUTE_PROJECT\) now names project "Team B"/);
      expect(consoleWithProjects.requests()).toEqual([]);
      await session.engine.stop();

      session.engine = await startComputeEngine(consoleWithProjects, { config });
      session.engine.resources = state.resources;
      await session.engine.destroy();
      expect(consoleWithProjects.compute.entries("Team A").map((e) => e.repository)).toEqual(["ops/team-a-legacy"]);
      expect(consoleWithProjects.compute.entries().map((e) => e.repository)).toEqual(["ops/central"]);
    } finally {
      await consoleWithProjects.close();
    }
  });

  it("keeps two resources on two projects of one console apart, and reports a project the console does not have", async () => {
    const consoleWithProjects = await startEmulator({ compute: { credentials: fixtureCredentials(), projects: { "Team A": { entries: [], credentials: fixtureCredentials() } } } });
    try {
      const password = pulumi.secret(consoleWithProjects.credentials.compute.password);
      const target = (project?: string) => ({ url: consoleWithProjects.computeUrl, username: "admin", password, project });
      session.engine = await Engine.start();
      await session.engine.up(() => {
        new RegistrySettings("central", { specifications: declaredSpecs(1), console: target() });
        new RegistrySettings("team-a", { specifications: declaredSpecs(2), console: target("Team A") });
      });
      expect(consoleWithProjects.compute.entries().map((e) => e.repository)).toEqual(["team/repo-0"]);
      expect(consoleWithProjects.compute.entries("Team A").map((e) => e.repository)).toEqual(["team/repo-0", "team/repo-1"]);

      const error = await session.engine
        .up(() => void new RegistrySettings("nowhere", { specifications: declaredSpecs(1), console: target("No Such Team") }))
        .catch((e: Error) => e);
      expect(String(error)).toMatch(/HTTP 400: project "No Such Team" does not exist/);
    } finally {
      await consoleWithProjects.close();
    }
  });
});

describe("RegistrySettings in authoritative mode", () => {
  it("previews every console entry it will remove, on creation and for entries added since, then makes the list exactly the declared ones", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator);
    const authoritative = settings(declaredSpecs(2), { mode: "authoritative" });
    const creation = await session.engine.preview(authoritative);
    expect(creation.steps[0].news?.consoleChanges).toEqual({
      "console: 2 registry.example.com/ops/legacy:stable (linux)": "remove: authoritative mode removes every entry no program declares (#1)",
    });
    await session.engine.up(authoritative);
    expect(repositories()).toEqual(["team/repo-0", "team/repo-1"]);

    session.emulator.compute.setEntries([...session.emulator.compute.entries(), consoleOnlyEntry("ops/sneaked-in")]);
    const preview = await session.engine.preview(authoritative);
    expect(preview.steps[0].op).toBe("update");
    const { added, changed } = changedEntryNames(preview.steps[0].olds?.consoleChanges, preview.steps[0].news?.consoleChanges);
    expect([...added, ...changed]).toEqual(["console: 2 registry.example.com/ops/sneaked-in:stable (linux)"]);
    await session.engine.up(authoritative);
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
    ["a duplicate identity", () => [new RegistrySpecification("x", { version: "2", repository: "a" }), new RegistrySpecification("y", { version: "2", repository: "a" })], /specifications\[y\]: targets the same registry/],
  ];
  it.each(cases)("refuses %s in check, sending no request", async (_name, specs, message) => {
    session.engine = session.engine ?? (await startComputeEngine(session.emulator));
    session.emulator.clearRequests();
    const error = await session.engine.up(() => void new RegistrySettings("compute", { specifications: specs() })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(message);
    expect(session.emulator.requests()).toEqual([]);
  });

  it("refuses two entries with one name when the program builds the resource, naming both, before any request", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    const twice = () => [new RegistrySpecification("x", { version: "2", repository: "a" }), new RegistrySpecification("x", { version: "2", repository: "b" })];
    const error = await session.engine.up(() => void new RegistrySettings("compute", { specifications: twice() })).catch((e: Error) => e);
    expect(String(error)).toMatch(/RegistrySettings "compute": specifications 0 and 1 are both named "x"/);
    for (const reserved of ["__proto__", "constructor", "prototype"]) {
      const named = () => [new RegistrySpecification("ok", { version: "2", repository: "a" }), new RegistrySpecification(reserved, { version: "2", repository: "b" })];
      const refused = await session.engine.up(() => void new RegistrySettings("compute", { specifications: named() })).catch((e: Error) => e);
      expect(String(refused)).toMatch(new RegExp(`specification 1 is named "${reserved}", a reserved name`));
    }
    expect(session.emulator.requests()).toEqual([]);
  });

  it("fails the preview already when no console password is configured, naming where to set it, before any request", async () => {
    const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PRISMA_CLOUD_COMPUTE_")));
    session.engine = await startComputeEngine(session.emulator, {
      config: { "prismaCloudCompute:url": session.emulator.computeUrl, "prismaCloudCompute:username": "admin" },
      env: environment,
    });
    session.emulator.clearRequests();
    const error = await session.engine.preview(settings(declaredSpecs(1))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(/No Prisma Cloud Compute password configured: set .*prismaCloudCompute:password.*PRISMA_CLOUD_COMPUTE_PASSWORD/);
    expect(session.emulator.requests()).toEqual([]);
  });

  it("refuses more than 19,999 declared entries in check, before any request", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    await expect(session.engine.up(settings(declaredSpecs(20_000)))).rejects.toThrow(/declares 20000 entries; a console holds at most 19999/);
    expect(session.emulator.requests()).toEqual([]);
  });

  it("refuses declared plus unmanaged above the cap before the write, naming both counts", async () => {
    session.emulator.compute.setEntries(Array.from({ length: 19_995 }, (_, i) => consoleOnlyEntry(`ops/${i}`)));
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    await expect(session.engine.up(settings(declaredSpecs(5)))).rejects.toThrow(/20000 registry entries \(5 declared by this stack \+ 19995 not managed by it\)/);
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200"]);
    expect(session.emulator.compute.entries()).toHaveLength(19_995);
  });
});

describe("RegistrySettings client behaviour", () => {
  it("logs in again when the token expires mid-run", async () => {
    const shortLived = await startEmulator({ compute: { tokenLifetimeSeconds: 1, credentials: fixtureCredentials() } });
    try {
      session.engine = await startComputeEngine(shortLived);
      await session.engine.up(settings(declaredSpecs(2)));
      await new Promise((r) => setTimeout(r, 1200));
      await session.engine.up(settings(declaredSpecs(3)));
      const calls = shortLived.requests().map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")} ${r.status}`);
      expect(calls.filter((c) => c.includes("401"))).toEqual(["GET /settings/registry 401"]);
      expect(shortLived.compute.tokensIssued()).toBe(2);
      expect(shortLived.compute.entries()).toHaveLength(3);
    } finally {
      await shortLived.close();
    }
  });

  it("uses HTTP Basic on every request when asked", async () => {
    session.engine = await startComputeEngine(session.emulator, { config: computeConfig(session.emulator, { "prismaCloudCompute:auth": "basic" }) });
    await session.engine.up(settings(declaredSpecs(1)));
    expect(session.emulator.compute.tokensIssued()).toBe(0);
    expect(session.emulator.compute.entries()).toHaveLength(1);
  });

  it("retries 429 (honouring Retry-After) and 503, then succeeds", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.faults.failNext(1, 429, { api: "compute", pathIncludes: "/settings/registry", retryAfterSeconds: 1 });
    session.emulator.faults.failNext(1, 503, { api: "compute", method: "PUT" });
    const started = Date.now();
    await session.engine.up(settings(declaredSpecs(2)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 429", "GET 200", "GET 200", "PUT 503", "PUT 200", "GET 200"]);
    expect(session.emulator.compute.entries()).toHaveLength(2);
  });

  it("retries a 500 on the read and on the verified full-list write, then succeeds", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.faults.failNext(1, 500, { api: "compute", method: "GET", pathIncludes: "/settings/registry" });
    session.emulator.faults.failNext(1, 500, { api: "compute", method: "PUT" });
    await session.engine.up(settings(declaredSpecs(2)));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 500", "GET 200", "GET 200", "PUT 500", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);
    expect(session.emulator.compute.entries()[0].futureField).toEqual({ keep: "ops/legacy" });
  });

  it("refuses a read without a list ({} or specifications: null), writing nothing; the one-run confirmation lets it through", async () => {
    const others = Array.from({ length: 20 }, (_, i) => consoleOnlyEntry(`ops/team-${i}`));
    session.emulator.compute.setEntries(others);
    const before = session.emulator.compute.entries();
    session.engine = await startComputeEngine(session.emulator);
    for (const badAnswer of [{}, { specifications: null }]) {
      session.emulator.clearRequests();
      session.emulator.faults.answerNext(1, badAnswer, { api: "compute", method: "GET", pathIncludes: "/settings/registry" });
      const error = await session.engine.up(settings(declaredSpecs(2))).catch((e: Error) => e);
      expect(String(error)).toMatch(/no registry list \(specifications is missing or null\), so nothing was written[\s\S]*PRISMA_CLOUD_COMPUTE_ACCEPT_LIST_AS_READ=true/);
      expect(session.emulator.requests().filter((r) => r.method === "PUT")).toEqual([]);
      expect(session.emulator.compute.entries()).toEqual(before);
    }
    await session.engine.stop();

    // Confirmed for one run: the missing list counts as an empty console.
    session.engine = await startComputeEngine(session.emulator, { env: { ...process.env, PRISMA_CLOUD_COMPUTE_ACCEPT_LIST_AS_READ: "true" } });
    session.emulator.compute.setEntries([]);
    session.emulator.faults.answerNext(1, {}, { api: "compute", method: "GET", pathIncludes: "/settings/registry" });
    await session.engine.up(settings(declaredSpecs(2)));
    expect(repositories()).toEqual(["team/repo-0", "team/repo-1"]);
  });

  it("refuses to write over a list that lost most of the entries of others since the last apply, erasing none", async () => {
    const others = Array.from({ length: 30 }, (_, i) => consoleOnlyEntry(`ops/team-${i}`));
    session.emulator.compute.setEntries(others);
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(settings(declaredSpecs(2)));
    const before = session.emulator.compute.entries();
    // The console answers a partial list, to the preview's read and the apply's: our two entries and 2 of the 30 others.
    session.emulator.faults.answerNext(2, { specifications: [...before.slice(0, 2), ...before.slice(30)] }, { api: "compute", method: "GET", pathIncludes: "/settings/registry" });
    session.emulator.clearRequests();
    const error = await session.engine.up(settings(declaredSpecs(2, { "repo-0": { cap: 9 } }))).catch((e: Error) => e);
    expect(String(error)).toMatch(/holds 2 entries this stack does not manage, where the last apply or refresh saw 30[\s\S]*pulumi refresh[\s\S]*ACCEPT_LIST_AS_READ=true/);
    expect(session.emulator.requests().filter((r) => r.method === "PUT")).toEqual([]);
    expect(session.emulator.compute.entries()).toEqual(before);
  });

  it("gives up on a console that keeps failing, with the status, the API's words and a hint", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.faults.failNext(50, 500, { api: "compute", pathIncludes: "/settings/registry" });
    const error = await session.engine.up(settings(declaredSpecs(1))).catch((e: Error) => e);
    // The preview's read already fails: nothing is planned on a console that cannot be read.
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(/Prisma Cloud Compute GET \/api\/v1\/settings\/registry failed with HTTP 500: .+\. The console failed; run the command again/);
  });

  it("survives a connection dropped after the write was applied", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy")]);
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.faults.dropNext(1, "after-apply", { api: "compute", method: "PUT" });
    await session.engine.up(settings(declaredSpecs(2)));
    expect(registryCalls(session.emulator.requests())).toEqual(["GET 200", "GET 200", "PUT 0", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "team/repo-0", "team/repo-1"]);
  });

  it("writes again when another writer's write undoes ours, keeping what that writer changed", async () => {
    session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy"), consoleOnlyEntry("ops/retired")]);
    session.engine = await startComputeEngine(session.emulator);
    // Right after our write: another writer, working from the list before it, writes its own version (without our entries, without ops/retired).
    session.emulator.faults.afterApply({ api: "compute", method: "PUT" }, () => {
      session.emulator.compute.setEntries([consoleOnlyEntry("ops/legacy"), consoleOnlyEntry("ops/theirs")]);
    });
    await session.engine.up(settings(declaredSpecs(2)));
    expect(registryCalls(session.emulator.requests()).slice(1)).toEqual(["GET 200", "PUT 200", "GET 200", "PUT 200", "GET 200"]);
    expect(repositories()).toEqual(["ops/legacy", "ops/theirs", "team/repo-0", "team/repo-1"]);
  });

  it("stops after a bounded number of writes when another writer keeps undoing ours, saying what is missing", async () => {
    session.engine = await startComputeEngine(session.emulator);
    for (let i = 0; i < 4; i += 1) session.emulator.faults.afterApply({ api: "compute", method: "PUT" }, () => session.emulator.compute.setEntries([]));
    const error = await session.engine.up(settings(declaredSpecs(1))).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/changed while this update wrote it[\s\S]*declared entry "repo-0" .* is missing[\s\S]*pulumi refresh/);
    expect(registryCalls(session.emulator.requests()).filter((call) => call.startsWith("PUT"))).toHaveLength(4);
  });
});

describe("RegistrySettings secrets", () => {
  it("keeps the console password out of the serialized provider, the state, logs and errors", async () => {
    const password = session.emulator.credentials.compute.password;
    const resources = await captureProgram(
      () =>
        void new RegistrySettings("compute", {
          specifications: declaredSpecs(1),
          console: { url: session.emulator.computeUrl, username: "admin", password: pulumi.secret(password) },
        }),
    );
    expect(String(resources[0].inputs.__provider)).not.toContain(password);

    session.engine = await Engine.start();
    await session.engine.up(
      () =>
        void new RegistrySettings("compute", {
          specifications: declaredSpecs(1),
          console: { url: session.emulator.computeUrl, username: "admin", password: pulumi.secret(password) },
        }),
    );
    expect(session.engine.checkpointText()).not.toContain(password);
    expect(session.emulator.compute.entries()).toHaveLength(1);

    const wrong = `${password}-wrong`;
    const error = await session.engine
      .up(() => void new RegistrySettings("compute", { specifications: declaredSpecs(2), console: { url: session.emulator.computeUrl, username: "admin", password: pulumi.secret(wrong) } }))
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(/POST \/api\/v1\/authenticate failed with HTTP 401.*Check prismaCloudCompute:username/);
    expect((error as Error).message).not.toContain(wrong);
    expect(session.engine.host.output()).not.toContain(password);
  });

  it("reads credentials from the environment when neither the resource nor stack config has them", async () => {
    session.engine = await Engine.start({
      env: {
        ...process.env,
        PRISMA_CLOUD_COMPUTE_URL: session.emulator.computeUrl,
        PRISMA_CLOUD_COMPUTE_USERNAME: session.emulator.credentials.compute.username,
        PRISMA_CLOUD_COMPUTE_PASSWORD: session.emulator.credentials.compute.password,
      },
    });
    await session.engine.up(settings(declaredSpecs(1)));
    expect(session.emulator.compute.entries()).toHaveLength(1);
  });
});
