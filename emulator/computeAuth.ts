import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { secretsMatch } from "./secrets";

export interface ComputeAccount {
  username: string;
  password: string;
}

export type ComputeAuthorization =
  | { ok: true; method: "basic" }
  | { ok: true; method: "bearer"; token: string }
  | { ok: false; reason: string };

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * Basic credentials and console-issued bearer tokens.
 * Tokens are JWT-shaped (clients commonly read `exp` from them to plan renewal),
 * but validity is decided by this registry, so reset() revokes every token.
 */
export class ComputeAuthenticator {
  private readonly tokenExpiries = new Map<string, number>();
  private readonly signingKey = randomBytes(32);
  private issuedCount = 0;

  constructor(
    private readonly account: ComputeAccount,
    private readonly tokenLifetimeMs: number,
  ) {}

  login(username: string, password: string): string | undefined {
    const usernameMatches = secretsMatch(username, this.account.username);
    const passwordMatches = secretsMatch(password, this.account.password);
    return usernameMatches && passwordMatches ? this.issueToken() : undefined;
  }

  /** The old token stays valid until it expires on its own, as a renewal must not break in-flight requests. */
  renew(token: string): string | undefined {
    return this.isLive(token) ? this.issueToken() : undefined;
  }

  authorize(authorizationHeader: string | undefined): ComputeAuthorization {
    if (authorizationHeader === undefined || authorizationHeader === "") {
      return { ok: false, reason: "authentication required" };
    }
    const [scheme = "", ...rest] = authorizationHeader.split(" ");
    const credentials = rest.join(" ").trim();
    switch (scheme.toLowerCase()) {
      case "basic":
        return this.authorizeBasic(credentials);
      case "bearer":
        return this.isLive(credentials)
          ? { ok: true, method: "bearer", token: credentials }
          : { ok: false, reason: "invalid or expired token" };
      default:
        return { ok: false, reason: "unsupported authorization scheme" };
    }
  }

  /** The one account: whoever authenticated is this user, which the console records as a credential's `owner`. */
  username(): string {
    return this.account.username;
  }

  tokensIssued(): number {
    return this.issuedCount;
  }

  reset(): void {
    this.tokenExpiries.clear();
    this.issuedCount = 0;
  }

  private authorizeBasic(encoded: string): ComputeAuthorization {
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) return { ok: false, reason: "malformed basic credentials" };
    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    const usernameMatches = secretsMatch(username, this.account.username);
    const passwordMatches = secretsMatch(password, this.account.password);
    return usernameMatches && passwordMatches
      ? { ok: true, method: "basic" }
      : { ok: false, reason: "invalid credentials" };
  }

  private isLive(token: string): boolean {
    const expiresAt = this.tokenExpiries.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  private issueToken(): string {
    this.forgetExpiredTokens();
    const issuedAt = Date.now();
    const expiresAt = issuedAt + this.tokenLifetimeMs;
    const header = base64UrlJson({ alg: "HS256", typ: "JWT" });
    const payload = base64UrlJson({
      sub: this.account.username,
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomUUID(),
    });
    const signature = createHmac("sha256", this.signingKey).update(`${header}.${payload}`).digest("base64url");
    const token = `${header}.${payload}.${signature}`;
    this.tokenExpiries.set(token, expiresAt);
    this.issuedCount += 1;
    return token;
  }

  /** Every token lives equally long, so insertion order is expiry order and pruning stops at the first live one. */
  private forgetExpiredTokens(): void {
    const now = Date.now();
    for (const [token, expiresAt] of this.tokenExpiries) {
      if (expiresAt > now) return;
      this.tokenExpiries.delete(token);
    }
  }
}
