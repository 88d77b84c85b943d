import type { ComputeAuthenticator } from "./computeAuth";
import {
  authenticationRequestSchema,
  registrySettingsSchema,
  registrySpecificationSchema,
} from "./computeSchema";
import {
  capExceededMessage,
  MAX_REGISTRY_ENTRIES,
  type RegistrySettingsStore,
  type StoreResult,
} from "./computeRegistry";
import {
  emptyResponse,
  isPlainObject,
  jsonResponse,
  singleHeader,
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
} from "./exchange";
import { describeIssues } from "./validationMessages";

const API_PATH = /^\/api\/([^/]+)\/(.+?)\/?$/;
/** `v1` always means the newest API; a pinned release is `vNN.NN`, e.g. `v34.04`. */
const SUPPORTED_VERSION = /^(v1|v\d{2}\.\d{2})$/;

/** strconv.ParseBool's vocabulary, which is what the console's query parser accepts. */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

export interface WebhookSuffixes {
  webhookUrlSuffix: string;
  harborScannerUrlSuffix: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: ApiResponse };

/** The project a request addresses without `?project=`: the console's own (PANW's scripts name it explicitly). */
export const DEFAULT_PROJECT = "Central Console";

/** Prisma Cloud Compute: authentication and the registry scanning settings, one list per project. */
export class ComputeApi implements ApiHandler {
  constructor(
    private readonly auth: ComputeAuthenticator,
    private readonly registries: ReadonlyMap<string, RegistrySettingsStore>,
    private readonly suffixes: WebhookSuffixes,
  ) {}

  errorResponse(status: number, message: string): ApiResponse {
    return jsonResponse(status, { err: message });
  }

  handle(request: ApiRequest): ApiResponse {
    const match = API_PATH.exec(request.path);
    const version = match?.[1] ?? "";
    const route = match?.[2] ?? "";
    if (!SUPPORTED_VERSION.test(version)) return this.errorResponse(404, `unsupported API version "${version}"`);

    if (route === "authenticate") {
      return request.method === "POST" ? this.authenticate(request) : this.methodNotAllowed();
    }

    const authorization = this.auth.authorize(singleHeader(request.headers, "authorization"));
    if (!authorization.ok) return this.errorResponse(401, authorization.reason);

    switch (route) {
      case "authenticate/renew":
        if (request.method !== "GET") return this.methodNotAllowed();
        return authorization.method === "bearer"
          ? this.renew(authorization.token)
          : this.errorResponse(401, "renewal needs a bearer token");
      case "settings/registry":
        return this.registrySettings(request);
      default:
        return this.errorResponse(404, `no such endpoint: ${route}`);
    }
  }

  private registrySettings(request: ApiRequest): ApiResponse {
    const project = request.query.get("project") ?? DEFAULT_PROJECT;
    const registry = this.registries.get(project);
    if (registry === undefined) return this.errorResponse(400, `project "${project}" does not exist`);
    switch (request.method) {
      case "GET":
        return jsonResponse(200, { specifications: registry.view(), ...this.suffixes });
      case "PUT":
        return this.replaceRegistrySettings(request, registry);
      case "POST":
        return this.addRegistrySpecification(request, registry);
      default:
        return this.methodNotAllowed();
    }
  }

  private authenticate(request: ApiRequest): ApiResponse {
    const body = this.jsonObjectBody(request, { required: true });
    if (!body.ok) return body.response;
    const parsed = authenticationRequestSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return this.errorResponse(400, describeIssues(parsed.error.issues, "body"));
    const token = this.auth.login(parsed.data.username ?? "", parsed.data.password ?? "");
    return token === undefined ? this.errorResponse(401, "invalid credentials") : jsonResponse(200, { token });
  }

  private renew(token: string): ApiResponse {
    const renewed = this.auth.renew(token);
    return renewed === undefined
      ? this.errorResponse(401, "invalid or expired token")
      : jsonResponse(200, { token: renewed });
  }

  private replaceRegistrySettings(request: ApiRequest, registry: RegistrySettingsStore): ApiResponse {
    const scanLater = this.scanLater(request);
    if (!scanLater.ok) return scanLater.response;
    const body = this.jsonObjectBody(request, { required: false });
    if (!body.ok) return body.response;

    // Checked before validation so an oversized list is refused without validating 20,000 entries.
    const specifications = body.value.specifications;
    if (Array.isArray(specifications) && specifications.length > MAX_REGISTRY_ENTRIES) {
      return this.errorResponse(400, capExceededMessage(specifications.length));
    }
    const parsed = registrySettingsSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return this.errorResponse(400, describeIssues(parsed.error.issues, "body"));
    return this.storeResponse(registry.replaceAll(parsed.data.specifications ?? [], scanLater.value));
  }

  private addRegistrySpecification(request: ApiRequest, registry: RegistrySettingsStore): ApiResponse {
    const scanLater = this.scanLater(request);
    if (!scanLater.ok) return scanLater.response;
    const body = this.jsonObjectBody(request, { required: true });
    if (!body.ok) return body.response;
    const parsed = registrySpecificationSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return this.errorResponse(400, describeIssues(parsed.error.issues, "body"));
    return this.storeResponse(registry.append(parsed.data, scanLater.value));
  }

  private storeResponse(result: StoreResult): ApiResponse {
    return result.ok ? emptyResponse(200) : this.errorResponse(400, result.message);
  }

  /** An absent body counts as `{}` where the console treats it so (PUT erases everything). */
  private jsonObjectBody(request: ApiRequest, options: { required: boolean }): Parsed<Record<string, unknown>> {
    const { body } = request;
    if (body.kind === "invalid-json") {
      return { ok: false, response: this.errorResponse(400, "request body is not valid JSON") };
    }
    if (body.kind === "empty") {
      return options.required
        ? { ok: false, response: this.errorResponse(400, "request body is empty") }
        : { ok: true, value: {} };
    }
    if (!isPlainObject(body.value)) {
      return { ok: false, response: this.errorResponse(400, "body: expected a JSON object") };
    }
    return { ok: true, value: body.value };
  }

  private scanLater(request: ApiRequest): Parsed<boolean> {
    const value = request.query.get("scanLater");
    if (value === null || GO_FALSE.has(value)) return { ok: true, value: false };
    if (GO_TRUE.has(value)) return { ok: true, value: true };
    return { ok: false, response: this.errorResponse(400, `scanLater: invalid boolean "${value}"`) };
  }

  private methodNotAllowed(): ApiResponse {
    return this.errorResponse(405, "method not allowed");
  }
}
