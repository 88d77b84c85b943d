import { z } from "zod";
import { ApiError, codeForStatus, neverConnected, redactSecrets } from "../http/apiError";
import type { OperationLimits } from "../http/deadline";
import { HttpClient, type HttpRequest, type HttpResponse, type ProgressReport } from "../http/httpClient";
import { sharedLimiter, type RateLimit, type SlidingWindowLimiter } from "../http/rateLimiter";
import type { RetryPolicy } from "../http/retryPolicy";
import type { WireConnector } from "./connectorBody";
import { authHeaders } from "./cortexAuth";
import type { CortexConnection } from "./connection";

const API = "Cortex";
export const INSTANCES_PATH = "/public_api/v1/cwp/registry_onboarding/instances";

/**
 * About 10 requests per second per tenant, across every endpoint. Requests
 * go out evenly spaced, one every 110 ms (9.1 a second) rather than in bursts
 * of ten: a burst queues in the connection pool and the network bunches it
 * unevenly, so ten requests sent a second after ten others could arrive
 * within less than a second of them. Spacing leaves 100 ms of slack in every
 * eleven requests for that (40 ms proved too little on a loaded two-core
 * machine), and suits a tenant that limits with a token bucket too.
 */
export const TENANT_RATE_LIMIT: RateLimit = { limit: 1, windowMs: 110 };

/** GET, PUT and DELETE are retried on these; a POST only on 429, the one answer that proves nothing was created. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);


const createdSchema = z.looseObject({ connector_id: z.union([z.string().min(1), z.number()]) });
const connectorSchema = z.looseObject({});

export interface CortexClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Defaults to the tenant's documented limit, shared by every client of the same tenant in this process. */
  rateLimit?: RateLimit;
  report?: ProgressReport;
}

/**
 * A create whose outcome is unknown (its answer lost, or a server error that
 * may have come after the connector was made): the connector may or may
 * not exist, and the API offers no way to look for it but its id.
 */
export class CreateOutcomeUnknownError extends Error {
  readonly code = "CREATE_OUTCOME_UNKNOWN";

  constructor(
    readonly connectorName: string,
    /** What happened to the POST, e.g. "lost its answer (connection reset)"; never quotes a secret. */
    readonly what: string,
    /** For a lost answer that a longer time limit might have caught, which setting gives more time. */
    timeAdvice?: string,
  ) {
    super(
      `${API} POST ${INSTANCES_PATH} ${what}, so registry connector "${connectorName}" may or may not have been created. ` +
        "The request was not sent again: a second POST could create a duplicate, and the API has no list endpoint to look for the first." +
        `${timeAdvice ? ` ${timeAdvice}` : ""}`,
    );
    this.name = "CreateOutcomeUnknownError";
  }
}

/** The registry connector endpoints of one Cortex tenant's public API. */
export class CortexClient {
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly limiter: SlidingWindowLimiter;
  private readonly report: ProgressReport | undefined;

  constructor(
    private readonly connection: CortexConnection,
    /** The operation this client serves: each request and each wait for the rate limit keeps its request timeout and deadline. */
    private readonly limits: OperationLimits,
    options: CortexClientOptions = {},
  ) {
    const url = new URL(connection.apiUrl);
    this.base = `${url.pathname.replace(/\/+$/, "")}${INSTANCES_PATH}`;
    this.http = new HttpClient({
      api: API,
      origin: url.origin,
      retry: options.retry,
      limits,
      retryableStatuses: RETRYABLE_STATUSES,
      report: options.report,
    });
    this.report = options.report;
    this.limiter = sharedLimiter(`cortex ${connection.apiUrl}`, options.rateLimit ?? TENANT_RATE_LIMIT);
  }

  /**
   * Creates a connector and returns its id. Never resent after a lost answer
   * (only a 429, which proves nothing was applied, is retried).
   */
  async create(body: WireConnector, connectorName: string): Promise<string> {
    let response: HttpResponse;
    try {
      response = await this.send({ method: "POST", path: this.base, body, idempotent: false });
    } catch (error) {
      if (error instanceof ApiError && neverConnected(error)) {
        throw new ApiError({
          code: "NETWORK_ERROR",
          api: API,
          method: "POST",
          path: INSTANCES_PATH,
          apiMessage: error.apiMessage,
          hint: `Nothing was sent, so no connector was created. Check cortex:apiUrl (or the resource's tenant.apiUrl): ${this.connection.apiUrl} must be reachable from this machine.`,
        });
      }
      if (error instanceof ApiError && error.code === "TIMEOUT") {
        const limit = this.limits.deadline.remainingMs() <= 0 ? this.limits.deadline.limit : this.limits.request;
        throw new CreateOutcomeUnknownError(connectorName, `lost its answer (${error.apiMessage ?? error.code})`, `If the tenant is only slow, ${limit.advice}.`);
      }
      if (error instanceof ApiError && error.code === "NETWORK_ERROR") {
        throw new CreateOutcomeUnknownError(connectorName, `lost its answer (${error.apiMessage ?? error.code})`);
      }
      throw error;
    }
    if (isSuccess(response.status)) {
      const created = createdSchema.safeParse(response.body);
      if (!created.success) throw new CreateOutcomeUnknownError(connectorName, `answered HTTP ${response.status} without a connector_id`);
      return String(created.data.connector_id);
    }
    if (response.status >= 500) {
      // A server error may come after the connector was stored.
      const apiError = this.error("POST", INSTANCES_PATH, response, "", body);
      throw new CreateOutcomeUnknownError(connectorName, `failed with HTTP ${response.status}${apiError.apiMessage ? ` (${apiError.apiMessage})` : ""}`);
    }
    throw this.error("POST", INSTANCES_PATH, response, hintFor(response.status), body);
  }

  /** The connector as the API returns it (never with password or auth_token), or undefined when there is no such id. */
  async get(connectorId: string): Promise<WireConnector | undefined> {
    const path = this.pathOf(connectorId);
    const response = await this.send({ method: "GET", path: `${this.base}/${encodeURIComponent(connectorId)}`, idempotent: true });
    if (response.status === 404) return undefined;
    if (!isSuccess(response.status)) throw this.error("GET", path, response, hintFor(response.status));
    const parsed = connectorSchema.safeParse(response.body);
    if (!parsed.success) {
      throw this.error("GET", path, response, "The tenant answered with a body that is not a registry connector; check the API URL.");
    }
    return parsed.data;
  }

  /** Replaces the whole connector: the API's PUT takes the full body, secrets included. Resending it is harmless. */
  async update(connectorId: string, body: WireConnector): Promise<void> {
    const path = this.pathOf(connectorId);
    const response = await this.send({ method: "PUT", path: `${this.base}/${encodeURIComponent(connectorId)}`, body, idempotent: true });
    if (isSuccess(response.status)) return;
    const hint =
      response.status === 404
        ? "The connector no longer exists in the tenant (deleted outside Pulumi?). Run `pulumi refresh` to drop it from the stack; the next `pulumi up` creates it again."
        : hintFor(response.status);
    throw this.error("PUT", path, response, hint, body);
  }

  /** Deletes the connector; true when it was deleted now, false when it was already gone (404). */
  async remove(connectorId: string): Promise<boolean> {
    const path = this.pathOf(connectorId);
    const response = await this.send({ method: "DELETE", path: `${this.base}/${encodeURIComponent(connectorId)}`, idempotent: true });
    if (isSuccess(response.status)) return true;
    if (response.status === 404) return false;
    throw this.error("DELETE", path, response, hintFor(response.status));
  }

  private send(request: Omit<HttpRequest, "headers" | "beforeAttempt">): Promise<HttpResponse> {
    return this.http.send({
      ...request,
      // Every attempt, retries included, takes its place in the tenant's limit and signs afresh.
      beforeAttempt: (signal) => this.takeTurn(signal),
      headers: () => authHeaders(this.connection),
    });
  }

  /** A place under the tenant's rate limit, saying so when other requests (of this or other connectors) are ahead. */
  private takeTurn(signal: AbortSignal): Promise<void> {
    const ahead = this.limiter.queued;
    if (ahead > 0) {
      const { limit, windowMs } = this.limiter.rate;
      const pace = limit === 1 ? `one request every ${windowMs} ms` : `${limit} requests per ${windowMs} ms`;
      this.report?.(`waiting for a turn under the tenant's rate limit (${pace}): ${ahead} request${ahead === 1 ? "" : "s"} ahead`);
    }
    return this.limiter.acquire(signal);
  }

  private pathOf(connectorId: string): string {
    return `${INSTANCES_PATH}/${encodeURIComponent(connectorId)}`;
  }

  private error(method: string, path: string, response: HttpResponse, hint: string, body?: WireConnector): ApiError {
    const secrets = [this.connection.apiKey, ...["password", "auth_token", "ca_certificate"].map((k) => stringOrUndefined(body?.[k]))];
    return new ApiError({
      code: codeForStatus(response.status),
      api: API,
      method,
      path,
      status: response.status,
      apiMessage: redactSecrets(cortexErrorMessage(response.body), secrets),
      attempts: response.attempts,
      hint,
    });
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Cortex answers errors as `{err_msg, metadata: {code}}`; anything else is quoted briefly. */
export function cortexErrorMessage(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  if (body && typeof body === "object") {
    const { err_msg: message, metadata } = body as { err_msg?: unknown; metadata?: { code?: unknown } };
    const code = metadata && typeof metadata === "object" && typeof metadata.code === "string" ? metadata.code : undefined;
    if (typeof message === "string") return code ? `${code}: ${message}` : message;
    if (code) return code;
  }
  return "";
}

function hintFor(status: number): string {
  if (status === 400) return "Cortex refused the connector; the message above names the field.";
  if (status === 401) {
    return (
      "Check the API key: cortex:apiKey, cortex:apiKeyId and cortex:apiKeyType (or the resource's tenant). An advanced key needs " +
      'apiKeyType "advanced" and a correct clock on this machine; a standard key needs "standard".'
    );
  }
  if (status === 403) return "The API key's role needs permission to manage registry connectors in this tenant.";
  if (status === 404) return "Check cortex:apiUrl (https://api-<tenant fqdn>) and the connector id.";
  if (status === 429) return "The tenant is rate limiting (about 10 requests per second across all its clients); run the command again.";
  if (status >= 500) return "The tenant failed; run the command again, and check Cortex's status if it persists.";
  return "Run the command again; if it persists, check the tenant.";
}
