/**
 * RegistrySettings at 100, 1,000 and 19,999 entries, through the SDK's real
 * dynamic-provider host against the emulator with 20 ms of latency, next to
 * the per-entry ways of writing the same list on the same emulator.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { request } from "undici";
import { startEmulator, type Emulator } from "../emulator";
import { captureProgram, ProviderHost, unwrapSecrets, type PropertyMap } from "../harness";
import { ms, peakRssMiB, printTable, timed } from "./measure";

type Sdk = typeof import("../sdk");
// Loaded by package name, as a user's program would, so the provider is serialized from its real source.
const { RegistrySettings, RegistrySpecification } = require("pulumi-registry-scanning") as Sdk;

const SIZES = [100, 1_000, 19_999];
const LATENCY_MS = 20;
/** Per-entry baselines take minutes at scale: measure this many operations and project. */
const BASELINE_SAMPLE = 100;

function specs(count: number, changed?: number) {
  return Array.from(
    { length: count },
    (_, i) =>
      new RegistrySpecification(`repo-${i}`, {
        version: "2",
        registry: "registry.example.com",
        repository: `team/repo-${i}`,
        tag: "latest",
        os: "linux",
        cap: i === changed ? 50 : 5,
        scanners: 2,
        collections: ["All"],
        credentialId: "example-registry",
      }),
  );
}

function wireEntry(i: number) {
  return { version: "2", registry: "registry.example.com", repository: `baseline/repo-${i}`, tag: "latest", os: "linux", cap: 5 };
}

async function inputsOf(count: number, changed?: number): Promise<PropertyMap> {
  const [resource] = await captureProgram(() => void new RegistrySettings("compute", { specifications: specs(count, changed) }));
  return unwrapSecrets(resource.inputs) as PropertyMap;
}

/**
 * What the harness itself spends encoding a call's requests and decoding its
 * response, in JavaScript; the real engine does this part in Go. Subtracted
 * from the round trip, it leaves the host's share.
 */
function engineSideMs(sent: PropertyMap[], received: PropertyMap[]): number {
  const started = process.hrtime.bigint();
  for (const message of sent) Struct.fromJavaScript(message as never).serializeBinary();
  for (const message of received) Struct.deserializeBinary(Struct.fromJavaScript(message as never).serializeBinary()).toJavaScript();
  const decodeAgainEncode = Number(process.hrtime.bigint() - started) / 1e6;
  // The received messages were also encoded above only to be decoded; count their decode alone.
  const reencode = process.hrtime.bigint();
  for (const message of received) Struct.fromJavaScript(message as never).serializeBinary();
  return decodeAgainEncode - Number(process.hrtime.bigint() - reencode) / 1e6;
}

interface Row {
  entries: number;
  check: number;
  diff: number;
  checkHost: number;
  diffHost: number;
  updateHost: number;
  create: number;
  update: number;
  requestsPerApply: number;
  rss?: number;
}

async function measureProvider(emulator: Emulator, count: number): Promise<Row> {
  emulator.reset();
  emulator.faults.setLatency(LATENCY_MS);
  const host = await ProviderHost.start();
  try {
    await host.configure({
      "prismaCloudCompute:url": emulator.computeUrl,
      "prismaCloudCompute:username": emulator.credentials.compute.username,
      "prismaCloudCompute:password": emulator.credentials.compute.password,
    });
    const ref = { urn: "urn:pulumi:bench::bench::pulumi-nodejs:dynamic/registryScanning:RegistrySettings::compute", type: "", name: "compute" };
    const first = await host.check(ref, {}, await inputsOf(count));
    const created = await timed(() => host.create(ref, first.inputs));

    const news = await inputsOf(count, Math.floor(count / 2));
    const checked = await timed(() => host.check(ref, first.inputs, news));
    const diffed = await timed(() => host.diff(ref, created.result.id, created.result.properties, checked.result.inputs, first.inputs));
    emulator.clearRequests();
    const updated = await timed(() => host.update(ref, created.result.id, created.result.properties, checked.result.inputs, first.inputs));
    return {
      entries: count,
      check: checked.ms,
      diff: diffed.ms,
      checkHost: checked.ms - engineSideMs([first.inputs, news], [checked.result.inputs]),
      diffHost: diffed.ms - engineSideMs([created.result.properties, checked.result.inputs, first.inputs], []),
      updateHost: updated.ms - engineSideMs([created.result.properties, checked.result.inputs, first.inputs], [updated.result]),
      create: created.ms,
      update: updated.ms,
      requestsPerApply: emulator.requests().length,
      rss: peakRssMiB(host.pid),
    };
  } finally {
    await host.stop();
  }
}

async function call(emulator: Emulator, method: "GET" | "POST" | "PUT", body?: unknown): Promise<unknown> {
  const { username, password } = emulator.credentials.compute;
  const response = await request(`${emulator.computeUrl}/api/v1/settings/registry?scanLater=true`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`baseline ${method} answered ${response.statusCode}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** One POST per entry: measured over a sample, projected to `count`. */
async function postPerEntry(emulator: Emulator, count: number): Promise<{ perOp: number; total: number; requests: number }> {
  emulator.reset();
  emulator.faults.setLatency(LATENCY_MS);
  const sample = Math.min(count, BASELINE_SAMPLE);
  const { ms: elapsed } = await timed(async () => {
    for (let i = 0; i < sample; i++) await call(emulator, "POST", wireEntry(i));
  });
  return { perOp: elapsed / sample, total: (elapsed / sample) * count, requests: count };
}

/**
 * One read-modify-write per entry (GET the list, append, PUT it back). The
 * cost grows with the list, so the sample runs at the mean list size, count / 2.
 */
async function readModifyWritePerEntry(emulator: Emulator, count: number): Promise<{ perOp: number; total: number; requests: number }> {
  emulator.reset();
  emulator.compute.setEntries(Array.from({ length: Math.floor(count / 2) }, (_, i) => wireEntry(1_000_000 + i)));
  emulator.faults.setLatency(LATENCY_MS);
  const sample = Math.min(count, Math.max(10, Math.floor(BASELINE_SAMPLE / 5)));
  const { ms: elapsed } = await timed(async () => {
    for (let i = 0; i < sample; i++) {
      const current = (await call(emulator, "GET")) as { specifications: unknown[] };
      await call(emulator, "PUT", { specifications: [...current.specifications, wireEntry(i)] });
    }
  });
  return { perOp: elapsed / sample, total: (elapsed / sample) * count, requests: 2 * count };
}

async function main(): Promise<void> {
  // The store holds the credential the entries name, as the console would (check refuses a dangling one).
  const emulator = await startEmulator({ compute: { credentials: ["example-registry"].map((id) => ({ _id: id, type: "basic", accountID: "bench", secret: { plain: "bench-secret" } })) } });
  try {
    console.log(`RegistrySettings: one change in the middle of N entries, ${LATENCY_MS} ms emulator latency, through the SDK's dynamic-provider host`);
    const rows: Row[] = [];
    for (const count of SIZES) rows.push(await measureProvider(emulator, count));
    printTable(
      ["entries", "Check", "Diff", "Check+Diff in host", "Create", "Update", "Update in host", "requests/apply", "host peak RSS"],
      rows.map((r) => [
        r.entries,
        ms(r.check),
        ms(r.diff),
        `~${ms(r.checkHost + r.diffHost)}`,
        ms(r.create),
        ms(r.update),
        `~${ms(r.updateHost)}`,
        r.requestsPerApply,
        r.rss ? `${r.rss.toFixed(0)} MiB` : "n/a",
      ]),
    );
    console.log("(Check and Diff: round trips as the engine sees them; \"in host\": minus the harness's own JavaScript protobuf work, which the Go engine does far faster; Update includes four requests to the emulator, 20 ms each plus 5 MB bodies, and the settle wait before the last)");
    console.log("(requests/apply counts every request of the Update: read, write, verify, and the settle re-read after twice the read-to-write time, at least 500 ms; the login happened at Create and its token is reused)");

    console.log(`\nBaseline on the same emulator: writing N entries one at a time (projected from ${BASELINE_SAMPLE} POSTs / ${BASELINE_SAMPLE / 5} read-modify-writes)`);
    const baseline: (string | number)[][] = [];
    for (const [index, count] of SIZES.entries()) {
      const post = await postPerEntry(emulator, count);
      const rmw = await readModifyWritePerEntry(emulator, count);
      const ours = rows[index].create;
      baseline.push([count, `${post.requests} req, ${ms(post.total)}`, `${rmw.requests} req, ${ms(rmw.total)}`, `${rows[index].requestsPerApply} req, ${ms(ours)}`, `${(post.total / ours).toFixed(0)}x / ${(rmw.total / ours).toFixed(0)}x`]);
    }
    printTable(["entries", "POST per entry", "read-modify-write per entry", "RegistrySettings create", "speed-up"], baseline);
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
