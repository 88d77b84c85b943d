import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { isPlainObject, type ApiHandler, type ApiRequest, type ApiResponse, type RequestBody } from "./exchange";
import { AZURE_SP_NAMING_FIELDS } from "./computeSchema";
import type { Fault, FaultPlan } from "./faults";
import { redact } from "../provider/http/redaction";
import type { RecordedApi, RequestRecorder } from "./recorder";

/** 19,999 registry entries are about 10 MB of JSON; this leaves ample headroom. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ServerDependencies {
  compute: ApiHandler;
  cortex: ApiHandler;
  faults: FaultPlan;
  recorder: RequestRecorder;
  /** The emulator's own credentials: redacted from recorded bodies in whatever form a client sent them. */
  secrets: () => readonly string[];
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

type BodyRead = { kind: "too-large" } | { kind: "read"; text: string; body: RequestBody };

function apiOf(path: string): RecordedApi {
  if (path.startsWith("/api/")) return "compute";
  if (path.startsWith("/public_api/")) return "cortex";
  return "unknown";
}

/** Reads the whole body; past the limit it keeps draining so the client still gets an answer. */
async function readBody(request: IncomingMessage): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  if (size > MAX_BODY_BYTES) return { kind: "too-large" };
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { kind: "read", text, body: { kind: "empty" } };
  try {
    return { kind: "read", text, body: { kind: "json", value: JSON.parse(text) as unknown } };
  } catch {
    return { kind: "read", text, body: { kind: "invalid-json" } };
  }
}

function faultResponse(handler: ApiHandler, fault: Extract<Fault, { kind: "fail" }>, request: ApiRequest, bodyText: string | undefined): ApiResponse {
  const quoted = fault.quoteRequest ? ` while handling authorization "${String(request.headers.authorization ?? "")}" and body ${bodyText ?? ""}` : "";
  const message = (fault.status === 429 ? "Too many requests" : `injected fault: HTTP ${fault.status}`) + quoted;
  const response = handler.errorResponse(fault.status, message);
  if (fault.retryAfterSeconds === undefined) return response;
  return { ...response, headers: { ...response.headers, "Retry-After": String(fault.retryAfterSeconds) } };
}

function send(response: ServerResponse, reply: ApiResponse): void {
  const payload = reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body));
  const headers: Record<string, string | number> = { ...reply.headers, "Content-Length": payload?.length ?? 0 };
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** Dropping must look like a network failure: no status line, no bytes, just a closed connection. */
function drop(response: ServerResponse): void {
  response.socket?.destroy();
}

const UNKNOWN_PATH: ApiResponse = { status: 404, body: { err: "not found" } };

/**
 * One HTTP server speaking both APIs. It owns what is common to every request:
 * reading the body, recording, injected faults and latency; each API's handler
 * decides everything else.
 */
export class EmulatorServer {
  private readonly server: Server;

  constructor(private readonly dependencies: ServerDependencies) {
    this.server = createServer((request, response) => {
      this.serve(request, response).catch(() => {
        // The client may have gone away mid-request; there is nobody left to answer.
        if (!response.headersSent) drop(response);
      });
    });
  }

  listen(port: number): Promise<RunningServer> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        resolve({ url: `http://127.0.0.1:${address.port}`, close: () => this.close() });
      });
    });
  }

  private close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections would otherwise hold close() open until they time out.
      this.server.closeAllConnections();
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { faults, recorder } = this.dependencies;
    const time = Date.now();
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    const method = (request.method ?? "GET").toUpperCase();
    const api = apiOf(url.pathname);
    const latencyMs = faults.latency();
    const record = recorder.record({
      api,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      time,
    });
    const bodyRead = await readBody(request);
    if (bodyRead.kind === "read" && bodyRead.body.kind === "json") {
      // A login body carries the console password, a connector body the registry's credentials,
      // a Compute credential (stored, or embedded in a registry entry) its secrets: recorded
      // requests must be safe to print.
      const masked = url.pathname.endsWith("/authenticate")
        ? LOGIN_SECRET_KEYS
        : api === "cortex" && (method === "POST" || method === "PUT")
          ? CONNECTOR_SECRET_KEYS
          : undefined;
      const keysMasked = masked ? maskBody(bodyRead.text, masked) : bodyRead.text;
      // Walking the body costs time on a 20,000-entry PUT; only a body that can hold a credential secret
      // (a JSON escape could spell the key names, hence the `\u` case) is walked.
      if (api === "compute" && CREDENTIAL_SECRET_HINT.test(keysMasked)) {
        const credentialsMasked = maskCredentialSecrets(JSON.parse(keysMasked) as unknown);
        record.jsonBody = redact(JSON.stringify(credentialsMasked.body), [...this.dependencies.secrets(), ...credentialsMasked.secrets]);
      } else {
        record.jsonBody = redact(keysMasked, this.dependencies.secrets());
      }
    }

    let reply: ApiResponse | undefined;
    if (api === "unknown") {
      reply = UNKNOWN_PATH;
    } else if (bodyRead.kind === "too-large") {
      reply = this.dependencies[api].errorResponse(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    } else {
      const target = { api, method, path: url.pathname, body: bodyRead.kind === "read" ? bodyRead.text : undefined };
      await faults.runHold(target);
      const fault = faults.take(target);
      const apiRequest: ApiRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: bodyRead.body,
      };
      reply = this.answer(this.dependencies[api], apiRequest, fault, target.body);
      if (reply && reply.status >= 200 && reply.status < 300) faults.runAfterApply(target);
    }

    if (latencyMs > 0) await sleep(latencyMs);
    if (reply === undefined) {
      drop(response);
      return;
    }
    record.status = reply.status;
    send(response, reply);
  }

  /** Undefined means the connection is to be dropped. */
  private answer(handler: ApiHandler, request: ApiRequest, fault: Fault | undefined, bodyText?: string): ApiResponse | undefined {
    if (fault?.kind === "fail" && !fault.afterApply) return faultResponse(handler, fault, request, bodyText);
    if (fault?.kind === "answer") return { status: 200, body: fault.body };
    if (fault?.kind === "drop" && fault.when === "before-apply") return undefined;
    let reply: ApiResponse;
    try {
      reply = handler.handle(request);
    } catch (error) {
      reply = handler.errorResponse(500, `emulator error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (fault?.kind === "fail") return faultResponse(handler, fault, request, bodyText);
    return fault?.kind === "drop" ? undefined : reply;
  }
}

/** Text a Compute body holding a credential secret must contain. */
const CREDENTIAL_SECRET_HINT = /plain|azureSPInfo|\\u/;

/** Secrets in a Compute login body. */
const LOGIN_SECRET_KEYS = ["password", "token"] as const;
/** Secrets in a Cortex connector body (POST and PUT); the stored connector keeps them, the recording does not. */
const CONNECTOR_SECRET_KEYS = ["password", "auth_token", "ca_certificate"] as const;

function maskBody(text: string, keys: readonly string[]): string {
  const body = JSON.parse(text) as unknown;
  if (body === null || typeof body !== "object" || Array.isArray(body)) return text;
  const masked: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of keys) if (key in masked) masked[key] = "***";
  return JSON.stringify(masked);
}

/**
 * A Compute body with every secret a credential can carry masked: the `plain` of each
 * `common.Secret` (wherever it sits: a stored credential, a registry entry's embedded
 * `credential`, temporary tokens) and any field of `azureSPInfo` the schema does not name.
 * The masked values are returned too, so a copy of one elsewhere in the body (an unknown
 * field, a quoted key) is redacted as well.
 */
function maskCredentialSecrets(body: unknown): { body: unknown; secrets: string[] } {
  const secrets: string[] = [];
  const mask = (value: unknown, insideAzureServicePrincipal: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => mask(item, false));
    if (!isPlainObject(value)) return value;
    const masked: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const secret = key === "plain" || (insideAzureServicePrincipal && !AZURE_SP_NAMING_FIELDS.has(key));
      // Whatever the type: a refused body (a number or an object where a string belongs) is recorded too.
      if (secret && field !== null) {
        if (typeof field === "string") secrets.push(field);
        masked[key] = "***";
      } else {
        masked[key] = mask(field, key === "azureSPInfo");
      }
    }
    return masked;
  };
  return { body: mask(body, false), secrets };
}
