import { createHash } from "node:crypto";
import { z } from "zod";
import { ApiError, codeForStatus, redactSecrets } from "../http/apiError";
import type { OperationLimits } from "../http/deadline";
import { HttpClient, type HttpRequest, type HttpResponse, type ProgressReport } from "../http/httpClient";
import { RETRYABLE_STATUSES, type RetryPolicy } from "../http/retryPolicy";
import { ACCEPT_LIST_AS_READ_VARIABLE, type ComputeConnection } from "./connection";
import type { WireCredential } from "./credentialBody";
import type { WireEntry } from "./registryEntry";

/** Credentials per page when listing the store. */
const CREDENTIAL_PAGE_SIZE = 100;
const credentialListSchema = z.array(z.looseObject({ _id: z.string() }));
/** A credential as the store lists it: its id, and whatever else the console says of it. */
export type StoredCredential = z.infer<typeof credentialListSchema>[number];

const API = "Prisma Cloud Compute";

/** Renew well before the console's shortest token lifetime (SaaS advises every few minutes). */
const TOKEN_REUSE_MS = 10 * 60 * 1000;

interface CachedToken {
  token: string;
  obtainedAt: number;
}

/**
 * Every Compute request this client sends is idempotent (a read, a full-list
 * write that is verified after, a login), so a 500 is retried too: a console
 * answers 500 for transient faults as often as 502-504.
 */
const COMPUTE_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([...RETRYABLE_STATUSES, 500]);

/** Tokens live in the provider host process only, shared by every resource on the same console and user. */
const tokenCache = new Map<string, CachedToken>();

const authenticateResponseSchema = z.object({ token: z.string().min(1) });
const registrySettingsSchema = z.looseObject({
  specifications: z.array(z.looseObject({})).nullish(),
});

export interface ComputeClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Take an answer without a registry list as an empty console (the user confirmed it), instead of refusing it. */
  acceptMissingList?: boolean;
  report?: ProgressReport;
}

/** The part of the Prisma Cloud Compute API that registry scanning settings need. */
export class ComputeClient {
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly cacheKey: string;

  constructor(
    private readonly connection: ComputeConnection,
    /** The operation this client serves: its requests, logins included, keep its request timeout and deadline. */
    limits: OperationLimits,
    private readonly options: ComputeClientOptions = {},
  ) {
    const url = new URL(connection.url);
    this.base = `${url.pathname.replace(/\/+$/, "")}/api/${connection.apiVersion}`;
    this.http = new HttpClient({
      api: API,
      origin: url.origin,
      caCert: connection.caCert,
      insecureSkipTlsVerify: connection.insecureSkipTlsVerify,
      retry: options.retry,
      report: options.report,
      limits,
      retryableStatuses: COMPUTE_RETRYABLE_STATUSES,
    });
    const secretDigest = createHash("sha256").update(connection.password).digest("hex");
    this.cacheKey = JSON.stringify([connection.url, connection.project ?? null, connection.username, secretDigest]);
  }

  async getRegistryEntries(): Promise<WireEntry[]> {
    const response = await this.call({ method: "GET", path: `${this.base}/settings/registry`, query: this.projectQuery(), idempotent: true });
    const parsed = registrySettingsSchema.safeParse(response.body ?? {});
    if (!parsed.success) {
      throw this.error("GET", "/settings/registry", response, "The console answered with a body that is not registry settings; check the console URL.");
    }
    if (parsed.data.specifications) return parsed.data.specifications as WireEntry[];
    if (this.options.acceptMissingList) return [];
    // An empty console may well answer `[]`; no list at all is not an answer a write can be based on.
    throw this.error(
      "GET",
      "/settings/registry",
      response,
      "The answer has no registry list (specifications is missing or null), so nothing was written: a write based on it would erase " +
        "every entry this stack does not declare. If the console really holds no registry entries, run the command again with " +
        `${ACCEPT_LIST_AS_READ_VARIABLE}=true.`,
    );
  }

  /** Replaces the console's whole list: the API has no per-entry write. */
  async putRegistryEntries(entries: WireEntry[], scanLater: boolean): Promise<void> {
    const certificates = entries.map((entry) => entry.caCert).filter((value): value is string => typeof value === "string");
    await this.call(
      {
      method: "PUT",
      path: `${this.base}/settings/registry`,
      query: { ...this.projectQuery(), ...(scanLater ? { scanLater: "true" } : {}) },
      body: { specifications: entries },
      // Writing the same full list twice leaves the same list: safe to resend after a lost answer.
      idempotent: true,
      },
      certificates,
    );
  }

  /** Every credential in the store (the API pages its list). */
  async listCredentials(): Promise<StoredCredential[]> {
    const credentials: StoredCredential[] = [];
    for (let offset = 0; ; offset += CREDENTIAL_PAGE_SIZE) {
      const response = await this.call({
        method: "GET",
        path: `${this.base}/credentials`,
        query: { ...this.projectQuery(), offset: String(offset), limit: String(CREDENTIAL_PAGE_SIZE) },
        idempotent: true,
      });
      const page = credentialListSchema.safeParse(response.body ?? []);
      if (!page.success) throw this.error("GET", "/credentials", response, "The console answered with a body that is not a credential list; check the console URL.");
      credentials.push(...page.data);
      if (page.data.length < CREDENTIAL_PAGE_SIZE) return credentials;
    }
  }

  /** The credential with this `_id`, or undefined. */
  async getCredential(id: string): Promise<StoredCredential | undefined> {
    return (await this.listCredentials()).find((credential) => credential._id === id);
  }

  /** Creates or replaces a credential (`_id` names it): the API's POST does both, so resending it is harmless. */
  async putCredential(credential: WireCredential, secrets: readonly string[]): Promise<void> {
    await this.call({ method: "POST", path: `${this.base}/credentials`, query: this.projectQuery(), body: credential, idempotent: true }, secrets);
  }

  /** Deletes a credential; false when it was already gone. */
  async deleteCredential(id: string): Promise<boolean> {
    const path = `${this.base}/credentials/${encodeURIComponent(id)}`;
    const response = await this.call({ method: "DELETE", path, query: this.projectQuery(), idempotent: true }, [], [404]);
    return response.status !== 404;
  }

  /** What uses a credential, each described as the console describes it. */
  async credentialUsages(id: string): Promise<string[]> {
    const path = `${this.base}/credentials/${encodeURIComponent(id)}/usages`;
    const response = await this.call({ method: "GET", path, query: this.projectQuery(), idempotent: true });
    const usages = z.array(z.unknown()).safeParse(response.body ?? []);
    if (!usages.success) throw this.error("GET", path.slice(this.base.length), response, "The console answered with a body that is not a list of usages.");
    return usages.data.map(describeUsage);
  }

  /** Every request names the project when one is configured, as the console's own scripts do. */
  private projectQuery(): Record<string, string> {
    return this.connection.project === undefined ? {} : { project: this.connection.project };
  }

  /** `expectedFailures`: statuses the caller handles itself (a 404 on delete is "already gone"). */
  private async call(
    request: Omit<HttpRequest, "headers">,
    bodySecrets: readonly string[] = [],
    expectedFailures: readonly number[] = [],
  ): Promise<HttpResponse> {
    let response = await this.http.send({ ...request, headers: () => this.authorization() });
    if (response.status === 401 && this.connection.auth === "token") {
      // The token may have expired early or been revoked: one fresh login, then one more try.
      tokenCache.delete(this.cacheKey);
      response = await this.http.send({ ...request, headers: () => this.authorization() });
    }
    if ((response.status < 200 || response.status >= 300) && !expectedFailures.includes(response.status)) {
      throw this.error(request.method, request.path.slice(this.base.length) || request.path, response, hintFor(response.status), bodySecrets);
    }
    return response;
  }

  private async authorization(): Promise<Record<string, string>> {
    if (this.connection.auth === "basic") {
      const basic = Buffer.from(`${this.connection.username}:${this.connection.password}`).toString("base64");
      return { authorization: `Basic ${basic}` };
    }
    return { authorization: `Bearer ${await this.token()}` };
  }

  private async token(): Promise<string> {
    const cached = tokenCache.get(this.cacheKey);
    if (cached && Date.now() - cached.obtainedAt < TOKEN_REUSE_MS) return cached.token;
    const path = `${this.base}/authenticate`;
    const response = await this.http.send({
      method: "POST",
      path,
      query: this.projectQuery(),
      body: { username: this.connection.username, password: this.connection.password },
      // A login has no side effect worth guarding: resending it is harmless.
      idempotent: true,
    });
    const parsed = authenticateResponseSchema.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw this.error(
        "POST",
        "/authenticate",
        response,
        response.status === 401
          ? "Check prismaCloudCompute:username and prismaCloudCompute:password (or the resource's console credentials); the user needs the policyContainers permission."
          : hintFor(response.status),
      );
    }
    tokenCache.set(this.cacheKey, { token: parsed.data.token, obtainedAt: Date.now() });
    return parsed.data.token;
  }

  /** `bodySecrets`: secret values the request carried (an entry's caCert), which an error may quote back. */
  private error(method: string, path: string, response: HttpResponse, hint: string, bodySecrets: readonly string[] = []): ApiError {
    const secrets = [this.connection.password, this.connection.caCert, tokenCache.get(this.cacheKey)?.token, ...bodySecrets];
    return new ApiError({
      code: codeForStatus(response.status),
      api: API,
      method,
      path: `/api/${this.connection.apiVersion}${path}`,
      status: response.status,
      apiMessage: redactSecrets(computeErrorMessage(response.body), secrets),
      attempts: response.attempts,
      hint,
    });
  }
}

/** One usage as a line a user can read: "registry: <description>", whatever fields the console gives. */
function describeUsage(usage: unknown): string {
  if (typeof usage === "string") return usage;
  const parsed = z.looseObject({ type: z.string().optional(), description: z.string().optional() }).safeParse(usage);
  if (parsed.success && (parsed.data.type || parsed.data.description)) return [parsed.data.type, parsed.data.description].filter(Boolean).join(": ");
  return JSON.stringify(usage);
}

/** The console answers errors as `{"err": "..."}`, sometimes as plain text. */
function computeErrorMessage(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  if (body && typeof body === "object") {
    const { err, message } = body as { err?: unknown; message?: unknown };
    if (typeof err === "string") return err;
    if (typeof message === "string") return message;
  }
  return "";
}

function hintFor(status: number): string {
  if (status === 400) return "The console refused the registry list; the message above says which entry and field.";
  if (status === 401) return "Check the console credentials (prismaCloudCompute:username / prismaCloudCompute:password).";
  if (status === 403) return "The user needs the policyContainers permission on this console.";
  if (status === 404) return "Check prismaCloudCompute:url and prismaCloudCompute:apiVersion (v1 or a supported pinned release).";
  if (status === 429) return "The console is rate limiting; wait a minute and run the command again.";
  if (status >= 500) return "The console failed; run the command again, and check the console's health if it persists.";
  return "Run the command again; if it persists, check the console.";
}
