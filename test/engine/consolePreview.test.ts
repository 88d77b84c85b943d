/**
 * What `pulumi preview --diff` prints about the console, under the real CLI:
 * an adoption, a rename, a release that restores, drift, and what
 * authoritative mode removes; and that up then destroy leaves the console as
 * it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutServerStatus } from "../../provider/compute/registryEntry";
import { consoleOnlyEntry } from "../support/computeSession";
import { emulatorConfig, useEmulator, writes } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

/** Entries come from stack config (`entries`: name=repository:cap,...), so each step is a config change, as a reviewer would see it. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

const config = new pulumi.Config();
const specifications = (config.get("entries") ?? "")
  .split(",")
  .filter((item) => item !== "")
  .map((item) => {
    const [name, rest] = item.split("=");
    const [repository, cap] = rest.split(":");
    return new RegistrySpecification(name, { version: "2", registry: "registry.example.com", repository, tag: "stable", os: "linux", cap: Number(cap) });
  });
new RegistrySettings("compute", { specifications, mode: config.get("mode") === "authoritative" ? "authoritative" : "managed" });
`;

const session = useEmulator();
const CONSOLE_ID = "65f0c1d2e3a4b5c6d7e8f9aa";
const adoptable = { ...consoleOnlyEntry("team/adopted"), cap: 9, excludedTags: ["nightly"], id: CONSOLE_ID };
const legacy = { ...consoleOnlyEntry("ops/legacy"), id: "65f0c1d2e3a4b5c6d7e8f9ab" };

describe("the preview shows what the apply does to the console, under the real CLI", () => {
  let project: UserProject;
  let before: Record<string, unknown>[];
  const configure = async (entries: string, mode = "managed") => {
    await project.ok(["config", "set", "entries", entries]);
    await project.ok(["config", "set", "mode", mode]);
  };
  const previewDiff = async () => {
    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    expect(writes(session.emulator.requests())).toEqual([]);
    return preview.stdout;
  };

  beforeAll(async () => {
    session.emulator.reset();
    session.emulator.compute.setEntries([adoptable, legacy]);
    before = session.emulator.compute.entries().map(withoutServerStatus);
    project = UserProject.create("console-preview", { "index.ts": PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", { ...config, entries: "", mode: "managed" }, secrets);
  });
  afterAll(() => project?.remove());

  it("names the console entry an adoption takes over, its id, and the fields it changes; then applies it", async () => {
    await configure("adopted=team/adopted:5,new=team/new:1");
    const preview = await previewDiff();
    expect(preview).toMatch(/adopted\s*: "2 registry.example.com\/team\/adopted:stable \(linux\)"/);
    expect(preview).toContain(`adopted: "adopt: takes over the console's entry 2 registry.example.com/team/adopted:stable (linux) (id ${CONSOLE_ID}) and changes cap, excludedTags`);
    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries()[0]).toMatchObject({ id: CONSOLE_ID, cap: 5 });

    // The record of the entry as it was (every field, whatever a console entry carries) is a secret in the state.
    const exported = JSON.parse((await project.ok(["stack", "export"])).stdout) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const settings = exported.deployment.resources.find((r) => r.type.endsWith(":RegistrySettings"));
    expect(settings?.outputs?.adoptionRecords).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
    expect(JSON.stringify(exported)).not.toContain("nightly");
  });

  it("shows a rename as a rename, and applies it without a write", async () => {
    await configure("kept=team/adopted:5,new=team/new:1");
    const preview = await previewDiff();
    expect(preview).toContain(`kept: "rename from \\"adopted\\": the console entry stays`);
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(writes(session.emulator.requests())).toEqual([]);
  });

  it("shows drift since the last apply, and a plain up repairs it", async () => {
    const drifted = session.emulator.compute.entries().map((e) => (e.repository === "team/new" ? { ...e, cap: 7 } : e));
    session.emulator.compute.setEntries(drifted);
    const preview = await previewDiff();
    expect(preview).toMatch(/~ pulumi-nodejs:dynamic\/registryScanning:RegistrySettings: \(update\)/);
    expect(preview).toContain(`new: "change cap`);
    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries().find((e) => e.repository === "team/new")).toMatchObject({ cap: 1 });
    const settled = await project.ok(["preview", "--diff"]);
    expect(settled.stdout).not.toMatch(/\(update\)/);
  });

  it("shows a release that puts an adopted entry back as it was", async () => {
    await configure("new=team/new:1");
    const preview = await previewDiff();
    // The row of an earlier apply for that entry shows as replaced by this one.
    expect(preview).toMatch(/~ kept: "rename from .*" => "restore: 2 registry.example.com\/team\/adopted:stable \(linux\) goes back to the fields it had before this stack adopted it \(#\d+\)"/);
    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries().map(withoutServerStatus).slice(0, 2)).toEqual(before);
  });

  it("lists, in authoritative mode, every console entry the apply will remove", async () => {
    await configure("new=team/new:1", "authoritative");
    const preview = await previewDiff();
    expect(preview).toMatch(/\+ console: 2 registry.example.com\/ops\/legacy:stable \(linux\)\s*: "remove: authoritative mode removes every entry no program declares \(#\d+\)"/);
    // The entry released (restored) by the last apply is no longer this stack's: authoritative mode would remove it too.
    expect(preview).toMatch(/\+ console: 2 registry.example.com\/team\/adopted:stable \(linux\)\s*: "remove: authoritative mode removes every entry no program declares \(#\d+\)"/);
    // Back to managed: nothing is removed, and destroy leaves the console as it was before the stack.
    await configure("new=team/new:1");
    await project.ok(["destroy", "--yes"]);
    expect(session.emulator.compute.entries().map(withoutServerStatus)).toEqual(before);
  });
});
