import { Pool, errors as undiciErrors, type Dispatcher } from "undici";
import { ApiError } from "./apiError";
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
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Statuses that an idempotent request is retried on (default 429, 502, 503, 504).
   * A non-idempotent request is retried on 429 only, whatever this says.
   */
  retryableStatuses?: ReadonlySet<number>;
}

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
  /** Awaited before every attempt (client-side rate limiting). */
  beforeAttempt?: () => Promise<void>;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}

function describeNetworkError(error: unknown): string {
  if (isTimeout(error)) return "the server did not answer in time";
  const code = (error as { code?: string }).code;
  return code ? `connection failed (${code})` : "connection failed";
}

/**
 * Sends JSON requests with timeouts and bounded retries (backoff with jitter,
 * `Retry-After` honoured). Answers with any status; deciding what a status
 * means is the API client's job.
 */
export class HttpClient {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly retryableStatuses: ReadonlySet<number>;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.dispatcher = poolFor(options.origin, options);
    this.retryableStatuses = options.retryableStatuses ?? RETRYABLE_STATUSES;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const path = request.query && Object.keys(request.query).length > 0
      ? `${request.path}?${new URLSearchParams(request.query).toString()}`
      : request.path;
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let attempt = 1; ; attempt++) {
      await request.beforeAttempt?.();
      // Outside the network-error handling: a failed login is the caller's error, not a dropped connection.
      const headers = { ...(await request.headers?.()) };
      let response: HttpResponse;
      try {
        response = await this.attempt(request, path, payload, headers, attempt);
      } catch (error) {
        const delay = request.idempotent ? nextRetryDelayMs(attempt, Date.now() - started, this.retry, undefined) : undefined;
        if (delay === undefined) {
          throw new ApiError({
            code: isTimeout(error) ? "TIMEOUT" : "NETWORK_ERROR",
            api: this.options.api,
            method: request.method,
            path: request.path,
            apiMessage: describeNetworkError(error),
            attempts: attempt,
            hint: request.idempotent
              ? `Check that ${this.options.origin} is reachable from this machine, then run the command again.`
              : "The request may or may not have been applied by the server.",
          });
        }
        await sleep(delay);
        continue;
      }
      const retryable = request.idempotent ? this.retryableStatuses.has(response.status) : response.status === 429;
      if (!retryable) return response;
      const retryAfter = header(response.headers, "retry-after");
      const delay = nextRetryDelayMs(attempt, Date.now() - started, this.retry, parseRetryAfter(retryAfter, Date.now()));
      if (delay === undefined) return response;
      await sleep(delay);
    }
  }

  private async attempt(
    request: HttpRequest,
    path: string,
    payload: string | undefined,
    requestHeaders: Record<string, string>,
    attempt: number,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...requestHeaders };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const response = await this.dispatcher.request({
      origin: this.options.origin,
      method: request.method,
      path,
      headers,
      body: payload,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
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

