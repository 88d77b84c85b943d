import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as policySdk from "@pulumi/policy";
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { markSecret, PolicyHost, type AnalyzedResource, type PolicyDiagnostic } from "../harness";
import { builtPath } from "./support/built";
import {
  checkInitialScanNumDays,
  checkNoInsecurePull,
  cortexConnectorPolicies,
  cortexInitialScanNumDays,
  cortexNoInsecurePull,
} from "../policy/cortexConnectorPolicies";
import { isUnknownValueError, toPlainObject, UNKNOWN } from "../policy/plainValues";
import {
  checkMaxEntries,
  checkSingleAuthoritative,
  checkUniqueEntries,
  MAX_DUPLICATES_REPORTED,
  registrySettingsMaxEntries,
  registrySettingsPolicies,
  resolveMaxEntries,
} from "../policy/registrySettingsPolicies";
import {
  consoleTarget,
  CORTEX_CONNECTOR_TYPE,
  readConnector,
  readRegistrySettings,
  REGISTRY_SETTINGS_TYPE,
  registryEntries,
  type RegistrySettingsView,
} from "../policy/resourceViews";
import { installSecretTracking, SecretPaths, secretPathsOf } from "../policy/secretTracking";
import {
  checkConnectorUrls,
  checkCredentialsAsSecrets,
  checkRegistrySettingsUrls,
  credentialsAsSecrets,
  httpsUrls,
  MAX_ENTRY_URLS_REPORTED,
  securityPolicies,
} from "../policy/securityPolicies";
import { COMPUTE_CREDENTIAL_TYPE, MAX_REGISTRY_ENTRIES } from "../rules";
import { CannotDecideYet, reportVerdict, verdict } from "../policy/verdict";

// The engine's sentinel for a string that is not known until apply.
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const REPO_ROOT = path.resolve(__dirname, "..");
const POLICY_DIR = path.join(REPO_ROOT, "examples", "policy-pack");

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

interface Entry {
  name: string;
  version: string;
  registry: string;
  repository: string;
  tag: string;
  os: string;
  [key: string]: unknown;
}

/** `count` entries with distinct identities, in the program's array shape. */
function entries(count: number, prefix = "app"): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    version: "2",
    registry: "",
    repository: `team/${prefix}-${i}`,
    tag: "latest",
    os: "linux",
    cap: 5,
    collections: ["All"],
    credentialId: "dockerhub",
  }));
}

/** The provider-checked shape: a map keyed by entry name. */
function asMap(list: Entry[]): Record<string, Omit<Entry, "name">> {
  return Object.fromEntries(list.map(({ name, ...rest }) => [name, rest]));
}

function urn(type: string, name: string): string {
  return `urn:pulumi:test::registry-scanning-test::${type}::${name}`;
}

function registrySettings(name: string, inputs: Record<string, unknown>): AnalyzedResource {
  return { type: REGISTRY_SETTINGS_TYPE, name, urn: urn(REGISTRY_SETTINGS_TYPE, name), inputs };
}

function connector(name: string, inputs: Record<string, unknown> = {}): AnalyzedResource {
  return {
    type: CORTEX_CONNECTOR_TYPE,
    name,
    urn: urn(CORTEX_CONNECTOR_TYPE, name),
    inputs: {
      vendor: "DOCKER",
      name,
      url: "https://registry.example.com",
      username: "scanner",
      password: markSecret("hunter2"),
      authToken: markSecret("token"),
      scanningMode: "CLOUD",
      region: "us",
      insecurePull: false,
      initialScanConfiguration: { mode: "ALL" },
      ...inputs,
    },
  };
}

/** A RegistrySettings view as the stack policies read it, from hand-built plain inputs. */
function view(name: string, inputs: Record<string, unknown>): RegistrySettingsView {
  return readRegistrySettings({ type: REGISTRY_SETTINGS_TYPE, name, urn: urn(REGISTRY_SETTINGS_TYPE, name), props: inputs });
}

function connectorView(inputs: Record<string, unknown>) {
  return readConnector({ type: CORTEX_CONNECTOR_TYPE, name: "c", urn: urn(CORTEX_CONNECTOR_TYPE, "c"), props: inputs });
}

class NotApplicable extends Error {}

/** Runs a resource policy as the SDK would, with hand-built args; returns the reported messages. */
function runResourcePolicy(policy: ResourceValidationPolicy, resource: AnalyzedResource, props: unknown = resource.inputs): string[] {
  const reported: string[] = [];
  const args = {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props,
    getConfig: () => ({}),
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  } as unknown as ResourceValidationArgs;
  const validate = policy.validateResource;
  if (typeof validate !== "function") throw new Error(`${policy.name} has no single validateResource`);
  void validate(args, (message: string) => void reported.push(message));
  return reported;
}

function runStackPolicy(policy: StackValidationPolicy, resources: AnalyzedResource[], config: object = {}): { message: string; urn?: string }[] {
  const reported: { message: string; urn?: string }[] = [];
  const args = {
    resources: resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })),
    getConfig: () => config,
    stackTags: new Map(),
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  } as unknown as StackValidationArgs;
  void policy.validateStack(args, (message: string, resourceUrn?: string) => void reported.push({ message, urn: resourceUrn }));
  return reported;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

describe("plain values and resource views", () => {
  it("turns unknown sentinels, and reads the SDK's unknown-checking proxy refuses, into UNKNOWN", () => {
    const raw = { a: UNKNOWN_STRING, b: { c: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", d: [1, UNKNOWN_STRING] }, e: "x" };
    const expected = { a: UNKNOWN, b: { c: UNKNOWN, d: [1, UNKNOWN] }, e: "x" };
    expect(toPlainObject(raw)).toEqual(expected);
    const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy(x: object): object }).unknownCheckingProxy;
    const proxied = unknownCheckingProxy(raw) as { a: unknown };
    expect(() => proxied.a).toThrow(/can't be known during preview/);
    expect(toPlainObject(proxied)).toEqual(expected);
  });

  it("reads specifications in the program's array shape and the provider's map shape alike", () => {
    const list = entries(2);
    const fromArray = registryEntries(toPlainObject({ s: list }).s);
    const fromMap = registryEntries(toPlainObject({ s: asMap(list) }).s);
    const expected = [
      { path: "specifications[app-0]", fields: { repository: "team/app-0", tag: "latest" } },
      { path: "specifications[app-1]", fields: { repository: "team/app-1", tag: "latest" } },
    ];
    expect(fromArray).toMatchObject(expected);
    expect(fromMap).toMatchObject(expected);
    expect(registryEntries(toPlainObject({ s: [{ repository: "x" }] }).s)).toMatchObject([{ path: "specifications[0]" }]);
    expect(registryEntries(UNKNOWN)).toBe(UNKNOWN);
    expect(registryEntries(undefined)).toEqual([]);
  });

  it("names a console by its normalized URL, or the stack's default console, or says it is not known", () => {
    expect(consoleTarget({ url: "https://Console.Example.com/" })).toEqual(consoleTarget({ url: "https://console.example.com" }));
    expect(consoleTarget({ url: "https://a.example.com" })).not.toEqual(consoleTarget({ url: "https://b.example.com" }));
    expect(consoleTarget(undefined)).toEqual({ kind: "default" });
    expect(consoleTarget({ username: "u" })).toEqual({ kind: "default" });
    expect(consoleTarget({ url: UNKNOWN })).toEqual({ kind: "unknown" });
    expect(consoleTarget(UNKNOWN)).toEqual({ kind: "unknown" });
  });
});

describe("reportVerdict", () => {
  it("reports each violation, then throws the SDK's UnknownValueError when something is undecided", () => {
    const reported: [string, string | undefined][] = [];
    const report: ReportViolation = (message, resourceUrn) => void reported.push([message, resourceUrn]);
    expect(() => reportVerdict(verdict([{ message: "broken", urn: "u" }], ["x not known yet"]), report)).toThrow(CannotDecideYet);
    expect(reported).toEqual([["broken", "u"]]);
    try {
      reportVerdict(verdict([], ["x not known yet"]), report);
    } catch (error) {
      expect(isUnknownValueError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^cannot decide yet: x not known yet\. .*pulumi up/);
    }
    expect(() => reportVerdict(verdict(), report)).not.toThrow();
  });
});

describe("the pack's policies", () => {
  it("are one constant each, with the documented names and enforcement levels", () => {
    const all = [...registrySettingsPolicies, ...cortexConnectorPolicies, ...securityPolicies];
    expect(Object.fromEntries(all.map((p) => [p.name, p.enforcementLevel]))).toEqual({
      "registry-settings-max-entries": "mandatory",
      "registry-settings-single-authoritative": "mandatory",
      "registry-settings-unique-entries": "mandatory",
      "cortex-initial-scan-num-days": "mandatory",
      "cortex-no-insecure-pull": "advisory",
      "credentials-as-secrets": "mandatory",
      "https-urls": "advisory",
    });
    for (const policy of all) expect(policy.description.length).toBeGreaterThan(20);
  });

  it("say they do not apply to other resource types", () => {
    const other: AnalyzedResource = { type: "aws:s3/bucket:Bucket", name: "b", urn: urn("aws:s3/bucket:Bucket", "b"), inputs: {} };
    for (const policy of [cortexInitialScanNumDays, cortexNoInsecurePull, credentialsAsSecrets, httpsUrls]) {
      expect(() => runResourcePolicy(policy, other)).toThrow(NotApplicable);
    }
    expect(() => runStackPolicy(registrySettingsMaxEntries, [other])).toThrow(NotApplicable);
  });
});

// ---------------------------------------------------------------------------------------------
// registry-settings-max-entries
// ---------------------------------------------------------------------------------------------

describe("registry-settings-max-entries", () => {
  it("passes 19,999 entries on one console and stops 20,000, naming the resource, count, limit and fix", () => {
    expect(checkMaxEntries([view("r", { specifications: entries(19_999) })], MAX_REGISTRY_ENTRIES)).toEqual(verdict());
    const result = checkMaxEntries([view("r", { specifications: entries(20_000) })], MAX_REGISTRY_ENTRIES);
    expect(result.undecided).toEqual([]);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].urn).toBe(urn(REGISTRY_SETTINGS_TYPE, "r"));
    const message = result.violations[0].message;
    expect(message).toContain('RegistrySettings "r" declares 20000 registry entries in specifications');
    expect(message).toContain("the stack's default console");
    expect(message).toContain("more than maxEntries 19999");
    expect(message).toContain("Fix: remove at least 1 entry from specifications");
  });

  it("counts the map shape like the array shape", () => {
    expect(checkMaxEntries([view("r", { specifications: asMap(entries(20_000)) })], MAX_REGISTRY_ENTRIES).violations).toHaveLength(1);
    expect(checkMaxEntries([view("r", { specifications: asMap(entries(19_999)) })], MAX_REGISTRY_ENTRIES)).toEqual(verdict());
  });

  it("adds up every RegistrySettings on the same console, and only those", () => {
    const consoleA = { url: "https://a.example.com" };
    const split = [
      view("one", { console: consoleA, specifications: entries(10_000, "one") }),
      view("two", { console: { url: "https://A.example.com/" }, specifications: entries(10_000, "two") }),
    ];
    const result = checkMaxEntries(split, MAX_REGISTRY_ENTRIES);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].message).toContain('RegistrySettings "one" (10000 entries), "two" (10000 entries) declare 20000');
    expect(result.violations[0].message).toContain("console https://a.example.com");

    const apart = [
      view("one", { console: consoleA, specifications: entries(10_000, "one") }),
      view("two", { console: { url: "https://b.example.com" }, specifications: entries(10_000, "two") }),
      view("three", { specifications: entries(10_000, "three") }),
    ];
    expect(checkMaxEntries(apart, MAX_REGISTRY_ENTRIES)).toEqual(verdict());
  });

  it("honours a lower maxEntries and refuses one outside 1..19,999", () => {
    expect(checkMaxEntries([view("r", { specifications: entries(100) })], 100)).toEqual(verdict());
    const result = checkMaxEntries([view("r", { specifications: entries(101) })], 100);
    expect(result.violations[0].message).toContain("more than maxEntries 100");
    expect(result.violations[0].message).toContain("headroom");
    expect(resolveMaxEntries(undefined)).toBe(MAX_REGISTRY_ENTRIES);
    expect(resolveMaxEntries(100)).toBe(100);
    for (const bad of [0, 20_000, 1.5, "100"]) expect(() => resolveMaxEntries(bad)).toThrow(/maxEntries .* integer from 1 to 19999/);
  });

  it("cannot decide while a count or a console is unknown and could matter, and decides when it cannot", () => {
    const unknownSpecs = checkMaxEntries([view("u", { specifications: UNKNOWN_STRING })], MAX_REGISTRY_ENTRIES);
    expect(unknownSpecs.violations).toEqual([]);
    expect(unknownSpecs.undecided[0]).toContain('specifications of "u" not known yet');

    // Known entries already exceed the limit: a violation whatever the unknown adds.
    const over = checkMaxEntries(
      [view("u", { specifications: UNKNOWN_STRING }), view("k", { specifications: entries(20_000) })],
      MAX_REGISTRY_ENTRIES,
    );
    expect(over.violations).toHaveLength(1);
    expect(over.violations[0].message).toContain("20000 or more");

    const unknownConsole = { console: { url: UNKNOWN_STRING } };
    expect(checkMaxEntries([view("u", { ...unknownConsole, specifications: entries(10) })], MAX_REGISTRY_ENTRIES)).toEqual(verdict());
    const couldOverflow = checkMaxEntries(
      [view("u", { ...unknownConsole, specifications: entries(10) }), view("k", { specifications: entries(19_990, "k") })],
      MAX_REGISTRY_ENTRIES,
    );
    expect(couldOverflow.violations).toEqual([]);
    expect(couldOverflow.undecided[0]).toContain('RegistrySettings "u": console.url not known yet');
    const aloneOver = checkMaxEntries([view("u", { ...unknownConsole, specifications: entries(20_000) })], MAX_REGISTRY_ENTRIES);
    expect(aloneOver.violations[0].message).toContain("whichever console");
  });
});

// ---------------------------------------------------------------------------------------------
// registry-settings-single-authoritative
// ---------------------------------------------------------------------------------------------

describe("registry-settings-single-authoritative", () => {
  const consoleA = { url: "https://a.example.com" };

  it("allows one authoritative RegistrySettings per console, and managed ones side by side", () => {
    expect(checkSingleAuthoritative([view("a", { console: consoleA, mode: "authoritative" })])).toEqual(verdict());
    expect(checkSingleAuthoritative([view("a", { console: consoleA }), view("b", { console: consoleA, mode: "managed" })])).toEqual(verdict());
    expect(
      checkSingleAuthoritative([view("a", { console: consoleA, mode: "authoritative" }), view("b", { mode: "authoritative" })]),
    ).toEqual(verdict());
  });

  it("stops two authoritative RegistrySettings on one console", () => {
    const result = checkSingleAuthoritative([
      view("a", { console: consoleA, mode: "authoritative" }),
      view("b", { console: { url: "https://a.example.com/" }, mode: "authoritative" }),
    ]);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].message).toContain('2 RegistrySettings with mode "authoritative" ("a", "b")');
    expect(result.violations[0].message).toContain('Fix: merge their specifications');
  });

  it("stops an authoritative RegistrySettings that shares its console with a managed one (mode defaults to managed)", () => {
    const result = checkSingleAuthoritative([view("a", { mode: "authoritative" }), view("b", {})]);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].message).toContain('RegistrySettings "a" has mode "authoritative" and shares the stack\'s default console');
    expect(result.violations[0].message).toContain('"b"');
    expect(result.violations[0].urn).toBe(urn(REGISTRY_SETTINGS_TYPE, "a"));
  });

  it("cannot decide when a mode or console that could conflict is unknown", () => {
    expect(checkSingleAuthoritative([view("a", { mode: UNKNOWN_STRING }), view("b", {})]).undecided).toHaveLength(1);
    expect(checkSingleAuthoritative([view("a", { mode: UNKNOWN_STRING })])).toEqual(verdict());
    expect(checkSingleAuthoritative([view("a", { console: { url: UNKNOWN_STRING }, mode: "authoritative" }), view("b", {})]).undecided).toHaveLength(1);
    expect(checkSingleAuthoritative([view("a", { console: { url: UNKNOWN_STRING } }), view("b", {})])).toEqual(verdict());
  });
});

// ---------------------------------------------------------------------------------------------
// registry-settings-unique-entries
// ---------------------------------------------------------------------------------------------

describe("registry-settings-unique-entries", () => {
  const ubuntu = { name: "ubuntu-18.04", version: "2", registry: "", repository: "library/ubuntu", tag: "18.04", os: "linux" };

  it("stops two entries with the same identity in one resource or across resources on one console", () => {
    const within = checkUniqueEntries([view("r", { specifications: [ubuntu, { ...ubuntu, name: "ubuntu-again", cap: 1 }] })]);
    expect(within.violations).toHaveLength(1);
    expect(within.violations[0].message).toContain('RegistrySettings "r" specifications[ubuntu-18.04]; RegistrySettings "r" specifications[ubuntu-again]');
    expect(within.violations[0].message).toContain('repository "library/ubuntu", tag "18.04", os "linux"');
    expect(within.violations[0].message).toContain("Fix: keep one of them");

    const across = checkUniqueEntries([view("a", { specifications: [ubuntu] }), view("b", { specifications: asMap([ubuntu]) })]);
    expect(across.violations).toHaveLength(1);
    expect(across.violations[0].urn).toBe(urn(REGISTRY_SETTINGS_TYPE, "b"));
  });

  it("treats missing identity fields as empty, and any difference as a different target", () => {
    const bare = { name: "a", version: "2", repository: "library/ubuntu", tag: "18.04" };
    const spelledOut = { ...bare, name: "b", registry: "", namespace: null, os: "" };
    expect(checkUniqueEntries([view("r", { specifications: [bare, spelledOut] })]).violations).toHaveLength(1);
    expect(checkUniqueEntries([view("r", { specifications: [ubuntu, { ...ubuntu, name: "b", tag: "20.04" }] })])).toEqual(verdict());
    expect(
      checkUniqueEntries([
        view("a", { console: { url: "https://a.example.com" }, specifications: [ubuntu] }),
        view("b", { console: { url: "https://b.example.com" }, specifications: [ubuntu] }),
      ]),
    ).toEqual(verdict());
  });

  it("lists at most a fixed number of duplicated identities one by one, then summarizes", () => {
    const list = entries(MAX_DUPLICATES_REPORTED + 5);
    const result = checkUniqueEntries([view("a", { specifications: list }), view("b", { specifications: list })]);
    expect(result.violations).toHaveLength(MAX_DUPLICATES_REPORTED + 1);
    expect(result.violations.at(-1)?.message).toContain("5 more identities are declared more than once");
  });

  it("cannot decide while an identity field is unknown and another entry shares the console", () => {
    const result = checkUniqueEntries([view("r", { specifications: [ubuntu, { ...ubuntu, name: "b", tag: UNKNOWN_STRING }] })]);
    expect(result.violations).toEqual([]);
    expect(result.undecided).toEqual(['RegistrySettings "r" specifications[b]: identity not fully known yet']);
    expect(checkUniqueEntries([view("r", { specifications: [{ ...ubuntu, tag: UNKNOWN_STRING }] })])).toEqual(verdict());
  });
});

// ---------------------------------------------------------------------------------------------
// cortex-initial-scan-num-days and cortex-no-insecure-pull
// ---------------------------------------------------------------------------------------------

describe("cortex-initial-scan-num-days", () => {
  const days = (initialScanConfiguration: unknown) => checkInitialScanNumDays(connectorView({ initialScanConfiguration }));

  it.each([
    ["missing", undefined, /numDays is missing/],
    ["0", 0, /numDays is 0; .* integer from 1 to 90/],
    ["91", 91, /numDays is 91; .* integer from 1 to 90/],
    ["7.5", 7.5, /numDays is 7\.5; .* integer from 1 to 90/],
    ["a string", "7", /numDays is "7"/],
  ])("with mode TAGS_MODIFIED_DAYS, numDays %s is a violation", (_case, numDays, pattern) => {
    const result = days({ mode: "TAGS_MODIFIED_DAYS", numDays });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].message).toMatch(pattern);
    expect(result.violations[0].message).toContain('CortexRegistryConnector "c": initialScanConfiguration.numDays');
    expect(result.violations[0].message).toContain("Fix: ");
  });

  it.each([1, 7, 90])("with mode TAGS_MODIFIED_DAYS, numDays %s passes", (numDays) => {
    expect(days({ mode: "TAGS_MODIFIED_DAYS", numDays })).toEqual(verdict());
  });

  it("refuses numDays with any other mode, ALL being the default", () => {
    const all = days({ mode: "ALL", numDays: 7 });
    expect(all.violations[0].message).toContain('numDays is 7 but initialScanConfiguration.mode is "ALL"');
    expect(all.violations[0].message).toContain('numDays only applies to mode "TAGS_MODIFIED_DAYS"');
    expect(days({ numDays: 7 }).violations[0].message).toContain('mode is not set (so "ALL")');
    expect(days({ mode: "LATEST_TAG", numDays: 3 }).violations).toHaveLength(1);
    expect(days({ mode: "ALL" })).toEqual(verdict());
    expect(days({ mode: "LATEST_TAG", numDays: null })).toEqual(verdict());
    expect(days(undefined)).toEqual(verdict());
    expect(days({ mode: "tags_modified_days", numDays: 7 }).violations[0].message).toContain("must be one of ALL, LATEST_TAG, TAGS_MODIFIED_DAYS");
  });

  it("cannot decide while mode or numDays is unknown", () => {
    expect(days({ mode: "TAGS_MODIFIED_DAYS", numDays: UNKNOWN_STRING }).undecided).toHaveLength(1);
    expect(days({ mode: UNKNOWN_STRING, numDays: 7 }).undecided).toHaveLength(1);
    expect(days(UNKNOWN_STRING).undecided).toHaveLength(1);
  });

  it("reports through the policy constant with the SDK's callbacks", () => {
    expect(runResourcePolicy(cortexInitialScanNumDays, connector("c", { initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 0 } }))).toHaveLength(1);
    expect(() =>
      runResourcePolicy(cortexInitialScanNumDays, connector("c", { initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: UNKNOWN_STRING } })),
    ).toThrow(/cannot decide yet: CortexRegistryConnector "c": initialScanConfiguration.numDays not known yet/);
  });
});

describe("cortex-no-insecure-pull", () => {
  it("flags insecurePull true and nothing else", () => {
    const result = checkNoInsecurePull(connectorView({ insecurePull: true }));
    expect(result.violations[0].message).toMatch(/CortexRegistryConnector "c": insecurePull is true.*Fix: set insecurePull: false/);
    expect(checkNoInsecurePull(connectorView({ insecurePull: false }))).toEqual(verdict());
    expect(checkNoInsecurePull(connectorView({}))).toEqual(verdict());
    expect(checkNoInsecurePull(connectorView({ insecurePull: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" })).undecided).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// credentials-as-secrets
// ---------------------------------------------------------------------------------------------

describe("credentials-as-secrets", () => {
  const connectorInputs = (inputs: Record<string, unknown>) => ({ type: CORTEX_CONNECTOR_TYPE, name: "c", props: toPlainObject(inputs) });
  const settingsInputs = (inputs: Record<string, unknown>) => ({ type: REGISTRY_SETTINGS_TYPE, name: "r", props: toPlainObject(inputs) });

  it("finds secret-marked paths as the engine sends them, a secret object covering its members", () => {
    const secrets = SecretPaths.fromWire({ a: markSecret("x"), console: markSecret({ url: "u", password: "p" }), list: [1, markSecret(2)] });
    expect(secrets.covers(["a"])).toBe(true);
    expect(secrets.covers(["console", "password"])).toBe(true);
    expect(secrets.covers(["list", 1])).toBe(true);
    expect(secrets.covers(["list", 0])).toBe(false);
    expect(secrets.covers(["b"])).toBe(false);
  });

  it("fails plain credentials and passes secret ones, naming the resource, property and fix", () => {
    const plain = checkCredentialsAsSecrets(connectorInputs({ password: "p", authToken: "t", tenant: { apiKey: "k" } }), new SecretPaths([]));
    expect(plain.violations.map((v) => v.message.split(" is a plain value")[0])).toEqual([
      'CortexRegistryConnector "c": password',
      'CortexRegistryConnector "c": authToken',
      'CortexRegistryConnector "c": tenant.apiKey',
    ]);
    expect(plain.violations[0].message).toContain("Fix: pass password as a secret");
    expect(plain.violations.map((v) => v.message).join()).not.toMatch(/"p"|"t"|"k"/);

    const secret = checkCredentialsAsSecrets(
      connectorInputs({ password: "p", authToken: "t", tenant: { apiKey: "k" } }),
      new SecretPaths([["password"], ["authToken"], ["tenant"]]),
    );
    expect(secret).toEqual(verdict());

    expect(checkCredentialsAsSecrets(settingsInputs({ console: { url: "u", password: "p" } }), new SecretPaths([])).violations[0].message).toContain(
      'RegistrySettings "r": console.password is a plain value',
    );
    expect(checkCredentialsAsSecrets(settingsInputs({ console: { url: "u", password: "p" } }), new SecretPaths([["console"]]))).toEqual(verdict());
    expect(checkCredentialsAsSecrets(settingsInputs({ console: { url: "u" } }), new SecretPaths([]))).toEqual(verdict());
  });

  it("judges a ComputeCredential's secrets, whatever its kind, naming it as a credential", () => {
    const credential = (inputs: Record<string, unknown>) => ({ type: COMPUTE_CREDENTIAL_TYPE, name: "robot", props: toPlainObject(inputs) });
    const plain = checkCredentialsAsSecrets(credential({ kind: "azureServicePrincipal", clientId: "c", tenantId: "t", clientSecret: "s" }), new SecretPaths([]));
    expect(plain.violations.map((v) => v.message.split(" is a plain value")[0])).toEqual(['ComputeCredential "robot": clientSecret']);
    expect(checkCredentialsAsSecrets(credential({ kind: "basic", username: "u", password: "p" }), new SecretPaths([["password"]]))).toEqual(verdict());
  });

  it("cannot decide for an unknown, unmarked credential, or when secretness was not tracked", () => {
    expect(checkCredentialsAsSecrets(connectorInputs({ password: UNKNOWN_STRING }), new SecretPaths([])).undecided).toEqual([
      'CortexRegistryConnector "c": password not known yet and not marked secret',
    ]);
    expect(checkCredentialsAsSecrets(connectorInputs({ password: UNKNOWN_STRING }), new SecretPaths([["password"]]))).toEqual(verdict());
    expect(checkCredentialsAsSecrets(connectorInputs({ password: "p" }), undefined).undecided[0]).toContain("cannot be told");
  });

  it("tracks secretness through the SDK's own deserializer and unknown-checking proxy", () => {
    expect(installSecretTracking()).toBe(true);
    const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties(s: Struct, proxySecrets: boolean): object };
    const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy(x: object): Record<string, unknown> }).unknownCheckingProxy;
    const struct = Struct.fromJavaScript({ console: { url: "https://c", password: markSecret("p") } } as Parameters<typeof Struct.fromJavaScript>[0]);
    const props = unknownCheckingProxy(deserialize.deserializeProperties(struct, false));
    expect((props.console as { password: string }).password).toBe("p");
    expect(secretPathsOf(props)?.covers(["console", "password"])).toBe(true);
    expect(secretPathsOf(props)?.covers(["console", "url"])).toBe(false);
    expect(secretPathsOf({ console: {} })).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// https-urls
// ---------------------------------------------------------------------------------------------

describe("https-urls", () => {
  it("requires an https console.url and https on entry registry addresses that have a scheme", () => {
    const ok = view("r", {
      console: { url: "https://console.example.com" },
      specifications: [
        { name: "hub", registry: "" },
        { name: "host", registry: "registry.example.com" },
        { name: "tls", registry: "https://registry.example.com" },
      ],
    });
    expect(checkRegistrySettingsUrls(ok)).toEqual(verdict());

    const bad = checkRegistrySettingsUrls(
      view("r", { console: { url: "http://admin:pw@console.example.com:8083/" }, specifications: [{ name: "plain", registry: "http://registry.local" }] }),
    );
    expect(bad.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('RegistrySettings "r": console.url is "http://console.example.com:8083", which uses http://; console.url must be an https:// URL'),
      expect.stringContaining('RegistrySettings "r": specifications[plain].registry is "http://registry.local", which uses http://'),
    ]);
    expect(bad.violations.map((v) => v.message).join()).not.toContain("pw");
    expect(checkRegistrySettingsUrls(view("r", { console: { url: "console.example.com" } })).violations[0].message).toContain("has no https:// scheme");
  });

  it("summarizes past a fixed number of insecure entry addresses", () => {
    const list = entries(MAX_ENTRY_URLS_REPORTED + 3).map((e) => ({ ...e, registry: "http://registry.local" }));
    const result = checkRegistrySettingsUrls(view("r", { specifications: list }));
    expect(result.violations).toHaveLength(MAX_ENTRY_URLS_REPORTED + 1);
    expect(result.violations.at(-1)?.message).toContain("3 more entries");
  });

  it("requires https for a connector's url and tenant.apiUrl", () => {
    expect(checkConnectorUrls(connectorView({ url: "https://r.example.com", tenant: { apiUrl: "https://api-t.example.com" } }))).toEqual(verdict());
    const bad = checkConnectorUrls(connectorView({ url: "http://r.example.com", tenant: { apiUrl: "http://api-t.example.com" } }));
    expect(bad.violations.map((v) => v.message.split(" is ")[0])).toEqual(['CortexRegistryConnector "c": url', 'CortexRegistryConnector "c": tenant.apiUrl']);
    expect(checkConnectorUrls(connectorView({ url: UNKNOWN_STRING })).undecided).toEqual(['CortexRegistryConnector "c": url not known yet']);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the pack's own analyzer server, as `pulumi preview --policy-pack` runs it
// ---------------------------------------------------------------------------------------------

const byPolicy = (diagnostics: PolicyDiagnostic[], name: string) => diagnostics.filter((d) => d.policyName === name);

describe("the pack through its analyzer gRPC server", () => {
  let pack: PolicyHost;
  beforeAll(async () => {
    // The CLI starts a pack in its own folder, where PolicyPack reads the pack's package.json.
    pack = await PolicyHost.start(builtPath("examples/policy-pack/index.js"), { cwd: POLICY_DIR });
  });
  afterAll(async () => {
    await pack?.stop();
  });
  beforeEach(async () => {
    await pack.configure({});
  });

  it("stops a stack with 20,000 entries on one console, in the array shape and the map shape", async () => {
    for (const specifications of [entries(20_000), asMap(entries(20_000))]) {
      const diagnostics = await pack.analyzeStack([registrySettings("big", { specifications })]);
      expect(diagnostics).toEqual([
        expect.objectContaining({
          policyName: "registry-settings-max-entries",
          enforcementLevel: "mandatory",
          urn: urn(REGISTRY_SETTINGS_TYPE, "big"),
          message: expect.stringContaining('RegistrySettings "big" declares 20000 registry entries'),
        }),
      ]);
    }
  });

  it("passes 19,999 entries", async () => {
    expect(await pack.analyzeStack([registrySettings("full", { specifications: entries(19_999) })])).toEqual([]);
    expect(await pack.analyzeStack([registrySettings("full", { specifications: asMap(entries(19_999)) })])).toEqual([]);
  });

  it("honours maxEntries from the pack's config", async () => {
    await pack.configure({ "registry-settings-max-entries": { maxEntries: 100 } });
    expect(await pack.analyzeStack([registrySettings("r", { specifications: entries(100) })])).toEqual([]);
    const diagnostics = await pack.analyzeStack([registrySettings("r", { specifications: entries(101) })]);
    expect(diagnostics).toMatchObject([
      { policyName: "registry-settings-max-entries", enforcementLevel: "mandatory", message: expect.stringContaining("more than maxEntries 100") },
    ]);
  });

  it("adds up RegistrySettings that share a console across the stack", async () => {
    const consoleA = { url: "https://a.example.com" };
    const diagnostics = await pack.analyzeStack([
      registrySettings("one", { console: consoleA, specifications: entries(10_000, "one") }),
      registrySettings("two", { console: consoleA, specifications: entries(10_000, "two") }),
    ]);
    expect(byPolicy(diagnostics, "registry-settings-max-entries")).toHaveLength(1);
  });

  it.each([
    ["numDays missing", { mode: "TAGS_MODIFIED_DAYS" }, "numDays is missing"],
    ["numDays 0", { mode: "TAGS_MODIFIED_DAYS", numDays: 0 }, "numDays is 0"],
    ["numDays 91", { mode: "TAGS_MODIFIED_DAYS", numDays: 91 }, "numDays is 91"],
    ["numDays 7.5", { mode: "TAGS_MODIFIED_DAYS", numDays: 7.5 }, "numDays is 7.5"],
    ["mode ALL with numDays", { mode: "ALL", numDays: 7 }, 'numDays only applies to mode "TAGS_MODIFIED_DAYS"'],
  ])("stops a Cortex connector with %s", async (_case, initialScanConfiguration, text) => {
    const diagnostics = await pack.analyze(connector("c", { initialScanConfiguration }));
    expect(diagnostics).toEqual([
      expect.objectContaining({ policyName: "cortex-initial-scan-num-days", enforcementLevel: "mandatory", message: expect.stringContaining(text) }),
    ]);
  });

  it("passes a Cortex connector with mode TAGS_MODIFIED_DAYS and numDays 7", async () => {
    expect(await pack.analyze(connector("c", { initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 } }))).toEqual([]);
  });

  it("passes secret credentials and stops plain ones", async () => {
    expect(await pack.analyze(connector("c"))).toEqual([]);
    const plain = await pack.analyze(connector("c", { password: "hunter2", tenant: { apiUrl: "https://api-t.example.com", apiKey: markSecret("k") } }));
    expect(plain).toEqual([
      expect.objectContaining({
        policyName: "credentials-as-secrets",
        enforcementLevel: "mandatory",
        message: expect.stringContaining('CortexRegistryConnector "c": password is a plain value'),
      }),
    ]);
    expect(plain[0].message).not.toContain("hunter2");

    const console = { url: "https://console.example.com", username: "admin" };
    expect(await pack.analyze(registrySettings("r", { console: { ...console, password: markSecret("pw") }, specifications: entries(1) }))).toEqual([]);
    expect(await pack.analyze(registrySettings("r", { console: markSecret({ ...console, password: "pw" }), specifications: entries(1) }))).toEqual([]);
    expect(await pack.analyze(registrySettings("r", { console: { ...console, password: "pw" }, specifications: entries(1) }))).toMatchObject([
      { policyName: "credentials-as-secrets", enforcementLevel: "mandatory", message: expect.stringContaining("console.password is a plain value") },
    ]);
  });

  it("says it cannot decide yet, at advisory level, when a value it needs is unknown", async () => {
    const numDays = await pack.analyze(connector("c", { initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: UNKNOWN_STRING } }));
    expect(numDays).toEqual([
      expect.objectContaining({
        policyName: "cortex-initial-scan-num-days",
        enforcementLevel: "advisory",
        message: expect.stringMatching(/during preview: cannot decide yet: CortexRegistryConnector "c": initialScanConfiguration\.numDays not known yet/),
      }),
    ]);

    const password = await pack.analyze(connector("c", { password: UNKNOWN_STRING }));
    expect(password).toMatchObject([{ policyName: "credentials-as-secrets", enforcementLevel: "advisory", message: expect.stringContaining("cannot decide yet") }]);
    // A secret whose value is not known yet is still a secret.
    expect(await pack.analyze(connector("c", { password: markSecret(UNKNOWN_STRING) }))).toEqual([]);

    const stack = await pack.analyzeStack([
      registrySettings("known", { specifications: entries(19_990) }),
      registrySettings("later", { specifications: UNKNOWN_STRING }),
    ]);
    expect(stack.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["registry-settings-max-entries", "advisory"],
      ["registry-settings-unique-entries", "advisory"],
    ]);
    expect(byPolicy(stack, "registry-settings-max-entries")[0].message).toContain('cannot decide yet: the stack\'s default console (RegistrySettings without console.url): specifications of "later" not known yet');
  });

  it("stops two authoritative RegistrySettings on one console, and duplicate entries across resources", async () => {
    const authoritative = await pack.analyzeStack([
      registrySettings("a", { mode: "authoritative", specifications: entries(1, "a") }),
      registrySettings("b", { mode: "authoritative", specifications: entries(1, "b") }),
    ]);
    expect(authoritative).toMatchObject([{ policyName: "registry-settings-single-authoritative", enforcementLevel: "mandatory" }]);

    const duplicated = await pack.analyzeStack([
      registrySettings("a", { specifications: entries(3) }),
      registrySettings("b", { specifications: asMap(entries(1)) }),
    ]);
    expect(duplicated).toMatchObject([
      { policyName: "registry-settings-unique-entries", enforcementLevel: "mandatory", urn: urn(REGISTRY_SETTINGS_TYPE, "b") },
    ]);
  });

  it("warns on insecurePull and plain-http URLs at advisory level, and enforces them when configured mandatory", async () => {
    const insecure = connector("c", { insecurePull: true, url: "http://registry.example.com" });
    expect((await pack.analyze(insecure)).map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["cortex-no-insecure-pull", "advisory"],
      ["https-urls", "advisory"],
    ]);
    await pack.configure({ "cortex-no-insecure-pull": { enforcementLevel: "mandatory" }, "https-urls": { enforcementLevel: "disabled" } });
    expect((await pack.analyze(insecure)).map((d) => [d.policyName, d.enforcementLevel])).toEqual([["cortex-no-insecure-pull", "mandatory"]]);
  });
});
