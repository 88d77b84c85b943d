/**
 * 100 Cortex registry connectors created, updated and deleted through the
 * SDK's real dynamic-provider host, with 20 ms of emulator latency and the
 * tenant's 10 requests per second enforced: the floor is 10 s per 100 calls.
 */
import { startEmulator, type Emulator } from "../emulator";
import { Engine } from "../harness";
import { ms, peakRssMiB, printTable, timed } from "./measure";

type Sdk = typeof import("../sdk");
const { CortexRegistryConnector } = require("pulumi-registry-scanning") as Sdk;
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");

const COUNT = 100;
const LATENCY_MS = 20;
const REQUESTS_PER_SECOND = 10;
/** The engine applies up to this many steps at once (`pulumi up --parallel`). */
const PARALLEL = 16;

function connectors(region: string) {
  return () => {
    for (let i = 0; i < COUNT; i++) {
      new CortexRegistryConnector(`registry-${i}`, {
        vendor: "HARBOR",
        name: `harbor-${i}`,
        url: `https://harbor-${i}.example.com`,
        username: "robot$scanner",
        password: pulumi.secret("bench-password"),
        authToken: pulumi.secret("bench-token"),
        scanningMode: "CLOUD",
        cloudProvider: "AWS",
        region,
        insecurePull: false,
        registryType: "SELF_HOSTED",
        initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
      });
    }
  };
}

/** Seconds from the first to the last request of a verb: the part the tenant's limit governs. */
function requestSpanMs(emulator: Emulator, method: string): { span: number; count: number; throttled: number } {
  const requests = emulator.requests().filter((r) => r.api === "cortex" && r.method === method);
  const times = requests.map((r) => r.time);
  return {
    span: times.length > 1 ? Math.max(...times) - Math.min(...times) : 0,
    count: requests.length,
    throttled: requests.filter((r) => r.status === 429).length,
  };
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ cortex: { rateLimit: true, requestsPerSecond: REQUESTS_PER_SECOND } });
  emulator.faults.setLatency(LATENCY_MS);
  const key = emulator.credentials.cortex.advanced;
  const engine = await Engine.start({
    parallel: PARALLEL,
    config: { "cortex:apiUrl": emulator.cortexUrl, "cortex:apiKey": key.apiKey, "cortex:apiKeyId": key.apiKeyId },
    secretConfigKeys: ["cortex:apiKey"],
  });
  const floorMs = (COUNT / REQUESTS_PER_SECOND) * 1000;
  const rows: (string | number)[][] = [];
  try {
    const phases: [string, string, () => Promise<unknown>][] = [
      ["create", "POST", () => engine.up(connectors("us-east-1"))],
      ["update", "PUT", () => engine.up(connectors("us-west-2"))],
      ["delete", "DELETE", () => engine.destroy()],
    ];
    for (const [phase, method, action] of phases) {
      emulator.clearRequests();
      const { ms: elapsed } = await timed(action);
      const { span, count, throttled } = requestSpanMs(emulator, method);
      rows.push([phase, count, throttled, ms(span), ms(elapsed), `${(span / floorMs).toFixed(2)}x`, `${(elapsed / floorMs).toFixed(2)}x`]);
    }
    console.log(`Cortex: ${COUNT} connectors, ${LATENCY_MS} ms latency, tenant limit ${REQUESTS_PER_SECOND} req/s (floor ${ms(floorMs)}), --parallel ${PARALLEL}`);
    printTable(["phase", "requests", "429s", "request span", "whole up", "span / floor", "up / floor"], rows);
    console.log(`(whole up includes running the program and Check/Diff per resource; provider host peak RSS ${peakRssMiB(engine.host.pid)?.toFixed(0) ?? "n/a"} MiB)`);
  } finally {
    await engine.stop();
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
