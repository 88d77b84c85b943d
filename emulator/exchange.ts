import type { IncomingHttpHeaders } from "node:http";

/** The request body as the server read it, before any API decides what it means. */
export type RequestBody =
  | { kind: "empty" }
  | { kind: "json"; value: unknown }
  | { kind: "invalid-json" };

export interface ApiRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: RequestBody;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; `undefined` sends an empty body. */
  body?: unknown;
}

/** One emulated SaaS API: answers its own requests and renders errors in its own style. */
export interface ApiHandler {
  handle(request: ApiRequest): ApiResponse;
  errorResponse(status: number, message: string): ApiResponse;
}

export function jsonResponse(status: number, body: unknown): ApiResponse {
  return { status, body };
}

export function emptyResponse(status: number): ApiResponse {
  return { status };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Header values may arrive repeated; the emulated APIs only ever look at one value. */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
