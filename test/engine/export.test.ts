/**
 * Bringing an existing console under code under the real CLI: the installed
 * `pulumi-registry-scanning export` reads a console of 5,000 entries (unknown
 * fields, duplicates, every registry type) and a credential; the exported
 * program's preview adopts every entry with no field changed, and `up`
 * leaves the console identical field by field.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { withoutServerStatus } from "../../provider/compute/registryEntry";
import { varietyConsole } from "../support/consoleSeeds";
import { emulatorConfig, useEmulator, writes } from "./support/engineSession";
import { UserProject } from "../../harness/userProject";

const run = promisify(execFile);
const session = useEmulator();
let project: UserProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const ENTRIES = 5000;
const CREDENTIAL_PASSWORD = "exported-robot-password-3b7d";

const previewSchema = z.object({
  steps: z.array(z.object({ op: z.string(), urn: z.string(), newState: z.object({ inputs: z.record(z.string(), z.unknown()).optional() }).optional() })),
});

describe("export, then preview and up, under the real CLI", () => {
  it("adopts every one of 5,000 entries with no field changed, and up leaves the console identical", async () => {
    session.emulator.reset();
    session.emulator.compute.setEntries(varietyConsole(ENTRIES));
    session.emulator.compute.setCredentials([{ _id: "team-registry", type: "basic", accountID: "robot", secret: { plain: CREDENTIAL_PASSWORD } }]);
    const before = session.emulator.compute.entries().map(withoutServerStatus);

    project = UserProject.create("exported", { "index.ts": "" });
    const { config, secrets } = emulatorConfig(session.emulator);
    const started = Date.now();
    const exported = await run(path.join(project.dir, "node_modules", ".bin", "pulumi-registry-scanning"), ["export", "compute", "--out", project.dir], {
      env: {
        ...process.env,
        PRISMA_CLOUD_COMPUTE_URL: config["prismaCloudCompute:url"],
        PRISMA_CLOUD_COMPUTE_USERNAME: config["prismaCloudCompute:username"],
        PRISMA_CLOUD_COMPUTE_PASSWORD: secrets["prismaCloudCompute:password"],
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    console.log(`export of ${ENTRIES + 2} console entries: ${((Date.now() - started) / 1000).toFixed(2)} s`);
    expect(exported.stderr).toMatch(new RegExp(`index\\.ts: ${ENTRIES} entries, 1 credentials`));

    await project.compile();
    await project.initStack("dev", config, { ...secrets, "exported:team-registry-password": CREDENTIAL_PASSWORD });
    session.emulator.clearRequests();
    const preview = await project.ok(["preview", "--json"]);
    expect(writes(session.emulator.requests())).toEqual([]);
    const steps = previewSchema.parse(JSON.parse(preview.stdout)).steps;
    const settings = steps.find((step) => step.urn.endsWith("::console"));
    const rows = Object.values(z.record(z.string(), z.string()).parse(settings?.newState?.inputs?.consoleChanges));
    expect(rows).toHaveLength(ENTRIES);
    expect(rows.filter((row) => /^adopt: .*, unchanged; put back as it was when released/.test(row))).toHaveLength(ENTRIES);

    await project.ok(["up", "--yes"]);
    expect(session.emulator.compute.entries().map(withoutServerStatus)).toEqual(before);
    expect(session.emulator.compute.credentials()).toEqual([expect.objectContaining({ _id: "team-registry", accountID: "robot", secret: expect.objectContaining({ plain: CREDENTIAL_PASSWORD }) })]);
  });
});
