/** What went wrong, stable enough for a caller to switch on. */
export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "SERVER_ERROR"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "UNEXPECTED_STATUS";

export interface ApiErrorDetails {
  code: ApiErrorCode;
  api: string;
  method: string;
  path: string;
  status?: number;
  /** The API's own words, from its error body. */
  apiMessage?: string;
  /** What the user can do next. */
  hint: string;
  attempts?: number;
}

/**
 * An API call that failed, carrying the status, the API's message, the method
 * and path, and what to do next. Never carries headers or bodies, so no
 * credential can reach a message through it.
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly method: string;
  readonly path: string;
  readonly hint: string;

  constructor(details: ApiErrorDetails) {
    super(formatApiError(details));
    this.name = "ApiError";
    this.code = details.code;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.method = details.method;
    this.path = details.path;
    this.hint = details.hint;
  }
}

export function formatApiError(d: ApiErrorDetails): string {
  const status = d.status === undefined ? "" : ` HTTP ${d.status}`;
  const said = d.apiMessage ? `: ${d.apiMessage}` : "";
  const attempts = d.attempts && d.attempts > 1 ? ` (after ${d.attempts} attempts)` : "";
  return `${d.api} ${d.method} ${d.path} failed with${status || ` ${d.code}`}${said}${attempts}. ${d.hint}`;
}

export function codeForStatus(status: number): ApiErrorCode {
  if (status === 400 || status === 422) return "BAD_REQUEST";
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "SERVER_ERROR";
  return "UNEXPECTED_STATUS";
}

/** Failures to connect at all: the request never left this machine, so the server cannot have applied it. */
const NEVER_CONNECTED = /\((ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\)/;

export function neverConnected(error: unknown): boolean {
  return error instanceof ApiError && error.code === "NETWORK_ERROR" && NEVER_CONNECTED.test(error.apiMessage ?? "");
}

/** An answer refusing the request (4xx), or no connection at all: either way the server did not apply it. */
export function provenNotApplied(error: unknown): boolean {
  if (neverConnected(error)) return true;
  return error instanceof ApiError && error.status !== undefined && error.status >= 400 && error.status < 500;
}

export { redact as redactSecrets } from "./redaction";
