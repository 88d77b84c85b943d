import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import { ApiError } from "./apiError";
import { OperationTimeoutError, type OperationLimits } from "./deadline";
import { describeLimit } from "../timeLimits";
import { DEFAULT_RETRY_POLICY, nextRetryDelayMs, parseRetryAfter, RETRYABLE_STATUSES, type RetryPolicy } from "./retryPolicy";

export interface TlsOptions {
  /** PEM bundle of the CA that signed the server's certificate (self-hosted consoles often use a private CA). */
  caCert?: string;
  /** Turns certificate verification off; only ever set by the user, by name. */
  insecureSkipTlsVerify?: boolean;
}

export interface HttpClientOptions extends TlsOptions {
  /** Name used in error messages, e.g. "Prisma Cloud Compute". */
  api: string;
  origin: string;
  /** The request timeout and the operation's deadline, which every attempt, backoff and queue wait must keep. */
  limits: OperationLimits;
  retry?: Partial<RetryPolicy>;
  /**
   * Statuses that an idempotent request is retried on (default 429, 502, 503, 504).
   * A non-idempotent request is retried on 429 only, whatever this says.
   */
  retryableStatuses?: ReadonlySet<number>;
  /** Where the client says what it is waiting for (a retry's backoff), as a status line the user sees during the step. */
  report?: ProgressReport;
}

/** A status line for the user while a step runs (the plugin shows it in the CLI; the dynamic resources have no such channel). */
export type ProgressReport = (message: string) => void;

export interface HttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  /** Computed per attempt, so signatures with a nonce and a timestamp stay fresh on retries. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  body?: unknown;
  /**
   * Whether sending the request twice has the effect of sending it once.
   * A non-idempotent request is retried only on an answer that proves it was
   * not applied (429), never after a lost response.
   */
  idempotent: boolean;
  /** Awaited before every attempt (client-side rate limiting); gives up when `signal` (the deadline) aborts. */
  beforeAttempt?: (signal: AbortSignal) => Promise<void>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the text otherwise, undefined when empty. */
  body: unknown;
  attempts: number;
}

const pools = new Map<string, Pool>();

/** One keep-alive pool per origin and TLS setting, shared by every resource in the provider host. */
function poolFor(origin: string, tls: TlsOptions): Pool {
  const key = JSON.stringify([origin, tls.caCert ?? "", tls.insecureSkipTlsVerify === true]);
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(origin, {
      connections: 8,
      keepAliveTimeout: 30_000,
      connect: { ca: tls.caCert, rejectUnauthorized: tls.insecureSkipTlsVerify !== true },
    });
    pools.set(key, pool);
  }
  return pool;
}

/** Closes every pooled connection (tests and benchmarks that end the process cleanly). */
export async function closeAllPools(): Promise<void> {
  const closing = [...pools.values()].map((p) => p.close());
  pools.clear();
  await Promise.all(closing);
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code ? `connection failed (${code})` : "connection failed";
}

/** What a non-idempotent request's lost answer means, said first in its hint. */
const MAYBE_APPLIED = "The request may or may not have been applied by the server.";

/**
 * Sends JSON requests with timeouts and bounded retries (backoff with jitter,
 * `Retry-After` honoured), all inside the operation's deadline. Answers with
 * any status; deciding what a status means is the API client's job.
 */
export class HttpClient {
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly retryableStatuses: ReadonlySet<number>;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.dispatcher = poolFor(options.origin, options);
    this.retryableStatuses = options.retryableStatuses ?? RETRYABLE_STATUSES;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { deadline } = this.options.limits;
    const started = Date.now();
    const path = request.query && Object.keys(request.query).length > 0
      ? `${request.path}?${new URLSearchParams(request.query).toString()}`
      : request.path;
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const what = `${request.method} ${request.path}`;
    for (let attempt = 1; ; attempt++) {
      // Spent already, e.g. by the operation's earlier requests or a wait for another resource's write.
      if (deadline.remainingMs() <= 0) throw new OperationTimeoutError(this.options.api, deadline.limit, `ran out before ${what} could be sent`);
      const signal = deadline.signal();
      try {
        await request.beforeAttempt?.(signal);
      } catch (error) {
        if (signal.aborted) throw new OperationTimeoutError(this.options.api, deadline.limit, `ran out while ${what} waited for its turn under the rate limit`);
        throw error;
      }
      // Outside the network-error handling: a failed login is the caller's error, not a dropped connection.
      const headers = { ...(await request.headers?.()) };
      // A login for the headers may have used up the rest: then nothing was sent, which a lost answer would not say.
      if (signal.aborted) throw new OperationTimeoutError(this.options.api, deadline.limit, `ran out before ${what} could be sent`);
      let response: HttpResponse;
      try {
        response = await this.attempt(request, path, payload, headers, attempt, signal);
      } catch (error) {
        if (signal.aborted) throw this.deadlineReached(request, attempt);
        const delay = request.idempotent ? nextRetryDelayMs(attempt, Date.now() - started, this.retry, undefined) : undefined;
        if (delay === undefined) throw this.networkError(request, error, attempt);
        const outcome = isTimeout(error) ? `got no answer within ${describeLimit(this.options.limits.request)}` : describeNetworkError(error);
        await this.waitToRetry(delay, what, attempt, outcome);
        continue;
      }
      const retryable = request.idempotent ? this.retryableStatuses.has(response.status) : response.status === 429;
      if (!retryable) return response;
      const retryAfter = header(response.headers, "retry-after");
      const delay = nextRetryDelayMs(attempt, Date.now() - started, this.retry, parseRetryAfter(retryAfter, Date.now()));
      if (delay === undefined) return response;
      await this.waitToRetry(delay, what, attempt, `answered HTTP ${response.status}`);
    }
  }

  /** The backoff before the next attempt, unless the operation's deadline would pass first: then no retry starts. */
  private waitToRetry(delayMs: number, what: string, attempt: number, outcome: string): Promise<void> {
    this.options.report?.(`${this.options.api} ${what}: attempt ${attempt} ${outcome}; trying again in ${(delayMs / 1000).toFixed(1)} s`);
    return this.options.limits.deadline.wait(delayMs, this.options.api, `attempt ${attempt + 1} of ${what} (attempt ${attempt} ${outcome})`);
  }

  /** An attempt cut short by the operation's deadline. */
  private deadlineReached(request: HttpRequest, attempt: number): ApiError {
    const { peer, deadline } = this.options.limits;
    return new ApiError({
      code: "TIMEOUT",
      api: this.options.api,
      method: request.method,
      path: request.path,
      apiMessage: `no answer from the ${peer} before ${describeLimit(deadline.limit)} ran out`,
      attempts: attempt,
      hint: `${request.idempotent ? "" : `${MAYBE_APPLIED} `}To allow more time, ${deadline.limit.advice}.`,
    });
  }

  /** The last attempt's failure to connect or to get an answer within the request timeout. */
  private networkError(request: HttpRequest, error: unknown, attempt: number): ApiError {
    const { peer, request: limit } = this.options.limits;
    const reachable = `check that ${this.options.origin} is reachable from this machine and healthy, then run the command again.`;
    const timedOut = isTimeout(error);
    return new ApiError({
      code: timedOut ? "TIMEOUT" : "NETWORK_ERROR",
      api: this.options.api,
      method: request.method,
      path: request.path,
      apiMessage: timedOut ? `no answer from the ${peer} within ${describeLimit(limit)}` : describeNetworkError(error),
      attempts: attempt,
      hint: timedOut
        ? `${request.idempotent ? "" : `${MAYBE_APPLIED} `}If the ${peer} is only slow, ${limit.advice}; otherwise ${reachable}`
        : request.idempotent
          ? `Check that ${this.options.origin} is reachable from this machine, then run the command again.`
          : MAYBE_APPLIED,
    });
  }

  private async attempt(
    request: HttpRequest,
    path: string,
    payload: string | undefined,
    requestHeaders: Record<string, string>,
    attempt: number,
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...requestHeaders };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const timeoutMs = this.options.limits.request.seconds * 1000;
    const response = await this.dispatcher.request({
      origin: this.options.origin,
      method: request.method,
      path,
      headers,
      body: payload,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: parseBody(text), attempts: attempt };
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function header(headers: HttpResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

