/**
 * `npm run demo`: a whole user session against the embedded emulator, played
 * through the same engine-protocol harness the tests use (the SDK's real
 * dynamic-provider host and the policy pack's real analyzer server).
 */
import * as path from "node:path";
import { startEmulator, type Emulator, type RecordedRequest } from "../emulator";
import { Engine, PolicyHost, PolicyViolationError, type Plan } from "../harness";
import type { QuickstartVariant } from "../examples/quickstart/program";
import { renderPlan } from "./renderPlan";

// Loaded by package name, as a user's program is, so the providers are serialized from their real source.
const { quickstart } = require("../examples/quickstart/program") as typeof import("../examples/quickstart/program");
const { withInsecurePull } = require("./insecurePull") as typeof import("./insecurePull");

const PROJECT = "registry-scanning-quickstart";

/** Entries another team added in the console: the demo shows they survive every step. */
const CONSOLE_ENTRIES = [
  { version: "gcr", registry: "gcr.io/other-team", repository: "web/frontend", tag: "", os: "linux", cap: 5, collections: ["All"], credentialID: "gcr-other" },
  { version: "2", registry: "registry.internal", repository: "tools/*", tag: "latest", os: "linux", cap: 1, scannerNotes: "kept verbatim: this package never modeled it" },
];

function heading(text: string): void {
  console.log(`\n\x1b[1m${text}\x1b[0m`);
}

function printPlan(plan: Plan): void {
  for (const line of renderPlan(plan.steps)) console.log(line);
  const counts = new Map<string, number>();
  for (const step of plan.steps) counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
  const summary = [...counts].filter(([op]) => op !== "same").map(([op, n]) => `${n} to ${op}`);
  console.log(`\nResources: ${summary.length > 0 ? summary.join(", ") : "no changes"}${counts.get("same") ? `, ${counts.get("same")} unchanged` : ""}`);
}

function describeRequests(requests: RecordedRequest[]): string {
  const byApi = (api: string) => requests.filter((r) => r.api === api).map((r) => `${r.method} ${r.path.replace(/^.*\/(settings\/registry|authenticate|instances)/, "$1")} ${r.status}`);
  const compute = byApi("compute");
  const cortex = byApi("cortex");
  const parts = [];
  if (compute.length > 0) parts.push(`console: ${compute.join(", ")}`);
  if (cortex.length > 0) parts.push(`Cortex: ${cortex.join(", ")}`);
  return parts.length > 0 ? parts.join("; ") : "no requests";
}

function printEmulator(emulator: Emulator): void {
  const entries = emulator.compute.entries();
  const others = entries.filter((e) => CONSOLE_ENTRIES.some((c) => c.repository === e.repository));
  console.log(`  emulator: ${entries.length} registry entries in the console (${entries.length - others.length} from this stack, ${others.length} another team's, untouched)`);
  for (const e of entries) console.log(`    ${String(e.version).padEnd(4)} ${e.registry || "docker.io"}/${e.repository}${e.tag ? `:${e.tag}` : ""}  cap ${e.cap}`);
  const connectors = emulator.cortex.connectors();
  console.log(`  emulator: ${connectors.length} Cortex registry connector(s)`);
  for (const c of connectors) {
    const scan = c.body.initial_scan_configuration as { mode?: string; numDays?: number } | undefined;
    console.log(`    ${c.body.vendor} ${c.body.name} (${c.connectorId.slice(0, 8)}…) initial scan ${scan?.mode}${scan?.numDays ? ` ${scan.numDays} days` : ""}`);
  }
}

async function run(emulator: Emulator, title: string, action: () => Promise<Plan | void>): Promise<void> {
  heading(title);
  emulator.clearRequests();
  const plan = await action();
  if (plan) printPlan(plan);
  console.log(`  requests: ${describeRequests(emulator.requests())}`);
  printEmulator(emulator);
}

/** The credentials the quickstart's entries name: a console's store holds them before the program runs (check refuses a dangling one). */
const CONSOLE_CREDENTIALS = ["dockerhub", "aws-ecr-scanner"].map((id) => ({ _id: id, type: "basic", accountID: "scanner", secret: { plain: `demo-secret-of-${id}` } }));

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startEmulator({ compute: { entries: CONSOLE_ENTRIES, credentials: CONSOLE_CREDENTIALS } });
  const pack = await PolicyHost.start(path.join(__dirname, "..", "examples", "policy-pack", "index.js"));
  // As the policy-gating example's CI config does: insecure pulls stop the run instead of warning.
  await pack.configure({ "cortex-no-insecure-pull": { enforcementLevel: "mandatory" } });
  const cortexKey = emulator.credentials.cortex.advanced;
  const engine = await Engine.start({
    project: PROJECT,
    config: {
      "prismaCloudCompute:url": emulator.computeUrl,
      "prismaCloudCompute:username": emulator.credentials.compute.username,
      "prismaCloudCompute:password": emulator.credentials.compute.password,
      "cortex:apiUrl": emulator.cortexUrl,
      "cortex:apiKey": cortexKey.apiKey,
      "cortex:apiKeyId": cortexKey.apiKeyId,
      [`${PROJECT}:harborPassword`]: "demo-harbor-password",
      [`${PROJECT}:harborToken`]: "demo-harbor-token",
      [`${PROJECT}:dockerHubPassword`]: "demo-docker-hub-password",
      [`${PROJECT}:dockerHubToken`]: "demo-docker-hub-token",
    },
    secretConfigKeys: ["prismaCloudCompute:password", "cortex:apiKey", ...["harborPassword", "harborToken", "dockerHubPassword", "dockerHubToken"].map((k) => `${PROJECT}:${k}`)],
    policyPacks: [pack],
  });
  const program = (variant: QuickstartVariant = {}) => () => void quickstart(variant);
  const changed: QuickstartVariant = { ubuntuCap: 10, harborNumDays: 14 };
  try {
    console.log(`Emulator of both APIs on ${emulator.url}; the console already holds ${CONSOLE_ENTRIES.length} entries another team added.`);
    await run(emulator, "$ pulumi preview   (examples/quickstart: 3 registry entries, 2 connectors)", () => engine.preview(program()));
    await run(emulator, "$ pulumi up", () => engine.up(program()));
    await run(emulator, "$ pulumi up   (ubuntu-18.04 cap 5 → 10; harbor-prod scans 14 days instead of 7)", () => engine.up(program(changed)));
    await run(emulator, "$ pulumi up   (a new connector that pulls images without verifying TLS; the team's pack config makes that mandatory)", async () => {
      try {
        await engine.up(() => {
          quickstart(changed);
          withInsecurePull();
        });
        throw new Error("the policy pack should have stopped this run");
      } catch (error) {
        if (!(error instanceof PolicyViolationError)) throw error;
        console.log(`  stopped by the policy pack before anything was applied:\n${error.message.replace(/^/gm, "    ")}`);
      }
    });
    await run(emulator, "$ pulumi destroy", () => engine.destroy());
    heading(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: the other team's entries were never touched.`);
  } finally {
    await engine.stop();
    await pack.stop();
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
