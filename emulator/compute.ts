import type { ComputeAuthenticator } from "./computeAuth";
import {
  authenticationRequestSchema,
  credentialRequestSchema,
  isCredentialSecretPath,
  registrySettingsSchema,
  registrySpecificationSchema,
  type RegistrySpecification,
} from "./computeSchema";
import { registryUsages, type CredentialStore, type CredentialStoreResult } from "./computeCredentials";
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
/** `credentials`, `credentials/{id}` or `credentials/{id}/usages`; the id still percent-encoded. */
const CREDENTIALS_ROUTE = /^credentials(?:\/([^/]+)(\/usages)?)?$/;
/** Offsets and limits are counts: digits only, as Go's strconv.Atoi would take them without a sign. */
const COUNT_PARAMETER = /^\d{1,9}$/;
/** Unknown credential ids reported in one refusal, so a 20,000-entry PUT cannot produce a megabyte-long error. */
const MAX_REPORTED_CREDENTIAL_IDS = 5;
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

/** What one console project holds: its registry scanning settings and its credential store. */
export interface ComputeProject {
  registry: RegistrySettingsStore;
  credentials: CredentialStore;
}

export interface ComputeBehaviour {
  suffixes: WebhookSuffixes;
  /** Refuse registry entries whose `credentialID` names no credential of the project's store. */
  strictCredentialIds: boolean;
}

/** The project a request addresses without `?project=`: the console's own (PANW's scripts name it explicitly). */
export const DEFAULT_PROJECT = "Central Console";

/** Prisma Cloud Compute: authentication, and per project the registry scanning settings and the credential store. */
export class ComputeApi implements ApiHandler {
  constructor(
    private readonly auth: ComputeAuthenticator,
    private readonly projects: ReadonlyMap<string, ComputeProject>,
    private readonly behaviour: ComputeBehaviour,
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
    }
    const credentialsRoute = CREDENTIALS_ROUTE.exec(route);
    if (credentialsRoute !== null) return this.credentials(request, credentialsRoute[1], credentialsRoute[2] !== undefined);
    return this.errorResponse(404, `no such endpoint: ${route}`);
  }

  private projectOf(request: ApiRequest): Parsed<{ name: string } & ComputeProject> {
    const name = request.query.get("project") ?? DEFAULT_PROJECT;
    const project = this.projects.get(name);
    if (project === undefined) return { ok: false, response: this.errorResponse(400, `project "${name}" does not exist`) };
    return { ok: true, value: { name, ...project } };
  }

  private registrySettings(request: ApiRequest): ApiResponse {
    const project = this.projectOf(request);
    if (!project.ok) return project.response;
    switch (request.method) {
      case "GET":
        return jsonResponse(200, { specifications: project.value.registry.view(), ...this.behaviour.suffixes });
      case "PUT":
        return this.replaceRegistrySettings(request, project.value);
      case "POST":
        return this.addRegistrySpecification(request, project.value);
      default:
        return this.methodNotAllowed();
    }
  }

  private credentials(request: ApiRequest, encodedId: string | undefined, usages: boolean): ApiResponse {
    const project = this.projectOf(request);
    if (!project.ok) return project.response;
    const store = project.value.credentials;
    if (encodedId === undefined) {
      switch (request.method) {
        case "GET":
          return this.listCredentials(request, store);
        case "POST":
          return this.saveCredential(request, store);
        default:
          return this.methodNotAllowed();
      }
    }

    let id: string;
    try {
      id = decodeURIComponent(encodedId);
    } catch {
      return this.errorResponse(400, `credential id "${encodedId}" is not valid percent-encoding`);
    }
    if (usages) {
      if (request.method !== "GET") return this.methodNotAllowed();
      if (!store.has(id)) return this.unknownCredential(id, project.value.name);
      return jsonResponse(200, registryUsages(id, project.value.registry.view()));
    }
    if (request.method !== "DELETE") return this.methodNotAllowed();
    return store.delete(id) ? emptyResponse(200) : this.unknownCredential(id, project.value.name);
  }

  private listCredentials(request: ApiRequest, store: CredentialStore): ApiResponse {
    const offset = this.countParameter(request, "offset");
    if (!offset.ok) return offset.response;
    const limit = this.countParameter(request, "limit");
    if (!limit.ok) return limit.response;
    // A limit of 0 (or none) means no limit, as on the console's other paged lists.
    const page = store.page(offset.value ?? 0, limit.value === 0 ? undefined : limit.value);
    return { ...jsonResponse(200, page), headers: { "Total-Count": String(store.count()) } };
  }

  private saveCredential(request: ApiRequest, store: CredentialStore): ApiResponse {
    const body = this.jsonObjectBody(request, { required: true });
    if (!body.ok) return body.response;
    const parsed = credentialRequestSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return this.errorResponse(400, describeIssues(parsed.error.issues, "body", isCredentialSecretPath));
    return this.storeResponse(store.save(parsed.data, this.auth.username()));
  }

  private unknownCredential(id: string, project: string): ApiResponse {
    return this.errorResponse(404, `credential "${id}" does not exist in project "${project}"`);
  }

  /**
   * Under `strictCredentialIds`, the entries naming a credential the project's store does not hold.
   * An empty `credentialID` names none (anonymous pulls, or an embedded `credential`), so it is not checked.
   */
  private unknownCredentialIds(
    specifications: readonly RegistrySpecification[],
    project: { name: string } & ComputeProject,
    entryName: (index: number) => string,
  ): ApiResponse | undefined {
    if (!this.behaviour.strictCredentialIds) return undefined;
    const problems: string[] = [];
    specifications.forEach((specification, index) => {
      const credentialId = specification.credentialID;
      if (typeof credentialId !== "string" || credentialId === "" || project.credentials.has(credentialId)) return;
      const registry = JSON.stringify(specification.registry ?? "");
      const repository = JSON.stringify(specification.repository ?? "");
      problems.push(
        `${entryName(index)}: credential "${credentialId}" is not in the credential store of project "${project.name}" (entry: registry ${registry}, repository ${repository})`,
      );
    });
    if (problems.length === 0) return undefined;
    const reported = problems.slice(0, MAX_REPORTED_CREDENTIAL_IDS);
    if (problems.length > reported.length) reported.push(`and ${problems.length - reported.length} more entries`);
    return this.errorResponse(400, reported.join("; "));
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

  private replaceRegistrySettings(request: ApiRequest, project: { name: string } & ComputeProject): ApiResponse {
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
    const parsedSpecifications = parsed.data.specifications ?? [];
    const refusal = this.unknownCredentialIds(parsedSpecifications, project, (index) => `specifications[${index}].credentialID`);
    if (refusal !== undefined) return refusal;
    return this.storeResponse(project.registry.replaceAll(parsedSpecifications, scanLater.value));
  }

  private addRegistrySpecification(request: ApiRequest, project: { name: string } & ComputeProject): ApiResponse {
    const scanLater = this.scanLater(request);
    if (!scanLater.ok) return scanLater.response;
    const body = this.jsonObjectBody(request, { required: true });
    if (!body.ok) return body.response;
    const parsed = registrySpecificationSchema.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return this.errorResponse(400, describeIssues(parsed.error.issues, "body"));
    const refusal = this.unknownCredentialIds([parsed.data], project, () => "credentialID");
    if (refusal !== undefined) return refusal;
    return this.storeResponse(project.registry.append(parsed.data, scanLater.value));
  }

  private storeResponse(result: StoreResult | CredentialStoreResult): ApiResponse {
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

  /** An optional non-negative integer query parameter. */
  private countParameter(request: ApiRequest, name: string): Parsed<number | undefined> {
    const value = request.query.get(name);
    if (value === null) return { ok: true, value: undefined };
    if (!COUNT_PARAMETER.test(value)) return { ok: false, response: this.errorResponse(400, `${name}: expected a non-negative integer, got "${value}"`) };
    return { ok: true, value: Number(value) };
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
