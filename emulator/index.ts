import { randomBytes } from "node:crypto";
import { ComputeApi, DEFAULT_PROJECT, type ComputeProject } from "./compute";
import { ComputeAuthenticator } from "./computeAuth";
import { CredentialStore, SecretSealer } from "./computeCredentials";
import { RegistrySettingsStore } from "./computeRegistry";
import { CortexApi } from "./cortex";
import { CortexAuthenticator } from "./cortexAuth";
import { ConnectorStore, type CortexConnectorRecord } from "./cortexConnectors";
import { FaultPlan, type DropMoment, type FaultMatch, type FaultStatus } from "./faults";
import { SlidingWindowRateLimiter } from "./rateLimiter";
import { RequestRecorder, type RecordedRequest } from "./recorder";
import { randomAlphanumeric, randomPassword } from "./secrets";
import { EmulatorServer } from "./server";

export type { CortexConnectorRecord } from "./cortexConnectors";
export type { FaultMatch, FaultStatus } from "./faults";
export type { RecordedRequest } from "./recorder";

export interface EmulatorOptions {
  /** Default 0: a free port chosen by the OS. */
  port?: number;
  compute?: {
    username?: string;
    password?: string;
    /** Default 1800, the self-hosted console's default. */
    tokenLifetimeSeconds?: number;
    /** Initial registry entries, stored as given (no validation, no server fields added). */
    entries?: unknown[];
    /**
     * Initial credential store of the console's own project, stored as given (no validation, no server fields);
     * a secret given only in `plain` gets its `encrypted` form. Each needs a string `_id`.
     */
    credentials?: unknown[];
    /**
     * Projects besides the console's own, each with its own initial entries (a list) or entries and credentials;
     * any other `?project=` is refused.
     */
    projects?: Record<string, unknown[] | { entries?: unknown[]; credentials?: unknown[] }>;
    /**
     * Default false. When true, a registry settings PUT or POST with an entry whose `credentialID` names no
     * credential in the same project's store is refused with 400, as a console may do.
     */
    strictCredentialIds?: boolean;
  };
  cortex?: {
    /** Default false. */
    rateLimit?: boolean;
    /** Default 10, the documented tenant limit. */
    requestsPerSecond?: number;
  };
}

export interface Faults {
  /** Added to every response. */
  setLatency(ms: number): void;
  /** The next `count` matching requests get `status` and are NOT applied. */
  failNext(count: number, status: FaultStatus, opts?: FaultMatch & { retryAfterSeconds?: number; quoteRequest?: boolean; afterApply?: boolean }): void;
  /** The next `count` matching requests see their connection destroyed with no response. */
  dropNext(count: number, when: DropMoment, opts?: FaultMatch): void;
  /** Answers the next `count` matching requests 200 with `body`, unhandled: a console that misreports. */
  answerNext(count: number, body: unknown, opts?: FaultMatch): void;
  /** Runs `action` once, after the next matching request is applied and before it is answered (a concurrent writer). */
  afterApply(match: FaultMatch, action: () => void): void;
  /** Holds the next matching request, before it is handled, until `wait` settles: the order concurrent writers land in, scripted. */
  holdNext(match: FaultMatch, wait: () => Promise<void>): void;
  /** Cortex only. */
  setRateLimit(on: boolean, requestsPerSecond?: number): void;
  /** Latency off, queued faults discarded, rate limit back to the emulator's options. */
  clear(): void;
}

export interface ComputeState {
  /** Deep copy, as stored (server fields included); of the console's own project unless one is named. */
  entries(project?: string): Record<string, unknown>[];
  /** Stored as given, like the `entries` option. */
  setEntries(entries: unknown[], project?: string): void;
  /** Deep copy of a project's credential store as stored: unlike GET, secrets keep their `plain`. */
  credentials(project?: string): Record<string, unknown>[];
  /** Replaces a project's credential store, stored as given like the `credentials` option. */
  setCredentials(credentials: unknown[], project?: string): void;
  tokensIssued(): number;
}

export interface CortexState {
  connectors(): CortexConnectorRecord[];
  get(id: string): CortexConnectorRecord | undefined;
  /** Seeds a connector as given (no validation) and returns its id; a string `connector_id` in the body becomes the id. */
  put(body: Record<string, unknown>): string;
}

export interface Emulator {
  /** http://127.0.0.1:PORT; one server speaks both APIs. */
  url: string;
  /** Same origin; a client appends /api/v1/... */
  computeUrl: string;
  /** Same origin; a client appends /public_api/v1/... */
  cortexUrl: string;
  credentials: {
    compute: { username: string; password: string };
    cortex: { standard: { apiKeyId: string; apiKey: string }; advanced: { apiKeyId: string; apiKey: string } };
  };
  compute: ComputeState;
  cortex: CortexState;
  faults: Faults;
  /** Copy of all recorded requests, in arrival order. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** State, faults, requests, tokens and nonces back to the start; the options' seed entries and credentials are restored. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN_LIFETIME_SECONDS = 1800;
const DEFAULT_REQUESTS_PER_SECOND = 10;
const CORTEX_KEY_LENGTH = 64;

function assertPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${port}`);
}

function assertTokenLifetime(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`tokenLifetimeSeconds must be a positive number, got ${seconds}`);
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const port = options.port ?? 0;
  assertPort(port);
  const tokenLifetimeSeconds = options.compute?.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  assertTokenLifetime(tokenLifetimeSeconds);

  const credentials: Emulator["credentials"] = {
    compute: {
      username: options.compute?.username ?? "admin",
      password: options.compute?.password ?? randomPassword(),
    },
    cortex: {
      standard: { apiKeyId: "1", apiKey: randomAlphanumeric(CORTEX_KEY_LENGTH) },
      advanced: { apiKeyId: "2", apiKey: randomAlphanumeric(CORTEX_KEY_LENGTH) },
    },
  };

  const computeAuth = new ComputeAuthenticator(credentials.compute, tokenLifetimeSeconds * 1000);
  const sealer = new SecretSealer();
  const newProject = (entries: unknown[] = [], credentials: unknown[] = []): ComputeProject => ({
    registry: new RegistrySettingsStore(structuredClone(entries)),
    credentials: new CredentialStore(structuredClone(credentials), sealer),
  });
  const projects = new Map<string, ComputeProject>([
    [DEFAULT_PROJECT, newProject(options.compute?.entries, options.compute?.credentials)],
    ...Object.entries(options.compute?.projects ?? {}).map(
      ([name, seed]) => [name, Array.isArray(seed) ? newProject(seed) : newProject(seed.entries, seed.credentials)] as const,
    ),
  ]);
  const projectOf = (project = DEFAULT_PROJECT): ComputeProject => {
    const found = projects.get(project);
    if (found === undefined) throw new RangeError(`no project "${project}" in this emulator (options.compute.projects)`);
    return found;
  };
  const cortexAuth = new CortexAuthenticator(credentials.cortex);
  const connectors = new ConnectorStore();
  const rateLimiter = new SlidingWindowRateLimiter({
    enabled: options.cortex?.rateLimit ?? false,
    requestsPerSecond: options.cortex?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
  });
  const faultPlan = new FaultPlan();
  const recorder = new RequestRecorder();
  const webhookToken = randomBytes(16).toString("hex");

  const server = await new EmulatorServer({
    compute: new ComputeApi(computeAuth, projects, {
      suffixes: {
        webhookUrlSuffix: `/api/v1/registry/webhook?token=${webhookToken}`,
        harborScannerUrlSuffix: `/api/v1/harbor/adapter?token=${webhookToken}`,
      },
      strictCredentialIds: options.compute?.strictCredentialIds ?? false,
    }),
    cortex: new CortexApi(cortexAuth, connectors, rateLimiter),
    faults: faultPlan,
    recorder,
    secrets: () => [credentials.compute.password, credentials.cortex.standard.apiKey, credentials.cortex.advanced.apiKey],
  }).listen(port);

  const faults: Faults = {
    setLatency: (ms) => faultPlan.setLatency(ms),
    failNext: (count, status, opts) => faultPlan.failNext(count, status, opts),
    dropNext: (count, when, opts) => faultPlan.dropNext(count, when, opts),
    answerNext: (count, body, opts) => faultPlan.answerNext(count, body, opts),
    afterApply: (match, action) => faultPlan.afterApply(match, action),
    holdNext: (match, wait) => faultPlan.holdNext(match, wait),
    setRateLimit: (on, requestsPerSecond) => rateLimiter.configure(on, requestsPerSecond),
    clear: () => {
      faultPlan.clear();
      rateLimiter.reset();
    },
  };

  return {
    url: server.url,
    computeUrl: server.url,
    cortexUrl: server.url,
    credentials,
    compute: {
      entries: (project) => projectOf(project).registry.copies(),
      setEntries: (entries, project) => projectOf(project).registry.setEntries(entries),
      credentials: (project) => projectOf(project).credentials.copies(),
      setCredentials: (credentials, project) => projectOf(project).credentials.setCredentials(credentials),
      tokensIssued: () => computeAuth.tokensIssued(),
    },
    cortex: {
      connectors: () => connectors.all(),
      get: (id) => connectors.get(id),
      put: (body) => connectors.seed(body),
    },
    faults,
    requests: () => recorder.all(),
    clearRequests: () => recorder.clear(),
    reset: () => {
      for (const project of projects.values()) {
        project.registry.reset();
        project.credentials.reset();
      }
      computeAuth.reset();
      cortexAuth.reset();
      connectors.clear();
      faults.clear();
      recorder.clear();
    },
    close: () => server.close(),
  };
}
