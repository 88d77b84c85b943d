/**
 * A console at the cap: 19,999 entries in one RegistrySettings under the real
 * CLI. What a reviewer reads for a one-field change must name that entry and
 * that field and stay short.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_REGISTRY_ENTRIES } from "../../rules";
import { registryCalls } from "../support/computeSession";
import { emulatorConfig, useEmulator, writes, UP_WITH_ONE_WRITE } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

/** A program that declares `entryCount` entries; `bumpedEntry`, when set, names the one whose cap goes 3 -> 4. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

const config = new pulumi.Config();
const bumped = config.get("bumpedEntry");
const specifications = Array.from({ length: config.requireNumber("entryCount") }, (_, i) =>
  new RegistrySpecification(\`service-\${i}\`, {
    version: "2",
    registry: "registry.acme.internal",
    repository: \`services/service-\${i}\`,
    tag: "latest",
    os: "linux",
    cap: \`service-\${i}\` === bumped ? 4 : 3,
    scanners: 1,
    collections: ["All"],
    credentialId: "acme-registry",
  }),
);
const settings = new RegistrySettings("compute", { specifications, scanLater: true });
export const managedEntries = settings.managedCount;
`;

/** The lines a reviewer reads in `pulumi preview --diff` for a one-field change, whatever the list's size. */
const LINE_BUDGET = 40;

/** The part of `pulumi preview --json` this test reads. */
const previewJsonSchema = z.object({
  steps: z.array(
    z.object({ op: z.string(), urn: z.string(), diffReasons: z.array(z.string()).nullish(), detailedDiff: z.record(z.string(), z.object({ kind: z.string() })).nullish() }),
  ),
});

const session = useEmulator();

describe(`${MAX_REGISTRY_ENTRIES} entries under the real CLI`, () => {
  let project: UserProject;
  beforeAll(async () => {
    session.emulator.reset();
    session.emulator.compute.setEntries([]);
    project = UserProject.create("registry-at-cap", { "index.ts": PROGRAM });
    await project.compile();
    const { config, secrets } = emulatorConfig(session.emulator);
    await project.initStack("dev", { ...config, entryCount: String(MAX_REGISTRY_ENTRIES) }, secrets);
    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries()).toHaveLength(MAX_REGISTRY_ENTRIES);
  });
  afterAll(() => project?.remove());

  it("previews a one-field change as that entry and that field, within the line budget", async () => {
    await project.ok(["config", "set", "bumpedEntry", "service-12345"]);
    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--diff"]);
    const lines = preview.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(LINE_BUDGET);
    console.log(`preview --diff of a one-field change among ${MAX_REGISTRY_ENTRIES} entries: ${lines.length} lines`);
    expect(preview.stdout).toMatch(/~ service-12345: \(json\) \{/);
    expect(preview.stdout).toMatch(/~ cap\s*: 3 => 4/);
    expect(preview.stdout.match(/: \(json\) \{/g)).toHaveLength(1);
    expect(writes(session.emulator.requests())).toEqual([]);
  });

  it("says the same in the JSON preview: one update whose detailed diff is that entry alone", async () => {
    const preview = await project.ok(["preview", "--json"]);
    const { steps } = previewJsonSchema.parse(JSON.parse(preview.stdout));
    const changing = steps.filter((s) => s.op !== "same");
    expect(changing).toHaveLength(1);
    expect(changing[0]).toMatchObject({ op: "update", diffReasons: ["consoleChanges", "specifications"] });
    expect(Object.keys(changing[0].detailedDiff ?? {}).sort()).toEqual(['consoleChanges["service-12345"]', 'specifications["service-12345"]']);
  });

  it("applies it with one read, one write, one verify and one settle re-read, changing only that entry", async () => {
    const before = session.emulator.compute.entries();
    session.emulator.clearRequests();
    await project.ok(["up", "--yes"]);
    expect(registryCalls(session.emulator.requests())).toEqual(UP_WITH_ONE_WRITE);
    const after = session.emulator.compute.entries();
    expect(after).toHaveLength(MAX_REGISTRY_ENTRIES);
    const changed = after.filter((entry, i) => entry.cap !== before[i].cap || entry.repository !== before[i].repository);
    expect(changed).toEqual([expect.objectContaining({ repository: "services/service-12345", cap: 4 })]);
  });
});
