import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./index";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

async function call(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await request(`${emulator.url}${path}`, { method: method as "GET", headers, body });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

// ---------------------------------------------------------------- Compute helpers

const REGISTRY = "/api/v1/settings/registry";

function basicAuth(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

function computeAuth(emulator: Emulator): Record<string, string> {
  return basicAuth(emulator.credentials.compute.username, emulator.credentials.compute.password);
}

function compute(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  return call(emulator, method, path, { ...options, headers: { ...computeAuth(emulator), ...options.headers } });
}

async function login(emulator: Emulator): Promise<string> {
  const reply = await call(emulator, "POST", "/api/v1/authenticate", {
    body: { username: emulator.credentials.compute.username, password: emulator.credentials.compute.password },
  });
  expect(reply.status).toBe(200);
  const token = (reply.json as { token: unknown }).token;
  expect(typeof token).toBe("string");
  return token as string;
}

async function registryEntries(emulator: Emulator): Promise<Record<string, unknown>[]> {
  const reply = await compute(emulator, "GET", REGISTRY);
  expect(reply.status).toBe(200);
  return (reply.json as { specifications: Record<string, unknown>[] }).specifications;
}

function spec(registry: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "2",
    registry,
    repository: "library/*",
    tag: "*",
    os: "linux",
    cap: 5,
    credentialID: "creds",
    ...extra,
  };
}

function errOf(reply: Reply): string {
  return (reply.json as { err: string }).err;
}

// ---------------------------------------------------------------- Cortex helpers

const INSTANCES = "/public_api/v1/cwp/registry_onboarding/instances";
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomNonce(): string {
  return Array.from(randomBytes(64), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

function standardKeyHeaders(emulator: Emulator): Record<string, string> {
  const { apiKeyId, apiKey } = emulator.credentials.cortex.standard;
  return { "x-xdr-auth-id": apiKeyId, authorization: apiKey };
}

function advancedKeyHeaders(
  emulator: Emulator,
  overrides: { nonce?: string; timestamp?: number; apiKey?: string } = {},
): Record<string, string> {
  const { apiKeyId, apiKey } = emulator.credentials.cortex.advanced;
  const nonce = overrides.nonce ?? randomNonce();
  const timestamp = String(overrides.timestamp ?? Date.now());
  const signature = createHash("sha256")
    .update((overrides.apiKey ?? apiKey) + nonce + timestamp)
    .digest("hex");
  return { "x-xdr-auth-id": apiKeyId, "x-xdr-nonce": nonce, "x-xdr-timestamp": timestamp, authorization: signature };
}

function cortex(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  return call(emulator, method, path, { ...options, headers: options.headers ?? standardKeyHeaders(emulator) });
}

function connectorBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vendor: "HARBOR",
    name: "harbor-prod",
    url: "https://harbor.example.com",
    username: "robot$scanner",
    password: "s3cret-password",
    auth_token: "s3cret-token",
    scanning_mode: "CLOUD",
    region: "eu",
    insecure_pull: false,
    initial_scan_configuration: { mode: "ALL" },
    ...extra,
  };
}

function cortexError(reply: Reply): { err_msg: string; metadata: { code: string } } {
  return reply.json as { err_msg: string; metadata: { code: string } };
}

async function createConnector(emulator: Emulator, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await cortex(emulator, "POST", INSTANCES, { body: connectorBody(extra) });
  expect(reply.status).toBe(200);
  return (reply.json as { connector_id: string }).connector_id;
}

// ================================================================= Compute

describe("Compute authentication", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("accepts HTTP Basic with the configured credentials", async () => {
    const reply = await compute(emulator, "GET", REGISTRY);
    expect(reply.status).toBe(200);
    expect(emulator.credentials.compute.username).toBe("admin");
  });

  it("refuses a wrong password, an unknown user and a missing header with 401 {err}", async () => {
    const { username, password } = emulator.credentials.compute;
    for (const headers of [basicAuth(username, `${password}x`), basicAuth("intruder", password), {}]) {
      const reply = await call(emulator, "GET", REGISTRY, { headers });
      expect(reply.status).toBe(401);
      expect(typeof errOf(reply)).toBe("string");
    }
  });

  it("issues a bearer token from /authenticate that authorises requests", async () => {
    const token = await login(emulator);
    expect(emulator.compute.tokensIssued()).toBe(1);
    const reply = await call(emulator, "GET", REGISTRY, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
  });

  it("refuses /authenticate with wrong credentials and an unknown bearer token", async () => {
    const wrong = await call(emulator, "POST", "/api/v1/authenticate", {
      body: { username: "admin", password: "wrong" },
    });
    expect(wrong.status).toBe(401);
    expect(typeof errOf(wrong)).toBe("string");
    expect(emulator.compute.tokensIssued()).toBe(0);

    const unknown = await call(emulator, "GET", REGISTRY, { headers: { authorization: "Bearer not-a-token" } });
    expect(unknown.status).toBe(401);
  });

  it("renews a live token into a new working token", async () => {
    const token = await login(emulator);
    const renewed = await call(emulator, "GET", "/api/v1/authenticate/renew", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(renewed.status).toBe(200);
    const newToken = (renewed.json as { token: string }).token;
    expect(newToken).not.toBe(token);
    expect(emulator.compute.tokensIssued()).toBe(2);
    const reply = await call(emulator, "GET", REGISTRY, { headers: { authorization: `Bearer ${newToken}` } });
    expect(reply.status).toBe(200);

    const bogus = await call(emulator, "GET", "/api/v1/authenticate/renew", {
      headers: { authorization: "Bearer bogus" },
    });
    expect(bogus.status).toBe(401);
  });

  it("renews only bearer tokens, not Basic credentials", async () => {
    const reply = await compute(emulator, "GET", "/api/v1/authenticate/renew");
    expect(reply.status).toBe(401);
    expect(emulator.compute.tokensIssued()).toBe(0);
  });

  it("invalidates tokens on reset()", async () => {
    const token = await login(emulator);
    emulator.reset();
    const reply = await call(emulator, "GET", REGISTRY, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(401);
    expect(emulator.compute.tokensIssued()).toBe(0);
  });

  it("serves v1 and pinned vNN.NN versions and answers 404 for any other version", async () => {
    expect((await compute(emulator, "GET", "/api/v34.04/settings/registry")).status).toBe(200);
    expect((await compute(emulator, "GET", "/api/v1/settings/registry")).status).toBe(200);
    for (const path of ["/api/v2/settings/registry", "/api/v34.4/settings/registry", "/api/latest/settings/registry"]) {
      const reply = await compute(emulator, "GET", path);
      expect(reply.status).toBe(404);
      expect(typeof errOf(reply)).toBe("string");
    }
  });
});

describe("Compute token expiry", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ compute: { tokenLifetimeSeconds: 1, username: "ci", password: "ci-password" } });
  });
  afterAll(() => emulator.close());

  it("uses the configured username and password", () => {
    expect(emulator.credentials.compute).toEqual({ username: "ci", password: "ci-password" });
  });

  it("refuses a token, and its renewal, once tokenLifetimeSeconds have passed", async () => {
    const token = await login(emulator);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call(emulator, "GET", REGISTRY, { headers: bearer })).status).toBe(200);
    await sleep(1100);
    const expired = await call(emulator, "GET", REGISTRY, { headers: bearer });
    expect(expired.status).toBe(401);
    expect(typeof errOf(expired)).toBe("string");
    const renewal = await call(emulator, "GET", "/api/v1/authenticate/renew", { headers: bearer });
    expect(renewal.status).toBe(401);
  });
});

describe("Compute registry settings", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("GET returns the list with webhook suffixes", async () => {
    const reply = await compute(emulator, "GET", REGISTRY);
    const body = reply.json as Record<string, unknown>;
    expect(body.specifications).toEqual([]);
    expect(typeof body.webhookUrlSuffix).toBe("string");
    expect(typeof body.harborScannerUrlSuffix).toBe("string");
  });

  it("PUT replaces every entry and answers 200 with an empty body", async () => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a.example"), spec("b.example")] } });
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("c.example")] } });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    const entries = await registryEntries(emulator);
    expect(entries.map((entry) => entry.registry)).toEqual(["c.example"]);
    expect(emulator.compute.entries().map((entry) => entry.registry)).toEqual(["c.example"]);
  });

  it.each([
    ["an empty body", undefined],
    ["{}", "{}"],
    ["an empty array", '{"specifications":[]}'],
    ["null specifications", '{"specifications":null}'],
  ])("PUT with %s erases everything", async (_label, rawBody) => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a.example"), spec("b.example")] } });
    expect(await registryEntries(emulator)).toHaveLength(2);
    const reply = await compute(emulator, "PUT", REGISTRY, rawBody === undefined ? {} : { rawBody });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    expect(await registryEntries(emulator)).toEqual([]);
  });

  it("POST appends one entry at the end and answers 200 with an empty body", async () => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a.example")] } });
    const reply = await compute(emulator, "POST", REGISTRY, { body: spec("b.example") });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    expect((await registryEntries(emulator)).map((entry) => entry.registry)).toEqual(["a.example", "b.example"]);
  });

  it("accepts scanLater=true on PUT and POST, leaving new entries unscanned", async () => {
    const put = await compute(emulator, "PUT", `${REGISTRY}?scanLater=true`, { body: { specifications: [spec("a")] } });
    expect(put.status).toBe(200);
    const post = await compute(emulator, "POST", `${REGISTRY}?scanLater=true`, { body: spec("b") });
    expect(post.status).toBe(200);
    const scanned = await compute(emulator, "POST", REGISTRY, { body: spec("c") });
    expect(scanned.status).toBe(200);
    const entries = await registryEntries(emulator);
    expect(entries.map((entry) => entry.scanStatus)).toEqual(["pending", "pending", "completed"]);
    expect(emulator.requests().map((recorded) => recorded.query)).toEqual([
      { scanLater: "true" },
      { scanLater: "true" },
      {},
      {},
    ]);
  });

  it("refuses a scanLater value that is not a boolean", async () => {
    const reply = await compute(emulator, "PUT", `${REGISTRY}?scanLater=maybe`, { body: { specifications: [] } });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toContain("scanLater");
  });

  it("adds server fields, keeps an echoed id, and recomputes echoed server fields", async () => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a"), spec("b")] } });
    const [first, second] = await registryEntries(emulator);
    for (const entry of [first, second]) {
      expect(typeof entry.id).toBe("string");
      expect(entry.id).not.toBe("");
      for (const field of ["scanStatus", "lastScanStatus", "scanTime", "lastScanTime", "scanError"]) {
        expect(typeof entry[field]).toBe("string");
      }
      expect(Number.isInteger(entry.scannedImagesSuccessTotal)).toBe(true);
    }
    expect(first.id).not.toBe(second.id);

    const echoed = [
      { ...second, scanStatus: "forged", scannedImagesSuccessTotal: 999 },
      { ...first, registry: "a-renamed" },
      spec("new"),
      { ...spec("stranger"), id: "id-the-console-never-issued" },
    ];
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications: echoed } });
    expect(reply.status).toBe(200);
    const entries = await registryEntries(emulator);
    expect(entries.map((entry) => entry.registry)).toEqual(["b", "a-renamed", "new", "stranger"]);
    expect(entries[0].id).toBe(second.id);
    expect(entries[1].id).toBe(first.id);
    expect(entries[0].scanStatus).toBe("completed");
    expect(entries[0].scannedImagesSuccessTotal).toBe(0);
    const ids = entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids).not.toContain("id-the-console-never-issued");
  });

  it("gives a fresh id to the second of two entries echoing the same id", async () => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a")] } });
    const [only] = await registryEntries(emulator);
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [only, { ...only, registry: "copy" }] } });
    const entries = await registryEntries(emulator);
    expect(entries[0].id).toBe(only.id);
    expect(entries[1].id).not.toBe(only.id);
  });

  it("POST always assigns a new id", async () => {
    await compute(emulator, "POST", REGISTRY, { body: spec("a") });
    const [first] = await registryEntries(emulator);
    await compute(emulator, "POST", REGISTRY, { body: { ...spec("b"), id: first.id } });
    const entries = await registryEntries(emulator);
    expect(entries[1].id).not.toBe(first.id);
  });

  it("keeps fields the schema does not know, top-level and nested", async () => {
    const entry = spec("a", {
      futureField: { nested: [1, 2, 3] },
      credential: { _id: "inline", type: "basic", newCredentialField: "kept" },
      gitlabRegistrySpec: { groupIDs: ["7"], futureGitlabField: true },
    });
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [entry] } });
    await compute(emulator, "POST", REGISTRY, { body: spec("b", { anotherNewField: "x" }) });
    const [stored, posted] = await registryEntries(emulator);
    expect(stored).toMatchObject(entry);
    expect(posted.anotherNewField).toBe("x");
  });

  it("accepts every documented version, os and jfrogRepoTypes value", async () => {
    const versions = ["aws", "azure", "coreos", "2", "dtr", "gcr"].concat(
      ["gitlab", "harbor", "bluemix", "jfrog", "redhat", "sonatype"],
    );
    const osTypes = ["linux", "linuxARM64", "windows"];
    // GitLab alone needs to be told where to look (see the gitlabRegistrySpec tests).
    const gitlabScope = { gitlabRegistrySpec: { groupIDs: ["42"] } };
    const specifications = versions.map((version, index) =>
      spec(`r${index}`, {
        version,
        os: osTypes[index % 3],
        jfrogRepoTypes: ["local", "remote", "virtual"],
        ...(version === "gitlab" ? gitlabScope : {}),
      }),
    );
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(200);
    expect(await registryEntries(emulator)).toHaveLength(versions.length);
  });

  it.each([
    ["an unknown os", { os: "solaris" }, 'specifications[3].os: invalid value "solaris"'],
    ["an unknown version", { version: "quay" }, 'specifications[3].version: invalid value "quay"'],
    ["an unknown jfrogRepoTypes item", { jfrogRepoTypes: ["local", "cloud"] }, "specifications[3].jfrogRepoTypes[1]"],
    ["a number where a string belongs", { registry: 42 }, "specifications[3].registry: expected string"],
    ["a non-integer cap", { cap: 7.5 }, "specifications[3].cap: expected an integer"],
    ["a negative cap", { cap: -1 }, "specifications[3].cap: must be at least 0, got -1"],
    ["a string scanners count", { scanners: "2" }, "specifications[3].scanners"],
    ["a non-integer scanners count", { scanners: 1.5 }, "specifications[3].scanners: expected an integer, got 1.5"],
    ["a negative scanners count", { scanners: -2 }, "specifications[3].scanners: must be at least 0, got -2"],
    ["a string collection list", { collections: "All" }, "specifications[3].collections"],
    [
      "a non-boolean harborDeploymentSecurity",
      { harborDeploymentSecurity: "yes" },
      "specifications[3].harborDeploymentSecurity",
    ],
    [
      "a wrongly typed gitlab group id",
      { gitlabRegistrySpec: { groupIDs: [12] } },
      "specifications[3].gitlabRegistrySpec.groupIDs[0]",
    ],
    [
      "a wrongly typed credential field",
      { credential: { skipVerify: "no" } },
      "specifications[3].credential.skipVerify",
    ],
  ])("PUT refuses %s with 400 naming the entry and field, changing nothing", async (_label, bad, expected) => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("keep")] } });
    const specifications = [spec("a"), spec("b"), spec("c"), spec("d", bad)];
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toContain(expected);
    expect((await registryEntries(emulator)).map((entry) => entry.registry)).toEqual(["keep"]);
  });

  const GITLAB_SCOPE_REQUIRED =
    'specifications[0].gitlabRegistrySpec: is required for version "gitlab", ' +
    "with at least one of userID, projectIDs, groupIDs, excludedGroupIDs, apiDomainName";

  it.each([
    ["no gitlabRegistrySpec", {}],
    ["a null gitlabRegistrySpec", { gitlabRegistrySpec: null }],
    ["an empty gitlabRegistrySpec", { gitlabRegistrySpec: {} }],
    ["a gitlabRegistrySpec of empty values", { gitlabRegistrySpec: { userID: "", groupIDs: [], projectIDs: null } }],
  ])("PUT refuses a gitlab entry with %s, changing nothing", async (_label, gitlab) => {
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("keep")] } });
    const specifications = [spec("gitlab.example.com", { version: "gitlab", ...gitlab })];
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toBe(GITLAB_SCOPE_REQUIRED);
    expect((await registryEntries(emulator)).map((entry) => entry.registry)).toEqual(["keep"]);
  });

  it("POST refuses a gitlab entry without gitlabRegistrySpec", async () => {
    const reply = await compute(emulator, "POST", REGISTRY, { body: spec("gitlab.example.com", { version: "gitlab" }) });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toBe(GITLAB_SCOPE_REQUIRED.replace("specifications[0].", ""));
    expect(await registryEntries(emulator)).toEqual([]);
  });

  it.each([
    ["userID", { userID: "7" }],
    ["projectIDs", { projectIDs: ["1"] }],
    ["groupIDs", { groupIDs: ["2"] }],
    ["excludedGroupIDs", { excludedGroupIDs: ["3"] }],
    ["apiDomainName", { apiDomainName: "gitlab.example.com" }],
  ])("accepts a gitlab entry whose gitlabRegistrySpec names only %s", async (_field, gitlabRegistrySpec) => {
    const entry = spec("gitlab.example.com", { version: "gitlab", gitlabRegistrySpec });
    const reply = await compute(emulator, "POST", REGISTRY, { body: entry });
    expect(reply.status).toBe(200);
    expect((await registryEntries(emulator))[0]?.gitlabRegistrySpec).toEqual(gitlabRegistrySpec);
  });

  it("POST refuses a negative cap with 400 naming the field, changing nothing", async () => {
    const reply = await compute(emulator, "POST", REGISTRY, { body: spec("x", { cap: -1 }) });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toBe("cap: must be at least 0, got -1");
    expect(await registryEntries(emulator)).toEqual([]);
  });

  it("accepts cap and scanners of 0 and null, as Go reads null as its zero value", async () => {
    const specifications = [spec("zero", { cap: 0, scanners: 0 }), spec("null", { cap: null, scanners: null })];
    const reply = await compute(emulator, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(200);
    expect(await registryEntries(emulator)).toHaveLength(2);
  });

  it("PUT refuses a body that is not an object or whose specifications is not a list", async () => {
    for (const rawBody of ["[]", '"text"', '{"specifications":{}}', "{not json"]) {
      const reply = await compute(emulator, "PUT", REGISTRY, { rawBody });
      expect(reply.status).toBe(400);
      expect(typeof errOf(reply)).toBe("string");
    }
  });

  it("POST refuses an invalid entry with 400 naming the field, changing nothing", async () => {
    const reply = await compute(emulator, "POST", REGISTRY, { body: spec("x", { os: "solaris" }) });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toContain('os: invalid value "solaris"');
    const empty = await compute(emulator, "POST", REGISTRY);
    expect(empty.status).toBe(400);
    expect(await registryEntries(emulator)).toEqual([]);
  });

  it("answers 405 for a method the endpoint does not have and 404 for an unknown endpoint", async () => {
    expect((await compute(emulator, "DELETE", REGISTRY)).status).toBe(405);
    expect((await compute(emulator, "GET", "/api/v1/settings/nothing")).status).toBe(404);
  });
});

describe("Compute registry entry cap", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  const many = (count: number, prefix: string): Record<string, unknown>[] =>
    Array.from({ length: count }, (_, index) => spec(`${prefix}-${index}.example.com`));

  it("accepts 19,999 entries, refuses 20,000 and a POST onto 19,999 without changing anything", async () => {
    const accepted = await compute(emulator, "PUT", REGISTRY, { body: { specifications: many(19_999, "first") } });
    expect(accepted.status).toBe(200);
    const stored = emulator.compute.entries();
    expect(stored).toHaveLength(19_999);

    const tooMany = await compute(emulator, "PUT", REGISTRY, { body: { specifications: many(20_000, "second") } });
    expect(tooMany.status).toBe(400);
    expect(errOf(tooMany)).toMatch(/maximum of 19999 registry entries/);

    const onePastTheCap = await compute(emulator, "POST", REGISTRY, { body: spec("one-more") });
    expect(onePastTheCap.status).toBe(400);
    expect(errOf(onePastTheCap)).toMatch(/maximum of 19999 registry entries/);

    const after = emulator.compute.entries();
    expect(after).toHaveLength(19_999);
    expect(after[0]).toEqual(stored[0]);
    expect(after[19_998]).toEqual(stored[19_998]);
    expect((await registryEntries(emulator))[0].registry).toBe("first-0.example.com");
  });
});

describe("Compute seeded entries", () => {
  const seed = [{ version: "2", registry: "seeded.example", id: "seed-1", handMade: true }, { registry: "no-id" }];
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ compute: { entries: seed } });
  });
  afterAll(() => emulator.close());

  it("stores the option's entries as given and restores them on reset()", async () => {
    expect(emulator.compute.entries()).toEqual(seed);
    expect(await registryEntries(emulator)).toEqual(seed);
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [] } });
    expect(emulator.compute.entries()).toEqual([]);
    emulator.reset();
    expect(emulator.compute.entries()).toEqual(seed);
  });

  it("setEntries() replaces the stored list, and entries() hands out copies", () => {
    emulator.compute.setEntries([{ registry: "set.example" }]);
    const copy = emulator.compute.entries();
    copy[0].registry = "mutated";
    expect(emulator.compute.entries()).toEqual([{ registry: "set.example" }]);
    expect(() => emulator.compute.setEntries(["not an object"])).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------- Compute credential store

const CREDENTIALS = "/api/v1/credentials";
const OTHER_PROJECT = "Team A";

function basicCredential(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _id: id, type: "basic", accountID: "robot", secret: { plain: `password-of-${id}` }, ...extra };
}

async function listCredentials(emulator: Emulator, query = ""): Promise<Record<string, unknown>[]> {
  const reply = await compute(emulator, "GET", `${CREDENTIALS}${query}`);
  expect(reply.status).toBe(200);
  expect(Array.isArray(reply.json)).toBe(true);
  return reply.json as Record<string, unknown>[];
}

async function saveCredential(emulator: Emulator, body: unknown, query = ""): Promise<Reply> {
  return compute(emulator, "POST", `${CREDENTIALS}${query}`, { body });
}

const GCP_KEY = JSON.stringify({
  type: "service_account",
  project_id: "scanning",
  client_email: "scanner@scanning.iam.gserviceaccount.com",
  private_key: "-----BEGIN PRIVATE KEY-----\nMIIEv-gcp-private-key\n-----END PRIVATE KEY-----\n",
});

describe("Compute credential store", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ compute: { projects: { [OTHER_PROJECT]: [] } } });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("POST creates a credential (200, empty body) that GET lists with server fields and without the plain secret", async () => {
    const before = new Date().toISOString();
    const reply = await saveCredential(emulator, basicCredential("harbor", { owner: "forged", created: "2001-01-01T00:00:00Z", description: "kept" }));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");

    const [listed] = await listCredentials(emulator);
    expect(listed).toMatchObject({ _id: "harbor", type: "basic", accountID: "robot", description: "kept", owner: emulator.credentials.compute.username });
    expect(listed.created).toEqual(listed.lastModified);
    expect(String(listed.created) >= before).toBe(true);
    expect(listed.secret).toEqual({ encrypted: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(JSON.stringify(listed)).not.toContain("password-of-harbor");
    // The test accessor shows what the console stores: the secret itself too.
    expect(emulator.compute.credentials()[0].secret).toMatchObject({ plain: "password-of-harbor" });
  });

  it("POST with an existing _id updates it in place, keeping created and its position", async () => {
    await saveCredential(emulator, basicCredential("first"));
    await saveCredential(emulator, basicCredential("second"));
    const [original] = await listCredentials(emulator);
    await sleep(5);
    expect((await saveCredential(emulator, basicCredential("first", { accountID: "other-robot" }))).status).toBe(200);

    const listed = await listCredentials(emulator);
    expect(listed.map((credential) => credential._id)).toEqual(["first", "second"]);
    expect(listed[0]).toMatchObject({ accountID: "other-robot", created: original.created });
    expect(String(listed[0].lastModified) > String(original.lastModified)).toBe(true);
  });

  it("resets created when an AWS credential's account changes, as the schema describes", async () => {
    const aws = { _id: "ecr", type: "aws", accountID: "AKIAFIRST", secret: { plain: "aws-secret-key" } };
    await saveCredential(emulator, aws);
    const [original] = await listCredentials(emulator);
    await sleep(5);
    await saveCredential(emulator, { ...aws, roleArn: "arn:aws:iam::123456789012:role/scan" });
    expect((await listCredentials(emulator))[0].created).toBe(original.created);
    await sleep(5);
    await saveCredential(emulator, { ...aws, accountID: "AKIASECOND" });
    expect(String((await listCredentials(emulator))[0].created) > String(original.created)).toBe(true);
  });

  it("keeps a secret echoed back in its encrypted form, and refuses an encrypted value it did not issue", async () => {
    await saveCredential(emulator, basicCredential("echo"));
    const [listed] = await listCredentials(emulator);
    const echoed = await saveCredential(emulator, { ...listed, accountID: "renamed" });
    expect(echoed.status).toBe(200);
    expect(emulator.compute.credentials()[0]).toMatchObject({ accountID: "renamed", secret: { plain: "password-of-echo" } });

    const forged = await saveCredential(emulator, basicCredential("echo", { secret: { encrypted: "bm90IGEgY29uc29sZSB2YWx1ZSBhdCBhbGwsIHJlYWxseQ==" } }));
    expect(forged.status).toBe(400);
    expect(errOf(forged)).toBe("secret.encrypted: not a value this console encrypted; send the secret in plain");
    expect(emulator.compute.credentials()[0]).toMatchObject({ accountID: "renamed", secret: { plain: "password-of-echo" } });
  });

  it("never answers plain for any secret field: secret, apiToken and temporary tokens", async () => {
    await saveCredential(emulator, { _id: "gitlab", type: "gitlabToken", apiToken: { plain: "glpat-secret-token", extra: "kept-out" } });
    await saveCredential(emulator, {
      _id: "aws-role",
      type: "aws",
      roleArn: "arn:aws:iam::123456789012:role/scan",
      tokens: { awsAccessKeyId: "ASIATEMP", awsSecretAccessKey: { plain: "temporary-secret-key" }, token: { plain: "session-token-value" } },
    });
    const listed = await listCredentials(emulator);
    const text = JSON.stringify(listed);
    for (const secret of ["glpat-secret-token", "kept-out", "temporary-secret-key", "session-token-value"]) expect(text).not.toContain(secret);
    expect(text).not.toContain('"plain"');
    expect(listed[0].apiToken).toEqual({ encrypted: expect.any(String) });
    expect(listed[1].tokens).toMatchObject({ awsAccessKeyId: "ASIATEMP", awsSecretAccessKey: { encrypted: expect.any(String) }, token: { encrypted: expect.any(String) } });
  });

  it("DELETE removes a credential (200, empty body) and answers 404 for an unknown one", async () => {
    await saveCredential(emulator, basicCredential("gone soon"));
    const deleted = await compute(emulator, "DELETE", `${CREDENTIALS}/gone%20soon`);
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");
    expect(await listCredentials(emulator)).toEqual([]);

    const unknown = await compute(emulator, "DELETE", `${CREDENTIALS}/gone%20soon`);
    expect(unknown.status).toBe(404);
    expect(errOf(unknown)).toBe('credential "gone soon" does not exist in project "Central Console"');
  });

  it("answers 405 for methods the credential paths do not have", async () => {
    await saveCredential(emulator, basicCredential("x"));
    for (const [method, path] of [
      ["PUT", CREDENTIALS],
      ["DELETE", CREDENTIALS],
      ["GET", `${CREDENTIALS}/x`],
      ["POST", `${CREDENTIALS}/x`],
      ["POST", `${CREDENTIALS}/x/usages`],
    ] as const) {
      const reply = await compute(emulator, method, path, { body: {} });
      expect([method, path, reply.status, errOf(reply)]).toEqual([method, path, 405, "method not allowed"]);
    }
    expect((await compute(emulator, "GET", `${CREDENTIALS}/x/other`)).status).toBe(404);
  });

  it("pages the list with offset and limit, in the order credentials were first saved, with Total-Count", async () => {
    for (const id of ["a", "b", "c", "d", "e"]) await saveCredential(emulator, basicCredential(id));
    const ids = async (query: string): Promise<unknown[]> => (await listCredentials(emulator, query)).map((credential) => credential._id);
    expect(await ids("")).toEqual(["a", "b", "c", "d", "e"]);
    expect(await ids("?limit=2")).toEqual(["a", "b"]);
    expect(await ids("?offset=2&limit=2")).toEqual(["c", "d"]);
    expect(await ids("?offset=4&limit=2")).toEqual(["e"]);
    expect(await ids("?offset=9")).toEqual([]);
    expect(await ids("?offset=3&limit=0")).toEqual(["d", "e"]);
    const reply = await compute(emulator, "GET", `${CREDENTIALS}?offset=1&limit=1`);
    expect(reply.headers["total-count"]).toBe("5");
  });

  it("refuses an offset or limit that is not a non-negative integer", async () => {
    for (const [query, message] of [
      ["offset=-1", 'offset: expected a non-negative integer, got "-1"'],
      ["offset=1.5", 'offset: expected a non-negative integer, got "1.5"'],
      ["limit=ten", 'limit: expected a non-negative integer, got "ten"'],
      ["limit=", 'limit: expected a non-negative integer, got ""'],
    ] as const) {
      const reply = await compute(emulator, "GET", `${CREDENTIALS}?${query}`);
      expect([query, reply.status, errOf(reply)]).toEqual([query, 400, message]);
    }
  });

  it("GET usages lists the registry entries naming the credential, in its own project only", async () => {
    await saveCredential(emulator, basicCredential("shared"));
    await saveCredential(emulator, basicCredential("unused"));
    await compute(emulator, "PUT", REGISTRY, {
      body: { specifications: [spec("harbor.example", { repository: "team/*", credentialID: "shared" }), spec("", { repository: "library/alpine", credentialID: "shared" }), spec("other.example", { credentialID: "unused-elsewhere" })] },
    });
    await saveCredential(emulator, basicCredential("shared"), `?project=${encodeURIComponent(OTHER_PROJECT)}`);
    await compute(emulator, "POST", `${REGISTRY}?project=${encodeURIComponent(OTHER_PROJECT)}`, { body: spec("team-a.example", { repository: "a/*", credentialID: "shared" }) });

    const usages = await compute(emulator, "GET", `${CREDENTIALS}/shared/usages`);
    expect(usages.status).toBe(200);
    expect(usages.json).toEqual([
      { type: "registry", description: "harbor.example/team/*" },
      { type: "registry", description: "library/alpine" },
    ]);
    const teamUsages = await compute(emulator, "GET", `${CREDENTIALS}/shared/usages?project=${encodeURIComponent(OTHER_PROJECT)}`);
    expect(teamUsages.json).toEqual([{ type: "registry", description: "team-a.example/a/*" }]);
    expect((await compute(emulator, "GET", `${CREDENTIALS}/unused/usages`)).json).toEqual([]);

    const unknown = await compute(emulator, "GET", `${CREDENTIALS}/nobody/usages`);
    expect(unknown.status).toBe(404);
    expect(errOf(unknown)).toBe('credential "nobody" does not exist in project "Central Console"');
  });

  it("keeps each project's credentials apart and refuses an unknown project", async () => {
    const team = `?project=${encodeURIComponent(OTHER_PROJECT)}`;
    await saveCredential(emulator, basicCredential("team-only"), team);
    expect(await listCredentials(emulator)).toEqual([]);
    expect((await listCredentials(emulator, team)).map((credential) => credential._id)).toEqual(["team-only"]);
    expect(emulator.compute.credentials(OTHER_PROJECT)).toHaveLength(1);
    expect((await compute(emulator, "DELETE", `${CREDENTIALS}/team-only`)).status).toBe(404);
    expect((await compute(emulator, "GET", `${CREDENTIALS}?project=Central+Console`)).json).toEqual([]);

    for (const [method, path] of [
      ["GET", CREDENTIALS],
      ["POST", CREDENTIALS],
      ["DELETE", `${CREDENTIALS}/team-only`],
      ["GET", `${CREDENTIALS}/team-only/usages`],
    ] as const) {
      const reply = await compute(emulator, method, `${path}?project=Nowhere`, { body: basicCredential("x") });
      expect([method, path, reply.status, errOf(reply)]).toEqual([method, path, 400, 'project "Nowhere" does not exist']);
    }
  });

  it("needs authentication on every credential endpoint, Basic or bearer", async () => {
    for (const [method, path] of [
      ["GET", CREDENTIALS],
      ["POST", CREDENTIALS],
      ["DELETE", `${CREDENTIALS}/x`],
      ["GET", `${CREDENTIALS}/x/usages`],
    ] as const) {
      const reply = await call(emulator, method, path, { body: basicCredential("x") });
      expect([method, path, reply.status, errOf(reply)]).toEqual([method, path, 401, "authentication required"]);
    }
    expect(await listCredentials(emulator)).toEqual([]);
    const token = await login(emulator);
    const reply = await call(emulator, "POST", "/api/v34.04/credentials", { headers: { authorization: `Bearer ${token}` }, body: basicCredential("by-token") });
    expect(reply.status).toBe(200);
    expect(emulator.compute.credentials()[0]).toMatchObject({ _id: "by-token", owner: emulator.credentials.compute.username });
  });

  it("keeps fields the schema does not know, as for registry entries", async () => {
    await saveCredential(emulator, basicCredential("loose", { futureField: { nested: 1 }, ociCred: { tenancyId: "t", later: true } }));
    expect((await listCredentials(emulator))[0]).toMatchObject({ futureField: { nested: 1 }, ociCred: { tenancyId: "t", later: true } });
  });
});

describe("Compute credential validation", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  async function refused(body: unknown, message: string): Promise<void> {
    const before = emulator.compute.credentials();
    const reply = await saveCredential(emulator, body);
    expect([reply.status, errOf(reply)]).toEqual([400, message]);
    expect(emulator.compute.credentials()).toEqual(before);
  }

  it("refuses a body that is missing, not JSON or not an object", async () => {
    for (const [options, message] of [
      [{}, "request body is empty"],
      [{ rawBody: "{not json" }, "request body is not valid JSON"],
      [{ body: [basicCredential("x")] }, "body: expected a JSON object"],
    ] as const) {
      const reply = await compute(emulator, "POST", CREDENTIALS, options);
      expect([reply.status, errOf(reply)]).toEqual([400, message]);
    }
  });

  it("requires a non-empty _id and a type from cred.Type", async () => {
    const { _id: _unused, ...withoutId } = basicCredential("x");
    await refused(withoutId, "_id: is required");
    await refused(basicCredential(""), "_id: must not be empty");
    await refused(basicCredential("x", { _id: null }), "_id: expected string, got null");
    const { type: _alsoUnused, ...withoutType } = basicCredential("x");
    await refused(withoutType, "type: is required");
    await refused(basicCredential("x", { type: "password" }), 'type: invalid value "password" (allowed: aws, azure, gcp, ibmCloud, oci, apiToken, basic, dtr, kubeconfig, certificate, gitlabToken)');
  });

  it("checks field types against cred.Credential, common.Secret and cred.AzureSPInfo", async () => {
    await refused(basicCredential("x", { accountID: 7 }), "accountID: expected string, got 7");
    await refused(basicCredential("x", { skipVerify: "yes" }), 'skipVerify: expected boolean, got "yes"');
    await refused(basicCredential("x", { stsEndpoints: ["a", 1] }), "stsEndpoints[1]: expected string, got 1");
    await refused({ _id: "x", type: "azure", azureSPInfo: { miType: "both" } }, 'azureSPInfo.miType: invalid value "both" (allowed: user-assigned, system-assigned)');
  });

  it("never quotes a value that may be a secret when refusing it", async () => {
    await refused(basicCredential("x", { secret: "a-password-string" }), "secret: expected object, got a string");
    await refused(basicCredential("x", { secret: { plain: 12345 } }), "secret.plain: expected string, got a number");
    await refused(basicCredential("x", { apiToken: { plain: ["token-in-a-list"] } }), "apiToken.plain: expected string, got an array");
    await refused(basicCredential("x", { tokens: { token: "session-token" } }), "tokens.token: expected object, got a string");
    // Named fields of azureSPInfo are not secrets and are quoted as usual.
    await refused({ _id: "x", type: "azure", azureSPInfo: { clientId: 42 } }, "azureSPInfo.clientId: expected string, got 42");
  });

  it("basic and dtr need accountID and secret", async () => {
    for (const type of ["basic", "dtr"]) {
      await refused({ _id: "x", type, secret: { plain: "p" } }, `accountID: is required for type "${type}" (the user name)`);
      await refused({ _id: "x", type, accountID: "u" }, `secret: is required for type "${type}" (the password)`);
      await refused({ _id: "x", type, accountID: "u", secret: { plain: "", encrypted: "" } }, `secret: is required for type "${type}" (the password)`);
      await refused({ _id: "x", type, accountID: "", secret: {} }, `accountID: is required for type "${type}" (the user name); secret: is required for type "${type}" (the password)`);
      expect((await saveCredential(emulator, { _id: type, type, accountID: "u", secret: { plain: "p" } })).status).toBe(200);
    }
  });

  it("aws needs an access key (accountID and secret), a roleArn or useAWSRole", async () => {
    await refused({ _id: "x", type: "aws" }, 'body: type "aws" needs an access key (accountID and secret), a role to assume (roleArn) or the instance\'s role (useAWSRole: true)');
    await refused({ _id: "x", type: "aws", useAWSRole: false, roleArn: "" }, 'body: type "aws" needs an access key (accountID and secret), a role to assume (roleArn) or the instance\'s role (useAWSRole: true)');
    await refused({ _id: "x", type: "aws", accountID: "AKIA" }, 'secret: is required for type "aws" (the secret access key)');
    await refused({ _id: "x", type: "aws", secret: { plain: "s" }, roleArn: "arn:aws:iam::1:role/r" }, 'accountID: is required for type "aws" (the access key id)');
    for (const [id, body] of [
      ["key", { accountID: "AKIA", secret: { plain: "s" } }],
      ["key-and-role", { accountID: "AKIA", secret: { plain: "s" }, roleArn: "arn:aws:iam::1:role/r" }],
      ["role", { roleArn: "arn:aws:iam::1:role/r" }],
      ["instance-role", { useAWSRole: true }],
    ] as const) {
      expect([id, (await saveCredential(emulator, { _id: id, type: "aws", ...body })).status]).toEqual([id, 200]);
    }
  });

  it("azure needs a service key secret, or azureSPInfo with a certificate, or a managed identity", async () => {
    await refused({ _id: "x", type: "azure" }, `secret: is required for type "azure" (the service principal's key, or azureSPInfo)`);
    await refused({ _id: "x", type: "azure", azureSPInfo: { subscriptionId: "s" } }, `azureSPInfo.clientId: is required for type "azure" (the application's client id); azureSPInfo.tenantId: is required for type "azure" (the directory of the application); secret: is required for type "azure" (the certificate)`);
    await refused({ _id: "x", type: "azure", azureSPInfo: { clientId: "c", tenantId: "t" } }, `secret: is required for type "azure" (the certificate)`);
    await refused({ _id: "x", type: "azure", azureSPInfo: { miType: "user-assigned" } }, `azureSPInfo.clientId: is required for type "azure" (the managed identity's client id)`);
    for (const [id, body] of [
      ["service-key", { secret: { plain: '{"clientId":"c","clientSecret":"s","tenantId":"t","subscriptionId":"u"}' } }],
      ["certificate", { azureSPInfo: { clientId: "c", tenantId: "t", subscriptionId: "u" }, secret: { plain: "-----BEGIN CERTIFICATE-----" } }],
      ["system-identity", { azureSPInfo: { miType: "system-assigned" } }],
      ["user-identity", { azureSPInfo: { miType: "user-assigned", clientId: "c" } }],
    ] as const) {
      expect([id, (await saveCredential(emulator, { _id: id, type: "azure", ...body })).status]).toEqual([id, 200]);
    }
  });

  it("gcp needs a secret holding a service account JSON key, without quoting the key when refusing it", async () => {
    await refused({ _id: "x", type: "gcp" }, `secret: is required for type "gcp" (the service account's JSON key)`);
    const keyShape = `must be a service account JSON key ({"type": "service_account", "client_email", "private_key", ...})`;
    await refused({ _id: "x", type: "gcp", secret: { plain: "not json at all" } }, `secret.plain: ${keyShape}; wrong or missing: the key`);
    const withoutPrivateKey = JSON.stringify({ type: "service_account", client_email: "a@b", private_key: "" });
    await refused({ _id: "x", type: "gcp", secret: { plain: withoutPrivateKey } }, `secret.plain: ${keyShape}; wrong or missing: private_key`);
    const wrongType = JSON.stringify({ type: "authorized_user", client_email: "a@b", private_key: "secret-key-material" });
    const reply = await saveCredential(emulator, { _id: "x", type: "gcp", secret: { plain: wrongType } });
    expect([reply.status, errOf(reply)]).toEqual([400, `secret.plain: ${keyShape}; wrong or missing: type`]);
    expect(reply.text).not.toContain("secret-key-material");
    expect((await saveCredential(emulator, { _id: "gcr", type: "gcp", secret: { plain: GCP_KEY } })).status).toBe(200);
    // An echoed encrypted key stands for the key already checked.
    const [listed] = await listCredentials(emulator);
    expect((await saveCredential(emulator, listed)).status).toBe(200);
  });

  it("ibmCloud needs accountGUID and the API key in apiToken or secret", async () => {
    await refused({ _id: "x", type: "ibmCloud", apiToken: { plain: "k" } }, `accountGUID: is required for type "ibmCloud" (the IBM Cloud account)`);
    await refused({ _id: "x", type: "ibmCloud", accountGUID: "g" }, `body: type "ibmCloud" needs the IBM Cloud API key, in apiToken or secret`);
    expect((await saveCredential(emulator, { _id: "token", type: "ibmCloud", accountGUID: "g", apiToken: { plain: "k" } })).status).toBe(200);
    expect((await saveCredential(emulator, { _id: "secret", type: "ibmCloud", accountGUID: "g", secret: { plain: "k" } })).status).toBe(200);
  });

  it("gitlabToken and apiToken need apiToken; a secret does not stand in for it", async () => {
    for (const type of ["gitlabToken", "apiToken"]) {
      await refused({ _id: "x", type, secret: { plain: "glpat" } }, `apiToken: is required for type "${type}" (the token)`);
      expect((await saveCredential(emulator, { _id: type, type, apiToken: { plain: "glpat" } })).status).toBe(200);
    }
  });

  it("checks only the schema for types registry scanning does not use", async () => {
    for (const type of ["oci", "kubeconfig", "certificate"]) {
      expect([type, (await saveCredential(emulator, { _id: type, type })).status]).toEqual([type, 200]);
    }
  });
});

describe("Compute credential secrets in recorded requests", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("masks every plain secret, apiToken and azureSPInfo secret, accepted or refused, and copies of them elsewhere", async () => {
    const secrets = ["basic-password-1", "glpat-token-value", "azure-client-secret", "ibm-cloud-api-key", "temporary-session-token"];
    await saveCredential(emulator, basicCredential("b", { secret: { plain: secrets[0] }, notes: `copied ${secrets[0]} here` }));
    await saveCredential(emulator, { _id: "g", type: "gitlabToken", apiToken: { plain: secrets[1] } });
    await saveCredential(emulator, { _id: "az", type: "azure", azureSPInfo: { clientId: "c", tenantId: "t", clientSecret: secrets[2] }, secret: { plain: "cert" } });
    await saveCredential(emulator, { _id: "ibm", type: "ibmCloud", apiToken: { plain: secrets[3] } }); // refused: no accountGUID
    await saveCredential(emulator, { _id: "t", type: "aws", useAWSRole: true, tokens: { token: { plain: secrets[4] } } });
    await saveCredential(emulator, { _id: "gcp", type: "gcp", secret: { plain: GCP_KEY } });
    await saveCredential(emulator, { _id: "odd", type: "basic", accountID: "u", secret: { plain: { nested: "object-plain" } } }); // refused

    const recorded = emulator.requests();
    expect(recorded.map((request) => request.status)).toEqual([200, 200, 200, 400, 200, 200, 400]);
    const text = JSON.stringify(recorded);
    for (const secret of [...secrets, "MIIEv-gcp-private-key", "object-plain"]) expect(text).not.toContain(secret);
    expect(recorded[0].body).toMatchObject({ _id: "b", accountID: "robot", secret: { plain: "***" } });
    expect(recorded[2].body).toMatchObject({ azureSPInfo: { clientId: "c", tenantId: "t", clientSecret: "***" } });
    expect(emulator.compute.credentials().find((credential) => credential._id === "g")?.apiToken).toMatchObject({ plain: secrets[1] });
    // Nor does GET answer them: azureSPInfo keeps only the fields the schema names.
    const listed = await listCredentials(emulator);
    expect(listed.find((credential) => credential._id === "az")?.azureSPInfo).toEqual({ clientId: "c", tenantId: "t" });
    // (The copy the client put in its own `notes` field is ordinary data to the console, answered as sent.)
    for (const secret of [...secrets.slice(1), "MIIEv-gcp-private-key"]) expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed[0]).toMatchObject({ secret: { encrypted: expect.any(String) }, notes: `copied ${secrets[0]} here` });
  });

  it("masks a plain secret whose key is spelled with JSON escapes", async () => {
    const reply = await compute(emulator, "POST", CREDENTIALS, { rawBody: '{"_id":"x","type":"basic","accountID":"u","secret":{"pl\\u0061in":"escaped-secret"}}' });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(emulator.requests())).not.toContain("escaped-secret");
    expect(emulator.compute.credentials()[0].secret).toMatchObject({ plain: "escaped-secret" });
  });

  it("masks the secrets of a credential embedded in a registry entry too", async () => {
    await compute(emulator, "POST", REGISTRY, { body: spec("embedded.example", { credential: { _id: "inline", type: "basic", secret: { plain: "inline-password" } } }) });
    await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a", { credential: { apiToken: { plain: "inline-token" } } })] } });
    const text = JSON.stringify(emulator.requests());
    expect(text).not.toContain("inline-password");
    expect(text).not.toContain("inline-token");
    expect(emulator.requests()[0].body).toMatchObject({ registry: "embedded.example", credential: { _id: "inline", secret: { plain: "***" } } });
  });
});

describe("Compute seeded credentials", () => {
  const seed = [{ _id: "seeded", type: "basic", accountID: "robot", secret: { plain: "seeded-password" }, handMade: true }];
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ compute: { credentials: seed, projects: { [OTHER_PROJECT]: { entries: [{ registry: "t" }], credentials: [{ _id: "team", type: "gitlabToken" }] } } } });
  });
  afterAll(() => emulator.close());

  it("stores the option's credentials as given (encrypting plain secrets) and restores them on reset()", async () => {
    expect(emulator.compute.credentials()).toEqual([{ ...seed[0], secret: { plain: "seeded-password", encrypted: expect.any(String) } }]);
    const [listed] = await listCredentials(emulator);
    expect(listed).toEqual({ ...seed[0], secret: { encrypted: expect.any(String) } });
    expect(emulator.compute.credentials(OTHER_PROJECT)).toEqual([{ _id: "team", type: "gitlabToken" }]);
    expect(emulator.compute.entries(OTHER_PROJECT)).toEqual([{ registry: "t" }]);

    await compute(emulator, "DELETE", `${CREDENTIALS}/seeded`);
    await saveCredential(emulator, basicCredential("new"));
    emulator.compute.setCredentials([], OTHER_PROJECT);
    emulator.reset();
    expect(emulator.compute.credentials().map((credential) => credential._id)).toEqual(["seeded"]);
    expect(emulator.compute.credentials(OTHER_PROJECT)).toHaveLength(1);
  });

  it("setCredentials() replaces a project's store and credentials() hands out copies", () => {
    emulator.compute.setCredentials([{ _id: "set", type: "basic" }]);
    const copy = emulator.compute.credentials();
    copy[0].type = "mutated";
    expect(emulator.compute.credentials()).toEqual([{ _id: "set", type: "basic" }]);
    expect(() => emulator.compute.setCredentials(["not an object"])).toThrow(TypeError);
    expect(() => emulator.compute.setCredentials([{ type: "basic" }])).toThrow(TypeError);
    expect(() => emulator.compute.credentials("Nowhere")).toThrow(RangeError);
    emulator.reset();
  });
});

describe("Compute strictCredentialIds", () => {
  let strict: Emulator;
  let lenient: Emulator;
  beforeAll(async () => {
    strict = await startEmulator({ compute: { strictCredentialIds: true, projects: { [OTHER_PROJECT]: [] } } });
    lenient = await startEmulator();
  });
  beforeEach(() => {
    strict.reset();
    lenient.reset();
  });
  afterAll(async () => {
    await strict.close();
    await lenient.close();
  });

  it("is off by default: any credentialID is stored", async () => {
    expect((await compute(lenient, "POST", REGISTRY, { body: spec("a", { credentialID: "nowhere" }) })).status).toBe(200);
  });

  it("refuses a POST naming a credential the project's store does not hold, naming the entry and the id", async () => {
    const reply = await compute(strict, "POST", REGISTRY, { body: spec("harbor.example", { repository: "team/*", credentialID: "missing" }) });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toBe('credentialID: credential "missing" is not in the credential store of project "Central Console" (entry: registry "harbor.example", repository "team/*")');
    expect(strict.compute.entries()).toEqual([]);

    await saveCredential(strict, basicCredential("missing"));
    expect((await compute(strict, "POST", REGISTRY, { body: spec("harbor.example", { credentialID: "missing" }) })).status).toBe(200);
  });

  it("refuses a PUT naming unknown credentials, entry by entry, changing nothing", async () => {
    await saveCredential(strict, basicCredential("known"));
    await compute(strict, "POST", REGISTRY, { body: spec("kept", { credentialID: "known" }) });
    const specifications = [spec("a", { credentialID: "known" }), spec("b", { credentialID: "lost" }), spec("c", { credentialID: "" }), spec("d", { credentialID: "gone" })];
    const reply = await compute(strict, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toBe(
      'specifications[1].credentialID: credential "lost" is not in the credential store of project "Central Console" (entry: registry "b", repository "library/*"); ' +
        'specifications[3].credentialID: credential "gone" is not in the credential store of project "Central Console" (entry: registry "d", repository "library/*")',
    );
    expect(strict.compute.entries().map((entry) => entry.registry)).toEqual(["kept"]);
  });

  it("accepts an entry with no credentialID or an empty one", async () => {
    const { credentialID: _unused, ...anonymous } = spec("anonymous");
    expect((await compute(strict, "PUT", REGISTRY, { body: { specifications: [anonymous, spec("empty", { credentialID: "" })] } })).status).toBe(200);
  });

  it("looks in the same project's store only", async () => {
    const team = `?project=${encodeURIComponent(OTHER_PROJECT)}`;
    await saveCredential(strict, basicCredential("team-cred"), team);
    expect((await compute(strict, "POST", `${REGISTRY}${team}`, { body: spec("a", { credentialID: "team-cred" }) })).status).toBe(200);
    const reply = await compute(strict, "POST", REGISTRY, { body: spec("a", { credentialID: "team-cred" }) });
    expect(reply.status).toBe(400);
    expect(errOf(reply)).toContain('credential "team-cred" is not in the credential store of project "Central Console"');
  });

  it("reports at most five unknown ids in one refusal", async () => {
    const specifications = Array.from({ length: 8 }, (_, index) => spec(`r${index}`, { credentialID: `missing-${index}` }));
    const reply = await compute(strict, "PUT", REGISTRY, { body: { specifications } });
    expect(reply.status).toBe(400);
    expect(errOf(reply).split("; ")).toHaveLength(6);
    expect(errOf(reply)).toMatch(/; and 3 more entries$/);
  });
});

describe("Emulator independence", () => {
  // Its rules are its own; only the redaction of recorded requests is shared, one module for clients and recorder by design.
  it("imports nothing from provider/, rules/ or sdk/ but the shared redaction", async () => {
    const sources = (await readdir(__dirname)).filter((name) => name.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(10);
    for (const name of sources) {
      const text = await readFile(path.join(__dirname, name), "utf8");
      const imports = (text.match(/from\s+["']\.\.\/(provider|rules|sdk)\b[^"']*["']/g) ?? []).filter((i) => !i.includes("../provider/http/redaction"));
      expect([name, imports]).toEqual([name, []]);
    }
  });
});

// ================================================================= Cortex

describe("Cortex authentication", () => {
  let emulator: Emulator;
  let connectorId: string;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => {
    emulator.reset();
    connectorId = emulator.cortex.put(connectorBody());
  });
  afterAll(() => emulator.close());

  const expectUnauthorized = (reply: Reply): void => {
    expect(reply.status).toBe(401);
    expect(cortexError(reply).metadata.code).toBe("UNAUTHORIZED");
    expect(typeof cortexError(reply).err_msg).toBe("string");
  };

  it("has a standard key with id 1 and an advanced key with id 2, each 64 characters", () => {
    const { standard, advanced } = emulator.credentials.cortex;
    expect(standard.apiKeyId).toBe("1");
    expect(advanced.apiKeyId).toBe("2");
    expect(standard.apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(advanced.apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(standard.apiKey).not.toBe(advanced.apiKey);
  });

  it("accepts the standard key sent as-is", async () => {
    const reply = await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`);
    expect(reply.status).toBe(200);
  });

  it("accepts an advanced-key signature", async () => {
    const reply = await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, {
      headers: advancedKeyHeaders(emulator),
    });
    expect(reply.status).toBe(200);
  });

  it("refuses a wrong standard key, a missing key id and an unknown key id", async () => {
    const { apiKey } = emulator.credentials.cortex.standard;
    const attempts: Record<string, string>[] = [
      { "x-xdr-auth-id": "1", authorization: `${apiKey}x` },
      { authorization: apiKey },
      { "x-xdr-auth-id": "3", authorization: apiKey },
      { "x-xdr-auth-id": "1" },
    ];
    for (const headers of attempts) {
      expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
    }
  });

  it("refuses an advanced-key signature made with the wrong key", async () => {
    const headers = advancedKeyHeaders(emulator, { apiKey: emulator.credentials.cortex.standard.apiKey });
    expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
  });

  it("refuses a timestamp more than five minutes old or ahead", async () => {
    for (const timestamp of [Date.now() - 6 * 60 * 1000, Date.now() + 6 * 60 * 1000]) {
      const headers = advancedKeyHeaders(emulator, { timestamp });
      expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
    }
  });

  it("refuses a replayed nonce", async () => {
    const headers = advancedKeyHeaders(emulator);
    expect((await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers })).status).toBe(200);
    expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
  });

  it("refuses a nonce that is not 64 alphanumeric characters", async () => {
    for (const nonce of ["short", `${randomNonce().slice(0, 63)}-`]) {
      const headers = advancedKeyHeaders(emulator, { nonce });
      expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
    }
  });

  it("refuses the raw advanced key sent as Authorization", async () => {
    const { apiKeyId, apiKey } = emulator.credentials.cortex.advanced;
    const signed = advancedKeyHeaders(emulator);
    const attempts: Record<string, string>[] = [
      { "x-xdr-auth-id": apiKeyId, authorization: apiKey },
      { ...signed, authorization: apiKey },
    ];
    for (const headers of attempts) {
      expectUnauthorized(await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`, { headers }));
    }
  });
});

describe("Cortex registry connectors", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("creates a connector, returns its id, and stores the body with defaults applied", async () => {
    const reply = await cortex(emulator, "POST", INSTANCES, { body: connectorBody({ connector_id: "ignored" }) });
    expect(reply.status).toBe(200);
    const connectorId = (reply.json as { connector_id: string }).connector_id;
    expect(connectorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const stored = emulator.cortex.get(connectorId);
    expect(stored?.body).toMatchObject({
      ...connectorBody(),
      connector_id: connectorId,
      enabled: true,
      filter_type: "INCLUDE",
      initial_scan_configuration: { mode: "ALL" },
    });
    expect(emulator.cortex.connectors().map((connector) => connector.connectorId)).toEqual([connectorId]);
  });

  it("defaults initial_scan_configuration.mode to ALL", async () => {
    const connectorId = await createConnector(emulator, { initial_scan_configuration: {} });
    expect(emulator.cortex.get(connectorId)?.body.initial_scan_configuration).toEqual({ mode: "ALL" });
  });

  it("GET returns the connector without password or auth_token", async () => {
    const connectorId = await createConnector(emulator, { ca_certificate: "-----BEGIN CERTIFICATE-----" });
    const reply = await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`);
    expect(reply.status).toBe(200);
    const body = reply.json as Record<string, unknown>;
    expect(body.connector_id).toBe(connectorId);
    expect(body.name).toBe("harbor-prod");
    expect(body.ca_certificate).toBe("-----BEGIN CERTIFICATE-----");
    expect(body).not.toHaveProperty("password");
    expect(body).not.toHaveProperty("auth_token");
    expect(reply.text).not.toContain("s3cret");
  });

  it("PUT replaces the whole connector and answers {connector_id}", async () => {
    const connectorId = await createConnector(emulator, { repository: "only-in-the-first-version" });
    const replacement = connectorBody({ name: "renamed", enabled: false, password: "rotated" });
    const reply = await cortex(emulator, "PUT", `${INSTANCES}/${connectorId}`, { body: replacement });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ connector_id: connectorId });
    const stored = emulator.cortex.get(connectorId)?.body;
    expect(stored).toMatchObject({ name: "renamed", enabled: false, password: "rotated", connector_id: connectorId });
    expect(stored).not.toHaveProperty("repository");
  });

  it("DELETE removes the connector", async () => {
    const connectorId = await createConnector(emulator);
    const reply = await cortex(emulator, "DELETE", `${INSTANCES}/${connectorId}`);
    expect(reply.status).toBe(200);
    expect(emulator.cortex.get(connectorId)).toBeUndefined();
    expect((await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`)).status).toBe(404);
  });

  it.each([
    ["GET", undefined],
    ["PUT", connectorBody()],
    ["DELETE", undefined],
  ])("%s of an unknown id answers 404 NOT_FOUND", async (method, body) => {
    const reply = await cortex(emulator, method, `${INSTANCES}/00000000-0000-0000-0000-000000000000`, { body });
    expect(reply.status).toBe(404);
    expect(cortexError(reply).metadata.code).toBe("NOT_FOUND");
    expect(emulator.cortex.connectors()).toEqual([]);
  });

  it("answers 403 FORBIDDEN to a list request and 404 to any other method or path", async () => {
    const list = await cortex(emulator, "GET", INSTANCES);
    expect(list.status).toBe(403);
    expect(cortexError(list).metadata.code).toBe("FORBIDDEN");
    const connectorId = await createConnector(emulator);
    for (const [method, path] of [
      ["PATCH", `${INSTANCES}/${connectorId}`],
      ["POST", `${INSTANCES}/${connectorId}`],
      ["DELETE", INSTANCES],
      ["GET", "/public_api/v1/cwp/registry_onboarding/other"],
      ["GET", `${INSTANCES}/${connectorId}/extra`],
    ]) {
      const reply = await cortex(emulator, method, path);
      expect(reply.status).toBe(404);
      expect(cortexError(reply).metadata.code).toBe("NOT_FOUND");
    }
  });

  it("seeds connectors through cortex.put(), honouring a given connector_id", async () => {
    const generated = emulator.cortex.put({ name: "seeded" });
    const chosen = emulator.cortex.put({ name: "chosen", connector_id: "my-id" });
    expect(chosen).toBe("my-id");
    expect(emulator.cortex.get(generated)?.body).toEqual({ name: "seeded", connector_id: generated });
    expect((await cortex(emulator, "GET", `${INSTANCES}/my-id`)).status).toBe(200);
  });
});

describe("Cortex connector validation", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  async function expectRejected(body: unknown, fieldPath: string): Promise<void> {
    const reply = await cortex(emulator, "POST", INSTANCES, { body });
    expect(reply.status).toBe(400);
    expect(cortexError(reply).metadata.code).toBe("BAD_REQUEST");
    const namedFields = cortexError(reply)
      .err_msg.split("; ")
      .map((problem) => problem.slice(0, problem.indexOf(":")));
    expect(namedFields).toContain(fieldPath);
    expect(emulator.cortex.connectors()).toEqual([]);
  }

  it.each([
    "vendor",
    "name",
    "url",
    "username",
    "password",
    "auth_token",
    "scanning_mode",
    "region",
    "insecure_pull",
    "initial_scan_configuration",
  ])("requires %s", async (field) => {
    const body = connectorBody();
    delete body[field];
    await expectRejected(body, field);
  });

  it.each([
    ["vendor", "QUAY"],
    ["scanning_mode", "LOCAL"],
    ["cloud_provider", "OCI"],
    ["registry_type", "ON_PREM"],
    ["broker_type", "BROKER_POD"],
    ["filter_type", "MAYBE"],
  ])("refuses an unknown %s", async (field, value) => {
    await expectRejected(connectorBody({ [field]: value }), field);
  });

  async function expectRefusedWith(body: unknown, message: string): Promise<void> {
    const reply = await cortex(emulator, "POST", INSTANCES, { body });
    expect(reply.status).toBe(400);
    expect(cortexError(reply)).toEqual({ err_msg: message, metadata: { code: "BAD_REQUEST" } });
    expect(emulator.cortex.connectors()).toEqual([]);
  }

  it.each(["name", "url"])("refuses an empty %s", async (field) => {
    await expectRefusedWith(connectorBody({ [field]: "" }), `${field}: must not be empty`);
  });

  it("refuses an empty name on PUT too, leaving the stored connector unchanged", async () => {
    const connectorId = await createConnector(emulator);
    const before = emulator.cortex.get(connectorId);
    const reply = await cortex(emulator, "PUT", `${INSTANCES}/${connectorId}`, { body: connectorBody({ name: "" }) });
    expect(reply.status).toBe(400);
    expect(cortexError(reply)).toEqual({ err_msg: "name: must not be empty", metadata: { code: "BAD_REQUEST" } });
    expect(emulator.cortex.get(connectorId)).toEqual(before);
  });

  it.each([
    ["OUTPOST without outpost_id", { scanning_mode: "OUTPOST" }, "outpost_id: is required when scanning_mode is OUTPOST"],
    [
      "OUTPOST with an empty outpost_id",
      { scanning_mode: "OUTPOST", outpost_id: "" },
      "outpost_id: is required when scanning_mode is OUTPOST",
    ],
    [
      "BROKER without broker_id",
      { scanning_mode: "BROKER", broker_type: "BROKER_VM" },
      "broker_id: is required when scanning_mode is BROKER",
    ],
    [
      "BROKER without broker_type",
      { scanning_mode: "BROKER", broker_id: "b-1" },
      "broker_type: is required when scanning_mode is BROKER",
    ],
    [
      "BROKER with neither",
      { scanning_mode: "BROKER" },
      "broker_id: is required when scanning_mode is BROKER; broker_type: is required when scanning_mode is BROKER",
    ],
  ])("refuses scanning_mode %s", async (_label, extra, message) => {
    await expectRefusedWith(connectorBody(extra), message);
  });

  it.each([
    ["group_ids", ["1"], "GITLAB_CONTAINER_REGISTRY"],
    ["project_ids", ["2"], "GITLAB_CONTAINER_REGISTRY"],
    ["api_domain_name", "gitlab.example.com", "GITLAB_CONTAINER_REGISTRY"],
    ["repository", "library/ubuntu", "DOCKER_HUB"],
    ["cluster_id", "c-1", "OPENSHIFT"],
    ["cluster_name", "prod", "OPENSHIFT"],
    ["cluster_asset_id", "a-1", "OPENSHIFT"],
    ["cluster_asset_type_id", "t-1", "OPENSHIFT"],
    ["cluster_realm", "realm", "OPENSHIFT"],
  ])("refuses vendor_specific_configuration.%s for another vendor than its own", async (field, value, owner) => {
    const body = connectorBody({ vendor: "HARBOR", vendor_specific_configuration: { [field]: value } });
    await expectRefusedWith(
      body,
      `vendor_specific_configuration.${field}: applies only to vendor ${owner}, not HARBOR`,
    );
    const ownVendor = await cortex(emulator, "POST", INSTANCES, {
      body: connectorBody({ vendor: owner, vendor_specific_configuration: { [field]: value } }),
    });
    expect(ownVendor.status).toBe(200);
  });

  it("refuses an unknown initial scan mode", async () => {
    const body = connectorBody({ initial_scan_configuration: { mode: "SOME" } });
    await expectRejected(body, "initial_scan_configuration.mode");
  });

  it("accepts every documented enum value", async () => {
    const accepted = [
      ...["DOCKER", "JFROG", "SONATYPE", "DOCKER_HUB", "HARBOR", "GITLAB_CONTAINER_REGISTRY", "OPENSHIFT"].map(
        (vendor) => ({ vendor }),
      ),
      ...["CLOUD", "NOT_APPLICABLE", "KAPI"].map((scanning_mode) => ({ scanning_mode })),
      { scanning_mode: "OUTPOST", outpost_id: "outpost-1" },
      ...["BROKER_VM", "BROKER_CLUSTER"].map((broker_type) => ({ scanning_mode: "BROKER", broker_id: "b-1", broker_type })),
      ...["AWS", "GCP", "AZURE"].map((cloud_provider) => ({ cloud_provider })),
      ...["CLOUD_HOSTED", "SELF_HOSTED"].map((registry_type) => ({ registry_type })),
      ...["BROKER_VM", "BROKER_CLUSTER"].map((broker_type) => ({ broker_type })),
      ...["INCLUDE", "EXCLUDE"].map((filter_type) => ({ filter_type })),
      { initial_scan_configuration: { mode: "LATEST_TAG" } },
    ];
    for (const extra of accepted) {
      const reply = await cortex(emulator, "POST", INSTANCES, { body: connectorBody(extra) });
      expect(reply.status, JSON.stringify(extra)).toBe(200);
    }
  });

  it.each([
    ["missing", {}],
    ["0", { numDays: 0 }],
    ["91", { numDays: 91 }],
    ["7.5", { numDays: 7.5 }],
    ["a string", { numDays: "7" }],
  ])("refuses TAGS_MODIFIED_DAYS with numDays %s", async (_label, numDays) => {
    const initialScan = { mode: "TAGS_MODIFIED_DAYS", ...numDays };
    const body = connectorBody({ initial_scan_configuration: initialScan });
    await expectRejected(body, "initial_scan_configuration.numDays");
  });

  it("accepts TAGS_MODIFIED_DAYS with numDays 1 and 90", async () => {
    for (const numDays of [1, 90]) {
      const connectorId = await createConnector(emulator, {
        initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays },
      });
      const stored = emulator.cortex.get(connectorId)?.body.initial_scan_configuration;
      expect(stored).toEqual({ mode: "TAGS_MODIFIED_DAYS", numDays });
    }
  });

  it.each([
    ["name", 5],
    ["insecure_pull", "false"],
    ["enabled", "true"],
    ["allow_static_ips", 1],
    ["outpost_id", 12],
    ["tenant_id", null],
    ["vendor_specific_configuration", "gitlab"],
  ])("refuses a wrongly typed %s", async (field, value) => {
    await expectRejected(connectorBody({ [field]: value }), field);
  });

  it("checks vendor_specific_configuration field types", async () => {
    await expectRejected(
      connectorBody({ vendor: "GITLAB_CONTAINER_REGISTRY", vendor_specific_configuration: { group_ids: [1] } }),
      "vendor_specific_configuration.group_ids[0]",
    );
    await expectRejected(
      connectorBody({ vendor: "OPENSHIFT", vendor_specific_configuration: { cluster_id: 7 } }),
      "vendor_specific_configuration.cluster_id",
    );
    const connectorId = await createConnector(emulator, {
      vendor: "GITLAB_CONTAINER_REGISTRY",
      vendor_specific_configuration: { group_ids: ["1"], project_ids: ["2"], api_domain_name: "gitlab.example.com" },
    });
    expect(emulator.cortex.get(connectorId)?.body.vendor_specific_configuration).toEqual({
      group_ids: ["1"],
      project_ids: ["2"],
      api_domain_name: "gitlab.example.com",
    });
  });

  it("accepts a nested asset scope filter tree and returns it unchanged", async () => {
    const filters = {
      AND: [
        { SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "library/ubuntu" },
        {
          OR: [
            { SEARCH_FIELD: "Tag", SEARCH_TYPE: "WILDCARD", SEARCH_VALUE: "v*" },
            { SEARCH_FIELD: "Tag", SEARCH_TYPE: "REGEX", SEARCH_VALUE: "^rc-" },
          ],
        },
      ],
    };
    const connectorId = await createConnector(emulator, { asset_scope_filters: filters, filter_type: "EXCLUDE" });
    const reply = await cortex(emulator, "GET", `${INSTANCES}/${connectorId}`);
    expect((reply.json as Record<string, unknown>).asset_scope_filters).toEqual(filters);
  });

  it.each([
    [
      "an unknown SEARCH_TYPE",
      { AND: [{ SEARCH_FIELD: "Tag", SEARCH_TYPE: "LIKE", SEARCH_VALUE: "x" }] },
      "asset_scope_filters.AND[0].SEARCH_TYPE",
    ],
    [
      "a leaf without SEARCH_VALUE",
      { OR: [{ SEARCH_FIELD: "Tag", SEARCH_TYPE: "EQ" }] },
      "asset_scope_filters.OR[0].SEARCH_VALUE",
    ],
    [
      "a non-string SEARCH_FIELD",
      { SEARCH_FIELD: 3, SEARCH_TYPE: "EQ", SEARCH_VALUE: "x" },
      "asset_scope_filters.SEARCH_FIELD",
    ],
    ["a node with both AND and OR", { AND: [], OR: [] }, "asset_scope_filters"],
    [
      "an AND that is not a list",
      { AND: { SEARCH_FIELD: "Tag", SEARCH_TYPE: "EQ", SEARCH_VALUE: "x" } },
      "asset_scope_filters.AND",
    ],
    ["a deep bad leaf", { AND: [{ OR: [{ AND: ["leaf"] }] }] }, "asset_scope_filters.AND[0].OR[0].AND[0]"],
    ["a list at the root", [], "asset_scope_filters"],
  ])("refuses a filter tree with %s", async (_label, filters, fieldPath) => {
    await expectRejected(connectorBody({ asset_scope_filters: filters }), fieldPath);
  });

  it("says why a node mixing AND and OR is refused", async () => {
    const reply = await cortex(emulator, "POST", INSTANCES, {
      body: connectorBody({ asset_scope_filters: { AND: [], OR: [] } }),
    });
    expect(reply.status).toBe(400);
    expect(cortexError(reply).err_msg).toBe("asset_scope_filters: a logical node holds exactly one key, AND or OR");
  });

  it("refuses a body that is missing, not JSON, or not an object", async () => {
    for (const options of [{}, { rawBody: "{oops" }, { rawBody: "[1]" }]) {
      const reply = await cortex(emulator, "POST", INSTANCES, options);
      expect(reply.status).toBe(400);
      expect(cortexError(reply).metadata.code).toBe("BAD_REQUEST");
    }
  });

  it("validates PUT like create and leaves the stored connector unchanged", async () => {
    const connectorId = await createConnector(emulator);
    const before = emulator.cortex.get(connectorId);
    const reply = await cortex(emulator, "PUT", `${INSTANCES}/${connectorId}`, {
      body: connectorBody({ scanning_mode: "SOMETIMES" }),
    });
    expect(reply.status).toBe(400);
    expect(cortexError(reply).err_msg).toContain("scanning_mode");
    expect(emulator.cortex.get(connectorId)).toEqual(before);
  });
});

describe("Cortex rate limit", () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  function statuses(replies: Reply[]): number[] {
    return replies.map((reply) => reply.status);
  }

  it("answers 429 Too many requests, without rate-limit headers, after 10 requests in a second", async () => {
    emulator = await startEmulator({ cortex: { rateLimit: true } });
    const replies: Reply[] = [];
    for (let index = 0; index < 11; index += 1) replies.push(await cortex(emulator, "GET", `${INSTANCES}/none`));
    expect(statuses(replies.slice(0, 10))).toEqual(Array(10).fill(404));
    const limited = replies[10];
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ err_msg: "Too many requests", metadata: { code: "TOO_MANY_REQUESTS" } });
    const headerNames = Object.keys(limited.headers);
    expect(headerNames.filter((name) => /rate|retry/i.test(name))).toEqual([]);

    await sleep(1100);
    expect((await cortex(emulator, "GET", `${INSTANCES}/none`)).status).toBe(404);
  });

  it("counts unauthenticated requests too", async () => {
    emulator = await startEmulator({ cortex: { rateLimit: true, requestsPerSecond: 3 } });
    for (let index = 0; index < 3; index += 1) {
      expect((await cortex(emulator, "GET", `${INSTANCES}/none`, { headers: {} })).status).toBe(401);
    }
    expect((await cortex(emulator, "GET", `${INSTANCES}/none`)).status).toBe(429);
  });

  it("is off by default", async () => {
    emulator = await startEmulator();
    const replies: Reply[] = [];
    for (let index = 0; index < 30; index += 1) replies.push(await cortex(emulator, "GET", `${INSTANCES}/none`));
    expect(statuses(replies)).not.toContain(429);
  });

  it("can be switched on and off through faults, and does not touch Compute", async () => {
    emulator = await startEmulator();
    emulator.faults.setRateLimit(true, 2);
    const cortexReplies: Reply[] = [];
    for (let index = 0; index < 3; index += 1) cortexReplies.push(await cortex(emulator, "GET", `${INSTANCES}/none`));
    expect(statuses(cortexReplies)).toEqual([404, 404, 429]);
    for (let index = 0; index < 5; index += 1) expect((await compute(emulator, "GET", REGISTRY)).status).toBe(200);
    emulator.faults.setRateLimit(false);
    expect((await cortex(emulator, "GET", `${INSTANCES}/none`)).status).toBe(404);
    emulator.faults.setRateLimit(true, 1);
    emulator.faults.clear();
    const afterClear: Reply[] = [];
    for (let index = 0; index < 5; index += 1) afterClear.push(await cortex(emulator, "GET", `${INSTANCES}/none`));
    expect(statuses(afterClear)).not.toContain(429);
  });
});

// ================================================================= Faults

describe("Faults", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("delays every response by the configured latency, on both APIs", async () => {
    const latencyMs = 250;
    emulator.faults.setLatency(latencyMs);
    for (const send of [
      () => compute(emulator, "GET", REGISTRY),
      () => cortex(emulator, "GET", `${INSTANCES}/none`),
      () => call(emulator, "GET", "/unknown"),
    ]) {
      const started = performance.now();
      await send();
      expect(performance.now() - started).toBeGreaterThanOrEqual(latencyMs);
    }
  });

  it("failNext on Compute answers the status in Compute's style, without Retry-After, and does not apply", async () => {
    emulator.faults.failNext(1, 503);
    const failed = await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a")] } });
    expect(failed.status).toBe(503);
    expect(typeof errOf(failed)).toBe("string");
    expect(failed.headers["retry-after"]).toBeUndefined();
    expect(emulator.compute.entries()).toEqual([]);

    const retried = await compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a")] } });
    expect(retried.status).toBe(200);
    expect(emulator.compute.entries()).toHaveLength(1);
  });

  it("failNext on Compute sends Retry-After when asked", async () => {
    emulator.faults.failNext(1, 429, { retryAfterSeconds: 3 });
    const failed = await compute(emulator, "POST", REGISTRY, { body: spec("a") });
    expect(failed.status).toBe(429);
    expect(failed.headers["retry-after"]).toBe("3");
    expect(typeof errOf(failed)).toBe("string");
    expect(emulator.compute.entries()).toEqual([]);
  });

  it("failNext on Cortex answers in Cortex's style, with Retry-After when asked, and does not apply", async () => {
    emulator.faults.failNext(1, 429, { api: "cortex", retryAfterSeconds: 7 });
    emulator.faults.failNext(1, 500, { api: "cortex" });
    const throttled = await cortex(emulator, "POST", INSTANCES, { body: connectorBody() });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("7");
    expect(cortexError(throttled).metadata.code).toBe("TOO_MANY_REQUESTS");
    const broken = await cortex(emulator, "POST", INSTANCES, { body: connectorBody() });
    expect(broken.status).toBe(500);
    expect(broken.headers["retry-after"]).toBeUndefined();
    expect(cortexError(broken).metadata.code).toBe("INTERNAL_ERROR");
    expect(emulator.cortex.connectors()).toEqual([]);
    expect((await cortex(emulator, "POST", INSTANCES, { body: connectorBody() })).status).toBe(200);
  });

  it.each([502, 504] as const)("failNext supports %i", async (status) => {
    emulator.faults.failNext(1, status);
    expect((await compute(emulator, "GET", REGISTRY)).status).toBe(status);
  });

  it("failNext counts only matching requests and is consumed first-in first-out", async () => {
    emulator.faults.failNext(2, 502, { api: "compute", method: "put", pathIncludes: "settings/registry" });
    emulator.faults.failNext(1, 503, { api: "compute" });
    expect((await compute(emulator, "GET", REGISTRY)).status).toBe(503);
    expect((await cortex(emulator, "GET", `${INSTANCES}/none`)).status).toBe(404);
    expect((await compute(emulator, "GET", REGISTRY)).status).toBe(200);
    expect((await compute(emulator, "PUT", REGISTRY, { body: {} })).status).toBe(502);
    expect((await compute(emulator, "PUT", REGISTRY, { body: {} })).status).toBe(502);
    expect((await compute(emulator, "PUT", REGISTRY, { body: {} })).status).toBe(200);
  });

  it("rejects fault arguments it cannot honour", () => {
    expect(() => emulator.faults.failNext(1, 418 as 500)).toThrow(RangeError);
    expect(() => emulator.faults.failNext(-1, 500)).toThrow(RangeError);
    expect(() => emulator.faults.setLatency(-5)).toThrow(RangeError);
  });

  it("dropNext before-apply destroys the connection without applying, and the server keeps serving", async () => {
    emulator.faults.dropNext(1, "before-apply", { api: "compute" });
    await expect(compute(emulator, "PUT", REGISTRY, { body: { specifications: [spec("a")] } })).rejects.toThrow();
    expect(emulator.compute.entries()).toEqual([]);
    const dropped = emulator.requests().at(-1);
    expect(dropped?.status).toBe(0);
    expect(dropped?.method).toBe("PUT");
    expect((await compute(emulator, "GET", REGISTRY)).status).toBe(200);
  });

  it("dropNext after-apply applies the request, then destroys the connection", async () => {
    emulator.faults.dropNext(1, "after-apply", { method: "POST" });
    await expect(compute(emulator, "POST", REGISTRY, { body: spec("a") })).rejects.toThrow();
    expect(emulator.compute.entries().map((entry) => entry.registry)).toEqual(["a"]);
    expect(emulator.requests().at(-1)?.status).toBe(0);

    emulator.faults.dropNext(1, "after-apply", { api: "cortex" });
    await expect(cortex(emulator, "POST", INSTANCES, { body: connectorBody() })).rejects.toThrow();
    expect(emulator.cortex.connectors()).toHaveLength(1);
    const [created] = emulator.cortex.connectors();
    expect((await cortex(emulator, "GET", `${INSTANCES}/${created.connectorId}`)).status).toBe(200);
  });

  it("dropNext before-apply works for Cortex too", async () => {
    emulator.faults.dropNext(1, "before-apply", { pathIncludes: "registry_onboarding" });
    await expect(cortex(emulator, "POST", INSTANCES, { body: connectorBody() })).rejects.toThrow();
    expect(emulator.cortex.connectors()).toEqual([]);
    expect((await cortex(emulator, "POST", INSTANCES, { body: connectorBody() })).status).toBe(200);
  });

  it("clear() removes latency and queued faults", async () => {
    emulator.faults.setLatency(5000);
    emulator.faults.failNext(3, 500);
    emulator.faults.dropNext(3, "before-apply");
    emulator.faults.clear();
    expect((await compute(emulator, "GET", REGISTRY)).status).toBe(200);
  });
});

// ================================================================= Recording

describe("Request recording", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("records every request in order with masked secrets, parsed body and status sent", async () => {
    const before = Date.now();
    await compute(emulator, "PUT", `${REGISTRY}?scanLater=true`, {
      body: { specifications: [spec("a")] },
      headers: { cookie: "session=abc", "X-Custom": "visible" },
    });
    await call(emulator, "GET", REGISTRY);
    const headers = advancedKeyHeaders(emulator);
    await cortex(emulator, "GET", `${INSTANCES}/none`, { headers });
    await call(emulator, "GET", "/favicon.ico");

    const recorded = emulator.requests();
    expect(recorded.map((entry) => [entry.api, entry.method, entry.path, entry.status])).toEqual([
      ["compute", "PUT", REGISTRY, 200],
      ["compute", "GET", REGISTRY, 401],
      ["cortex", "GET", `${INSTANCES}/none`, 404],
      ["unknown", "GET", "/favicon.ico", 404],
    ]);
    const [put, , cortexGet] = recorded;
    expect(put.query).toEqual({ scanLater: "true" });
    expect(put.body).toEqual({ specifications: [spec("a")] });
    expect(put.headers.authorization).toBe("***");
    expect(put.headers.cookie).toBe("***");
    expect(put.headers["x-custom"]).toBe("visible");
    expect(put.time).toBeGreaterThanOrEqual(before);
    expect(cortexGet.headers.authorization).toBe("***");
    expect(cortexGet.headers["x-xdr-auth-id"]).toBe("2");
    expect(cortexGet.headers["x-xdr-nonce"]).toBe(headers["x-xdr-nonce"]);
    expect(cortexGet.body).toBeUndefined();
    expect(JSON.stringify(recorded)).not.toContain(emulator.credentials.compute.password);
    expect(JSON.stringify(recorded)).not.toContain(headers.authorization);
  });

  it("masks the credentials of Cortex connector bodies in the recording, while the stored connector keeps them", async () => {
    const secrets = { password: "s3cret-password", auth_token: "s3cret-token", ca_certificate: "-----BEGIN CERTIFICATE-----\nMIIB-private" };
    const connectorId = await createConnector(emulator, { ca_certificate: secrets.ca_certificate });
    const put = await cortex(emulator, "PUT", `${INSTANCES}/${connectorId}`, { body: connectorBody({ ...secrets, region: "us" }) });
    expect(put.status).toBe(200);

    const recorded = emulator.requests().filter((r) => r.api === "cortex");
    expect(recorded.map((r) => r.method)).toEqual(["POST", "PUT"]);
    for (const request of recorded) {
      expect(request.body).toMatchObject({ password: "***", auth_token: "***", ca_certificate: "***", name: "harbor-prod" });
    }
    expect(recorded[1].body).toMatchObject({ region: "us" });
    for (const secret of Object.values(secrets)) expect(JSON.stringify(recorded)).not.toContain(secret);
    expect(emulator.cortex.get(connectorId)?.body).toMatchObject({ ...secrets, region: "us" });
  });

  it("hands out copies and can be cleared", async () => {
    await compute(emulator, "POST", REGISTRY, { body: spec("a") });
    const copy = emulator.requests();
    (copy[0].body as Record<string, unknown>).registry = "mutated";
    copy.pop();
    expect(emulator.requests()).toHaveLength(1);
    expect((emulator.requests()[0].body as Record<string, unknown>).registry).toBe("a");
    emulator.clearRequests();
    expect(emulator.requests()).toEqual([]);
  });
});
