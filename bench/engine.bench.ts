/**
 * `npm run bench:engine`: wall time of the real `pulumi preview` and
 * `pulumi up --yes` for a one-entry change among 100, 1,000 and 19,999
 * registry entries, beside the same commands on a stack holding one trivial
 * dynamic resource (the engine's own fixed cost), measured in the same run;
 * and the dynamic-provider host's peak RSS. Then the same change from a
 * Python program through the provider plugin, beside the TypeScript rows of
 * the same run. Projects are installed from the packed tarball, as a user
 * installs the package.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { installUserWorld, UserProject, type UserWorld } from "../harness/userProject";
import { peakRssMiB, printTable } from "./measure";

const SIZES = [100, 1_000, 19_999];
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);

/** `entryCount` entries; `bumpedEntry` names the one whose cap goes 3 -> 4. */
const REGISTRY_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { RegistrySettings, RegistrySpecification } from "pulumi-registry-scanning";

const config = new pulumi.Config();
const bumped = config.get("bumpedEntry");
const specifications = Array.from({ length: config.requireNumber("entryCount") }, (_, i) =>
  new RegistrySpecification(\`service-\${i}\`, {
    version: "2", registry: "registry.acme.internal", repository: \`services/service-\${i}\`, tag: "latest",
    os: "linux", cap: \`service-\${i}\` === bumped ? 4 : 3, scanners: 1, collections: ["All"], credentialId: "acme-registry",
  }),
);
new RegistrySettings("compute", { specifications, scanLater: true });
`;

/** The same entries from Python, through the provider plugin (typed entries, one map). */
const PYTHON_PROGRAM = `
import pulumi
from pulumi_registryscanning import compute

config = pulumi.Config()
bumped = config.get("bumpedEntry")
compute.RegistrySettings("compute", scan_later=True, specifications={
    f"service-{i}": compute.RegistryEntryArgs(
        version="2", registry="registry.acme.internal", repository=f"services/service-{i}", tag="latest", os="linux",
        cap=4 if f"service-{i}" == bumped else 3, scanners=1, collections=["All"], credential_id="acme-registry",
    )
    for i in range(config.require_int("entryCount"))
})
`;

/** The engine's fixed cost: one dynamic resource whose provider does nothing. */
const TRIVIAL_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) { return { id: "trivial", outs: inputs }; },
  async update(_id, _olds, news) { return { outs: news }; },
};
class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, value: string) {
    super(provider, name, { value });
  }
}
new Trivial("trivial", new pulumi.Config().require("value"));
`;

interface Timing {
  previewMs: number;
  upMs: number;
  hostPeakMiB: number | undefined;
  /** Registry requests of the last `pulumi up` (its preview's and its update's checks included). */
  upRequests?: number;
}

/** Peak RSS of every dynamic-provider host alive while `action` runs (Linux /proc, sampled every 50 ms). */
async function withHostPeak<T>(action: () => Promise<T>): Promise<{ result: T; peakMiB: number | undefined }> {
  let peak: number | undefined;
  const sample = () => {
    for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmdline.includes("dynamic-provider") && !cmdline.includes("pulumi-resource-registryscanning")) continue;
      } catch {
        continue;
      }
      const rss = peakRssMiB(Number(pid));
      if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
    }
  };
  const timer = setInterval(sample, 50);
  try {
    return { result: await action(), peakMiB: peak };
  } finally {
    clearInterval(timer);
  }
}

async function timedCli(project: UserProject, args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = process.hrtime.bigint();
  await project.ok(args, { env });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Median of `REPETITIONS` one-change cycles: set the change, preview, up; then flip it back for the next round. */
async function measure(
  project: UserProject,
  change: (round: number) => Promise<void>,
  options: { env?: Record<string, string>; emulator?: Emulator } = {},
): Promise<Timing> {
  const previews: number[] = [];
  const ups: number[] = [];
  let hostPeakMiB: number | undefined;
  let upRequests: number | undefined;
  for (let round = 1; round <= REPETITIONS; round++) {
    await change(round);
    previews.push(await timedCli(project, ["preview"], options.env));
    options.emulator?.clearRequests();
    const { result, peakMiB } = await withHostPeak(() => timedCli(project, ["up", "--yes"], options.env));
    ups.push(result);
    upRequests = options.emulator?.requests().filter((r) => r.path.endsWith("/settings/registry")).length;
    if (peakMiB !== undefined) hostPeakMiB = Math.max(hostPeakMiB ?? 0, peakMiB);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { previewMs: median(previews), upMs: median(ups), hostPeakMiB, upRequests };
}

/** The timing as users run it, and the up again with the settle re-read off (its wait is the difference). */
async function registryTiming(world: UserWorld, emulator: Emulator, size: number): Promise<{ timing: Timing; settleOff: Timing }> {
  emulator.reset();
  emulator.compute.setEntries([]);
  const project = UserProject.create(`bench-${size}`, { "index.ts": REGISTRY_PROGRAM }, world);
  try {
    await project.compile();
    const { username, password } = emulator.credentials.compute;
    await project.initStack("bench", { "prismaCloudCompute:url": emulator.computeUrl, "prismaCloudCompute:username": username, entryCount: String(size) }, {
      "prismaCloudCompute:password": password,
    });
    await project.ok(["up", "--yes"]);
    const bump = (round: number) => project.ok(["config", "set", "bumpedEntry", round % 2 === 1 ? `service-${size - 1}` : "none"]).then(() => undefined);
    const timing = await measure(project, bump, { emulator });
    const settleOff = await measure(project, bump, { emulator, env: { PRISMA_CLOUD_COMPUTE_SETTLE_MS: "0" } });
    return { timing, settleOff };
  } finally {
    project.remove();
  }
}

/** The plugin's timing for the same change, from a Python program. */
async function pluginTiming(world: UserWorld, emulator: Emulator, size: number): Promise<Timing> {
  emulator.reset();
  emulator.compute.setEntries([]);
  const project = UserProject.forPlugin(`bench-python-${size}`, "python", { "__main__.py": PYTHON_PROGRAM }, world);
  try {
    const { username, password } = emulator.credentials.compute;
    await project.initStack("bench", { "registryscanning:computeUrl": emulator.computeUrl, "registryscanning:computeUsername": username, entryCount: String(size) }, {
      "registryscanning:computePassword": password,
    });
    await project.ok(["up", "--yes"]);
    const bump = (round: number) => project.ok(["config", "set", "bumpedEntry", round % 2 === 1 ? `service-${size - 1}` : "none"]).then(() => undefined);
    return await measure(project, bump, { emulator });
  } finally {
    project.remove();
  }
}

async function trivialTiming(world: UserWorld): Promise<Timing> {
  const project = UserProject.create("bench-trivial", { "index.ts": TRIVIAL_PROGRAM }, world);
  try {
    await project.compile();
    await project.initStack("bench", { value: "0" });
    await project.ok(["up", "--yes"]);
    return await measure(project, (round) => project.ok(["config", "set", "value", String(round)]).then(() => undefined));
  } finally {
    project.remove();
  }
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-"));
  // The store holds the credential the entries name, as the console would (check refuses a dangling one).
  const emulator = await startEmulator({ compute: { credentials: ["acme-registry"].map((id) => ({ _id: id, type: "basic", accountID: "bench", secret: { plain: "bench-secret" } })) } });
  try {
    const world = installUserWorld(work, "3.248.0");
    const seconds = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
    const mib = (value: number | undefined) => (value === undefined ? "-" : `${value.toFixed(0)} MiB`);
    const trivial = await trivialTiming(world);
    const rows: string[][] = [];
    const pluginRows: string[][] = [];
    for (const size of SIZES) {
      const { timing, settleOff } = await registryTiming(world, emulator, size);
      const plugin = await pluginTiming(world, emulator, size);
      pluginRows.push([
        size.toLocaleString("en-US"),
        seconds(plugin.previewMs),
        seconds(timing.previewMs),
        seconds(plugin.upMs),
        seconds(timing.upMs),
        String(plugin.upRequests ?? "-"),
        mib(plugin.hostPeakMiB),
        mib(timing.hostPeakMiB),
      ]);
      rows.push([
        size.toLocaleString("en-US"),
        seconds(timing.previewMs),
        seconds(trivial.previewMs),
        seconds(timing.upMs),
        seconds(settleOff.upMs),
        seconds(trivial.upMs),
        String(timing.upRequests ?? "-"),
        mib(timing.hostPeakMiB),
        mib(trivial.hostPeakMiB),
      ]);
    }
    console.log(`Real pulumi CLI (${path.basename(path.dirname(world.cliBin))}), one entry changed, median of ${REPETITIONS}; baseline: one trivial dynamic resource, same run.`);
    console.log("`up, settle off` is the same up with PRISMA_CLOUD_COMPUTE_SETTLE_MS=0: the difference is the settle wait before the last re-read.");
    console.log("Requests per up: one read per check (the up's preview and its update), then read, write, verify and the settle re-read.");
    printTable(["entries", "preview", "baseline preview", "up --yes", "up, settle off", "baseline up", "requests per up", "host peak RSS", "baseline host RSS"], rows);
    console.log("");
    console.log("The same change from a Python program through the provider plugin; baseline: the TypeScript rows above (dynamic resources), same run.");
    printTable(["entries", "plugin preview", "TypeScript preview", "plugin up --yes", "TypeScript up --yes", "requests per up", "plugin peak RSS", "TypeScript host RSS"], pluginRows);
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
