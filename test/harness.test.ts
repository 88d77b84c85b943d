import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { captureProgram, CheckFailedError, Engine, PolicyHost, PolicyViolationError } from "../harness";
import { builtPath, requireBuilt } from "./support/built";

type FileModule = typeof import("./fixtures/fileResource");
const { FileResource } = requireBuilt<FileModule>("test/fixtures/fileResource");

let dir: string;
let engine: Engine | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-"));
});
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const onDisk = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as { content: string; secretLength: number };

describe("captureProgram", () => {
  it("captures the type token, name and the real serialized provider", async () => {
    const file = path.join(dir, "a.json");
    const resources = await captureProgram(() => {
      new FileResource("a", { path: file, content: "hello" });
    });
    expect(resources).toHaveLength(1);
    expect(resources[0].type).toBe("pulumi-nodejs:dynamic/harnessTest:FileResource");
    expect(resources[0].inputs.content).toBe("hello");
    const provider = resources[0].inputs.__provider;
    expect(typeof provider).toBe("string");
    expect(provider as string).toContain("exports.handler");
  });

  it("keeps secret inputs marked, as the language host sends them", async () => {
    const resources = await captureProgram(() => {
      new FileResource("a", { path: path.join(dir, "a.json"), content: "x", secret: pulumi.secret("hunter2") });
    });
    expect(resources[0].inputs.secret).toMatchObject({ value: "hunter2" });
    expect(resources[0].inputs.__provider as string).not.toContain("hunter2");
  });
});

describe("Engine lifecycle through the SDK's dynamic-provider host", () => {
  it("creates, updates, replaces, refreshes and destroys as pulumi would", async () => {
    engine = await Engine.start({ config: { "harnessTest:prefix": "cfg:" } });
    const first = path.join(dir, "first.json");
    const second = path.join(dir, "second.json");

    const preview = await engine.preview(() => void new FileResource("f", { path: first, content: "one" }));
    expect(preview.steps.map((s) => s.op)).toEqual(["create"]);
    expect(fs.existsSync(first)).toBe(false);

    await engine.up(() => void new FileResource("f", { path: first, content: "one" }));
    expect(onDisk(first).content).toBe("cfg:one");

    const unchanged = await engine.up(() => void new FileResource("f", { path: first, content: "one" }));
    expect(unchanged.steps.map((s) => s.op)).toEqual(["same"]);

    const update = await engine.up(() => void new FileResource("f", { path: first, content: "two" }));
    expect(update.steps.map((s) => s.op)).toEqual(["update"]);
    expect(onDisk(first).content).toBe("cfg:two");

    const replace = await engine.up(() => void new FileResource("f", { path: second, content: "two" }));
    expect(replace.steps[0].op).toBe("replace");
    expect(replace.steps[0].diff?.replaces).toEqual(["path"]);
    expect(fs.existsSync(first)).toBe(false);
    expect(onDisk(second).content).toBe("cfg:two");

    fs.writeFileSync(second, JSON.stringify({ content: "edited by hand" }));
    await engine.refresh();
    expect(engine.find("f")?.outputs.written).toBe("edited by hand");

    fs.rmSync(second);
    const refreshed = await engine.refresh();
    expect(refreshed.steps.map((s) => s.op)).toEqual(["gone"]);
    expect(engine.resources).toHaveLength(0);

    await engine.up(() => void new FileResource("f", { path: second, content: "three" }));
    await engine.destroy();
    expect(fs.existsSync(second)).toBe(false);
    expect(engine.resources).toHaveLength(0);
  });

  it("deletes a resource the program no longer declares", async () => {
    engine = await Engine.start();
    const a = path.join(dir, "a.json");
    const b = path.join(dir, "b.json");
    await engine.up(() => {
      new FileResource("a", { path: a, content: "a" });
      new FileResource("b", { path: b, content: "b" });
    });
    const plan = await engine.up(() => void new FileResource("a", { path: a, content: "a" }));
    expect(plan.steps.map((s) => [s.name, s.op])).toEqual([
      ["a", "same"],
      ["b", "delete"],
    ]);
    expect(fs.existsSync(b)).toBe(false);
  });

  it("stops at check failures before any provider operation", async () => {
    engine = await Engine.start();
    const file = path.join(dir, "bad.json");
    const bad = () => void new FileResource("bad", { path: file, content: 42 as unknown as string });
    await expect(engine.up(bad)).rejects.toBeInstanceOf(CheckFailedError);
    await expect(engine.up(bad)).rejects.toThrow(/content: content must be a string/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("unwraps secrets for the provider and keeps their outputs encrypted in the checkpoint", async () => {
    engine = await Engine.start();
    const file = path.join(dir, "s.json");
    await engine.up(() => void new FileResource("s", { path: file, content: "x", secret: pulumi.secret("hunter2") }));
    expect(onDisk(file).secretLength).toBe("hunter2".length);
    expect(engine.find("s")?.secretKeys).toEqual(["secret"]);
    expect(engine.checkpointText()).not.toContain("hunter2");
  });
});

describe("PolicyHost through a pack's own analyzer server", () => {
  let pack: PolicyHost | undefined;
  afterEach(async () => {
    await pack?.stop();
    pack = undefined;
  });

  it("reports mandatory violations per resource and stack policies with their config", async () => {
    pack = await PolicyHost.start(builtPath("test/fixtures/policyPack/index.js"));
    const resources = await captureProgram(() => {
      new FileResource("ok", { path: path.join(dir, "1"), content: "fine" });
      new FileResource("bad", { path: path.join(dir, "2"), content: "forbidden words" });
      new FileResource("third", { path: path.join(dir, "3"), content: "fine" });
    });
    const perResource = (await Promise.all(resources.map((r) => pack!.analyze(r)))).flat();
    expect(perResource).toHaveLength(1);
    expect(perResource[0]).toMatchObject({ policyName: "no-forbidden-content", enforcementLevel: "mandatory" });
    expect(perResource[0].urn).toContain("::bad");

    expect(await pack.analyzeStack(resources)).toMatchObject([{ policyName: "max-files", enforcementLevel: "advisory" }]);
    await pack.configure({ "max-files": { maxFiles: 3 } });
    expect(await pack.analyzeStack(resources)).toEqual([]);
    await pack.configure({ "max-files": { maxFiles: 1, enforcementLevel: "mandatory" } });
    expect(await pack.analyzeStack(resources)).toMatchObject([{ enforcementLevel: "mandatory", message: expect.stringContaining("maxFiles 1") }]);
  });

  it("makes the engine's preview fail on a mandatory violation, before anything is applied", async () => {
    pack = await PolicyHost.start(builtPath("test/fixtures/policyPack/index.js"));
    engine = await Engine.start({ policyPacks: [pack] });
    const file = path.join(dir, "x.json");
    await expect(engine.up(() => void new FileResource("x", { path: file, content: "forbidden" }))).rejects.toBeInstanceOf(
      PolicyViolationError,
    );
    expect(fs.existsSync(file)).toBe(false);
  });
});
