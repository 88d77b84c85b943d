import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { isPlainObject } from "./exchange";
import {
  AZURE_SP_NAMING_FIELDS,
  CREDENTIAL_SECRET_PATHS,
  CREDENTIAL_SERVER_SET_FIELDS,
  type CredentialRequest,
} from "./computeSchema";

export type StoredCredential = Record<string, unknown>;
export type CredentialStoreResult = { ok: true } | { ok: false; message: string };

/** One answer of `GET /credentials/{id}/usages`: the shape of the console's `types.CredentialUsage`. */
export interface CredentialUsage {
  type: string;
  description: string;
}

/** The usage type the emulator reports for a registry entry; the console's own enum is not in the notes. */
export const REGISTRY_USAGE_TYPE = "registry";

type SecretPath = (typeof CREDENTIAL_SECRET_PATHS)[number];

/**
 * The console's `encrypted` form of a secret: AES-256-GCM under a key only this emulator holds,
 * so an echoed `encrypted` value can be read back (as the console decrypts it) while the
 * ciphertext says nothing about the secret and differs on every save.
 */
export class SecretSealer {
  private readonly key = randomBytes(32);

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
  }

  /** Undefined for anything this emulator did not seal: the console cannot decrypt another console's values either. */
  open(encrypted: string): string | undefined {
    const sealed = Buffer.from(encrypted, "base64");
    if (sealed.length < 28) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}

function pathText(path: SecretPath): string {
  return path.join(".");
}

/** The object holding the secret at `path` and the key it sits under, when every step on the way is an object. */
function secretSlot(credential: StoredCredential, path: SecretPath): { holder: Record<string, unknown>; key: string } | undefined {
  let holder: Record<string, unknown> = credential;
  for (const step of path.slice(0, -1)) {
    const next = holder[step];
    if (!isPlainObject(next)) return undefined;
    holder = next;
  }
  return { holder, key: path[path.length - 1] };
}

function stringField(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * What GET answers: each secret as `{encrypted}` only, whatever else a client put in it, and
 * `azureSPInfo` without the fields the schema does not name.
 */
function publicForm(credential: StoredCredential): StoredCredential {
  const answer = structuredClone(credential);
  const servicePrincipal = answer.azureSPInfo;
  if (isPlainObject(servicePrincipal)) {
    for (const field of Object.keys(servicePrincipal)) if (!AZURE_SP_NAMING_FIELDS.has(field)) delete servicePrincipal[field];
  }
  for (const path of CREDENTIAL_SECRET_PATHS) {
    const slot = secretSlot(answer, path);
    const secret = slot?.holder[slot.key];
    if (slot === undefined || !isPlainObject(secret)) continue;
    slot.holder[slot.key] = { encrypted: stringField(secret.encrypted) };
  }
  return answer;
}

/** The registry entries naming `credentialId`, as usages. */
export function registryUsages(credentialId: string, entries: readonly Record<string, unknown>[]): CredentialUsage[] {
  return entries
    .filter((entry) => entry.credentialID === credentialId)
    .map((entry) => {
      const registry = stringField(entry.registry);
      const repository = stringField(entry.repository);
      // An empty registry address means Docker Hub; the repository alone then names the entry.
      return { type: REGISTRY_USAGE_TYPE, description: registry === "" ? repository : `${registry}/${repository}` };
    });
}

/** One project's credential store: credentials by name (`_id`), in the order they were first saved. */
export class CredentialStore {
  private credentials = new Map<string, StoredCredential>();

  constructor(
    private readonly seedCredentials: readonly unknown[],
    private readonly sealer: SecretSealer,
  ) {
    this.reset();
  }

  has(id: string): boolean {
    return this.credentials.has(id);
  }

  count(): number {
    return this.credentials.size;
  }

  /** A page of the store as GET answers it: no `plain` anywhere. */
  page(offset: number, limit: number | undefined): StoredCredential[] {
    const all = [...this.credentials.values()];
    return all.slice(offset, limit === undefined ? undefined : offset + limit).map(publicForm);
  }

  /** As stored, `plain` included: test state, like a stored connector's password. */
  copies(): StoredCredential[] {
    return structuredClone([...this.credentials.values()]);
  }

  /**
   * Test seeding: stored as given, without validation or server fields, except that a secret
   * given only in `plain` gets its `encrypted` form, so GET has something to answer.
   */
  setCredentials(credentials: readonly unknown[]): void {
    const seeded = new Map<string, StoredCredential>();
    credentials.forEach((credential, index) => {
      if (!isPlainObject(credential)) throw new TypeError(`credential ${index} is not an object`);
      const id = credential._id;
      if (typeof id !== "string" || id === "") throw new TypeError(`credential ${index} has no _id`);
      const stored = structuredClone(credential);
      for (const path of CREDENTIAL_SECRET_PATHS) {
        const slot = secretSlot(stored, path);
        const secret = slot?.holder[slot.key];
        if (!isPlainObject(secret) || typeof secret.plain !== "string" || secret.encrypted !== undefined) continue;
        secret.encrypted = this.sealer.seal(secret.plain);
      }
      seeded.set(id, stored);
    });
    this.credentials = seeded;
  }

  reset(): void {
    this.setCredentials(this.seedCredentials);
  }

  /**
   * POST semantics: the body replaces the credential of the same name, or adds one.
   * A secret sent `encrypted` only must be one this console sealed (a client echoing what GET
   * answered); it keeps the secret it stands for.
   */
  save(request: CredentialRequest, owner: string): CredentialStoreResult {
    const credential: StoredCredential = structuredClone({ ...request });
    for (const field of CREDENTIAL_SERVER_SET_FIELDS) delete credential[field];

    for (const path of CREDENTIAL_SECRET_PATHS) {
      const slot = secretSlot(credential, path);
      const given = slot?.holder[slot.key];
      if (slot === undefined || !isPlainObject(given)) continue;
      const plain = stringField(given.plain);
      const encrypted = stringField(given.encrypted);
      if (plain !== "") {
        slot.holder[slot.key] = { encrypted: this.sealer.seal(plain), plain };
      } else if (encrypted !== "") {
        const opened = this.sealer.open(encrypted);
        if (opened === undefined) {
          return { ok: false, message: `${pathText(path)}.encrypted: not a value this console encrypted; send the secret in plain` };
        }
        slot.holder[slot.key] = { encrypted, plain: opened };
      } else {
        slot.holder[slot.key] = { encrypted: "", plain: "" };
      }
    }

    const id = request._id;
    const previous = this.credentials.get(id);
    const now = new Date().toISOString();
    // The schema: `created` is when the credential was created, "or, when the account ID was changed for AWS".
    const accountChanged = request.type === "aws" && previous !== undefined && previous.accountID !== credential.accountID;
    const created = previous === undefined || accountChanged || typeof previous.created !== "string" ? now : previous.created;
    this.credentials.set(id, { ...credential, created, lastModified: now, owner });
    return { ok: true };
  }

  /** False when there is no such credential. */
  delete(id: string): boolean {
    return this.credentials.delete(id);
  }
}
