import type { CortexAuthenticator } from "./cortexAuth";
import type { ConnectorStore } from "./cortexConnectors";
import { connectorSchema } from "./cortexSchema";
import { isPlainObject, jsonResponse, type ApiHandler, type ApiRequest, type ApiResponse } from "./exchange";
import type { SlidingWindowRateLimiter } from "./rateLimiter";
import { describeIssues } from "./validationMessages";

const INSTANCES_PATH = "/public_api/v1/cwp/registry_onboarding/instances";

export type CortexErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_ERROR";

function errorCodeFor(status: number): CortexErrorCode {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "TOO_MANY_REQUESTS";
    default:
      return "INTERNAL_ERROR";
  }
}

/** Secrets are write-only: nothing the API returns may carry them. */
function withoutSecrets(body: Record<string, unknown>): Record<string, unknown> {
  const { password: _password, auth_token: _authToken, ...visible } = body;
  return visible;
}

type ConnectorRoute = { kind: "collection" } | { kind: "connector"; connectorId: string } | { kind: "unknown" };

function routeOf(path: string): ConnectorRoute {
  if (path === INSTANCES_PATH || path === `${INSTANCES_PATH}/`) return { kind: "collection" };
  if (!path.startsWith(`${INSTANCES_PATH}/`)) return { kind: "unknown" };
  const encodedId = path.slice(INSTANCES_PATH.length + 1).replace(/\/$/, "");
  if (encodedId.includes("/")) return { kind: "unknown" };
  try {
    return { kind: "connector", connectorId: decodeURIComponent(encodedId) };
  } catch {
    return { kind: "unknown" };
  }
}

/** Cortex public API: registry connectors (cwp/registry_onboarding). */
export class CortexApi implements ApiHandler {
  constructor(
    private readonly auth: CortexAuthenticator,
    private readonly connectors: ConnectorStore,
    private readonly rateLimiter: SlidingWindowRateLimiter,
  ) {}

  errorResponse(status: number, message: string): ApiResponse {
    return jsonResponse(status, { err_msg: message, metadata: { code: errorCodeFor(status) } });
  }

  handle(request: ApiRequest): ApiResponse {
    // The tenant's limit counts every request it receives, so it is applied before authentication.
    if (!this.rateLimiter.tryAdmit()) return this.errorResponse(429, "Too many requests");
    const authentication = this.auth.authenticate(request.headers);
    if (!authentication.ok) return this.errorResponse(401, authentication.reason);

    const route = routeOf(request.path);
    if (route.kind === "collection") {
      if (request.method === "GET") return this.errorResponse(403, "listing registry connectors is not allowed");
      if (request.method === "POST") return this.create(request);
    }
    if (route.kind === "connector") {
      switch (request.method) {
        case "GET":
          return this.read(route.connectorId);
        case "PUT":
          return this.update(route.connectorId, request);
        case "DELETE":
          return this.remove(route.connectorId);
      }
    }
    return this.errorResponse(404, `no such endpoint: ${request.method} ${request.path}`);
  }

  private create(request: ApiRequest): ApiResponse {
    const connector = this.validConnector(request);
    if (!connector.ok) return connector.response;
    return jsonResponse(200, { connector_id: this.connectors.create(connector.value) });
  }

  private read(connectorId: string): ApiResponse {
    const record = this.connectors.get(connectorId);
    return record === undefined
      ? this.connectorNotFound(connectorId)
      : jsonResponse(200, withoutSecrets(record.body));
  }

  private update(connectorId: string, request: ApiRequest): ApiResponse {
    if (this.connectors.get(connectorId) === undefined) return this.connectorNotFound(connectorId);
    const connector = this.validConnector(request);
    if (!connector.ok) return connector.response;
    this.connectors.replace(connectorId, connector.value);
    return jsonResponse(200, { connector_id: connectorId });
  }

  private remove(connectorId: string): ApiResponse {
    return this.connectors.delete(connectorId)
      ? jsonResponse(200, { success: true })
      : this.connectorNotFound(connectorId);
  }

  private validConnector(
    request: ApiRequest,
  ): { ok: true; value: Record<string, unknown> } | { ok: false; response: ApiResponse } {
    const { body } = request;
    if (body.kind === "invalid-json") {
      return { ok: false, response: this.errorResponse(400, "request body is not valid JSON") };
    }
    if (body.kind === "empty") return { ok: false, response: this.errorResponse(400, "request body is required") };
    if (!isPlainObject(body.value)) {
      return { ok: false, response: this.errorResponse(400, "body: expected a JSON object") };
    }
    const parsed = connectorSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) {
      return { ok: false, response: this.errorResponse(400, describeIssues(parsed.error.issues, "body")) };
    }
    // The id comes from the path or the store, never from the body.
    const { connector_id: _ignoredId, ...connector } = parsed.data;
    return { ok: true, value: connector };
  }

  private connectorNotFound(connectorId: string): ApiResponse {
    return this.errorResponse(404, `registry connector ${connectorId} not found`);
  }
}
