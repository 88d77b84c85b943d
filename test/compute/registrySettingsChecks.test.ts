/**
 * The bad-input corpus for RegistrySettings: each case is refused before any
 * request reaches the console, with a message that names the field, the rule
 * and the value (never a secret's).
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { CheckFailedError, type Engine } from "../../harness";
import { sdk, startComputeEngine } from "../support/computeSession";

const { RegistrySettings, RegistrySpecification } = sdk();

let emulator: Emulator;
let engine: Engine;
beforeAll(async () => {
  emulator = await startEmulator();
  engine = await startComputeEngine(emulator);
});
afterAll(async () => {
  await engine?.stop();
  await emulator?.close();
});

type Fields = Record<string, unknown>;
type Settings = Record<string, unknown>;

const BASE: Fields = { version: "2", registry: "registry.example.com", repository: "team/app", tag: "latest", os: "linux", cap: 5 };
/** One entry "e" with `overrides` on a valid base. */
const entry = (overrides: Fields): Settings => ({ specifications: [new RegistrySpecification("e", { ...BASE, ...overrides } as never)] });
/** The settings with `overrides` on one valid entry. */
const settings = (overrides: Settings): Settings => ({ ...entry({}), ...overrides });
/** A console argument, the rest of it valid, pointing at a console nothing listens on. */
const consoleArg = (overrides: Fields): Settings => settings({ console: { url: "https://console.example.com", username: "admin", password: "console-pw-8d1c", ...overrides } });

function nestedObject(depth: number): Fields {
  let node: Fields = { leaf: true };
  for (let i = 0; i < depth; i++) node = { inner: node };
  return node;
}

/** Runs `up` and returns what stopped it; fails if anything reached the console. */
async function refused(args: Settings): Promise<Error> {
  emulator.clearRequests();
  const error = await engine.up(() => void new RegistrySettings("compute", args as never)).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect(emulator.requests()).toEqual([]);
  expect(emulator.compute.entries()).toEqual([]);
  return error as Error;
}

const checkCases: [string, Settings, RegExp][] = [
  // Entry fields.
  ["a missing version", entry({ version: undefined }), /specifications\[e\]\.version: is required: one of .*"aws", "azure", .*"sonatype"/],
  ["an unknown version", entry({ version: "quay" }), /specifications\[e\]\.version: must be one of .*"aws", .*, not "quay"/],
  ["an unknown os", entry({ os: "mac" }), /specifications\[e\]\.os: must be one of "linux", "linuxARM64", "windows", not "mac"/],
  ["a negative cap", entry({ cap: -1 }), /specifications\[e\]\.cap: must not be negative/],
  ["a fractional cap", entry({ cap: 1.5 }), /specifications\[e\]\.cap: must be an integer/],
  ["a cap given as a string", entry({ cap: "5" }), /specifications\[e\]\.cap: must be a number, not string "5"/],
  ["a NaN cap", entry({ cap: NaN }), /specifications\[e\]\.cap: must be a finite number, not NaN/],
  ["an infinite scanners known only at apply", entry({ scanners: pulumi.output(Infinity) }), /specifications\[e\]\.scanners: must be a finite number, not Infinity/],
  ["negative scanners", entry({ scanners: -2 }), /specifications\[e\]\.scanners: must not be negative/],
  ["a 1 MB repository", entry({ repository: "r".repeat(1 << 20) }), /specifications\[e\]\.repository: must be at most 255 characters, not 1048576/],
  ["a tag over 128 characters", entry({ tag: "t".repeat(200) }), /specifications\[e\]\.tag: must be at most 128 characters, not 200/],
  ["a registry address over 260 characters", entry({ registry: `${"r".repeat(300)}.example.com` }), /specifications\[e\]\.registry: must be at most 260 characters, not 312/],
  ["a namespace given as a number", entry({ namespace: 7 }), /specifications\[e\]\.namespace: must be a string, not number 7/],
  ["collections as a string", entry({ collections: "All" }), /specifications\[e\]\.collections: must be an array, not string "All"/],
  ["a number among collections", entry({ collections: ["All", 3] }), /specifications\[e\]\.collections\[1\]: must be a string, not number 3/],
  ["10,001 collections", entry({ collections: Array.from({ length: 10_001 }, (_, i) => `c${i}`) }), /specifications\[e\]\.collections: must hold at most 10000 items, not 10001/],
  ["an excluded tag over 128 characters", entry({ excludedTags: ["ok", "x".repeat(129)] }), /specifications\[e\]\.excludedTags\[1\]: must be at most 128 characters, not 129/],
  ["an unknown jfrogRepoTypes value", entry({ version: "jfrog", jfrogRepoTypes: ["cloud"] }), /specifications\[e\]\.jfrogRepoTypes\[0\]: must be one of "local", "remote", "virtual", not "cloud"/],
  ["harborDeploymentSecurity as a string", entry({ harborDeploymentSecurity: "yes" }), /specifications\[e\]\.harborDeploymentSecurity: must be a boolean, not string "yes"/],
  ["gitlab without its spec", entry({ version: "gitlab" }), /specifications\[e\]\.gitlabRegistrySpec: is required for version "gitlab", with at least one of userId/],
  ["gitlab with an empty spec", entry({ version: "gitlab", gitlabRegistrySpec: { projectIds: [] } }), /specifications\[e\]\.gitlabRegistrySpec: is required for version "gitlab"/],
  ["a gitlab field in the API's spelling", entry({ version: "gitlab", gitlabRegistrySpec: { userID: "1" } }), /specifications\[e\]\.gitlabRegistrySpec\.userID: is not a known field; check its spelling/],
  ["credentialID in the API's spelling", entry({ credentialID: "ecr" }), /specifications\[e\]\.credentialID: is not a known field; check its spelling/],
  ["an embedded credential", entry({ credential: { type: "basic" } }), /specifications\[e\]\.credential: embedded credentials are not supported/],
  ["azureCloudMetadata nested 200 deep", entry({ azureCloudMetadata: nestedObject(200) }), /specifications\[e\]\.azureCloudMetadata(\.inner){16}: is nested deeper than 16 levels/],
  ["azureCloudMetadata with a constructor key", entry({ azureCloudMetadata: { constructor: "x" } }), /specifications\[e\]\.azureCloudMetadata\.constructor: "constructor" is a reserved key; rename it/],
  ["azureCloudMetadata with an own __proto__ key", entry({ azureCloudMetadata: JSON.parse('{"ok":1,"__proto__":{"polluted":true}}') }), /specifications\[e\]\.azureCloudMetadata\.__proto__: "__proto__" is a reserved key/],
  ["azureCloudMetadata as a list", entry({ azureCloudMetadata: ["region"] }), /specifications\[e\]\.azureCloudMetadata: must be an object, not an array/],
  ["a credentialId over 1,024 characters", entry({ credentialId: "c".repeat(2000) }), /specifications\[e\]\.credentialId: must be at most 1024 characters, not 2000/],
  ["a versionPattern over 1,024 characters", entry({ versionPattern: "v".repeat(1025) }), /specifications\[e\]\.versionPattern: must be at most 1024 characters, not 1025/],
  ["a caCert given as a number", entry({ caCert: 12345 }), /specifications\[e\]\.caCert: must be a string\n|specifications\[e\]\.caCert: must be a string$/m],
  ["a caCert over 256 KiB", entry({ caCert: "c".repeat(300_000) }), /specifications\[e\]\.caCert: must be at most 262144 characters/],
  [
    "two entries for one registry, repository, tag and OS",
    { specifications: [new RegistrySpecification("a", BASE as never), new RegistrySpecification("b", { ...BASE, cap: 9 } as never)] },
    /specifications\[b\]: targets the same registry, repository, tag and OS \(2 registry\.example\.com\/team\/app:latest \(linux\)\) as specifications\[a\]/,
  ],
  ["an entry name over 256 characters", { specifications: [new RegistrySpecification("n".repeat(300), BASE as never)] }, /specifications\[n{40}\.\.\.\]: the name must be at most 256 characters, not 300/],
  // The resource's own arguments.
  ["no specifications", { specifications: null }, /compute: specifications: is required: a list of RegistrySpecification/],
  ["specifications as a string", { specifications: "ubuntu" }, /compute: specifications: must be a list of RegistrySpecification/],
  ["specifications as an output of null", { specifications: pulumi.output(null) }, /compute: specifications: is required: a list of RegistrySpecification/],
  ["an unknown mode", settings({ mode: "strict" }), /compute: mode: must be one of "managed", "authoritative", not "strict"/],
  ["an unknown releaseAdopted", settings({ releaseAdopted: "keep" }), /compute: releaseAdopted: must be one of "restore", "delete", not "keep"/],
  ["scanLater as a string", settings({ scanLater: "yes" }), /compute: scanLater: must be a boolean, not string "yes"/],
  ["a console URL that is not a URL", consoleArg({ url: "console example com" }), /compute: console\.url: must be an http\(s\) URL/],
  ["a console URL with another scheme", consoleArg({ url: "ftp://console.example.com" }), /compute: console\.url: must be an http\(s\) URL/],
  ["an empty console username", consoleArg({ username: "" }), /compute: console\.username: must not be empty/],
  ["an empty console password", consoleArg({ password: "" }), /compute: console\.password: must not be empty/],
  ["a console password over 16 KiB", consoleArg({ password: "p".repeat(20_000) }), /compute: console\.password: must be at most 16384 characters/],
  ["an unknown apiVersion", consoleArg({ apiVersion: "latest" }), /compute: console\.apiVersion: must be v1 or a pinned release such as v34\.04/],
  ["an unknown auth mode", consoleArg({ auth: "oauth" }), /compute: console\.auth: must be one of "token", "basic", not "oauth"/],
  ["an empty project", consoleArg({ project: " " }), /compute: console\.project: must not be empty/],
  ["a misspelt console field", consoleArg({ passwd: "x" }), /compute: console\.passwd: is not a known field; check its spelling/],
  ["a console caCert given as a number", consoleArg({ caCert: 7 }), /compute: console\.caCert: must be a string/],
];

const programCases: [string, () => unknown[], RegExp][] = [
  ["an entry that is null", () => [null], /RegistrySettings "compute": specifications\[0\] is null, not a RegistrySpecification/],
  ["an entry given as a plain string", () => ["ubuntu"], /RegistrySettings "compute": specifications\[0\] is a string, not a RegistrySpecification/],
  ["an entry without a name", () => [new RegistrySpecification("", BASE as never)], /RegistrySettings "compute": specification 0 has no name/],
  ["an entry named constructor", () => [new RegistrySpecification("constructor", BASE as never)], /specification 0 is named "constructor", a reserved name; choose another/],
  ["two entries with one name", () => [new RegistrySpecification("x", BASE as never), new RegistrySpecification("x", { ...BASE, tag: "2" } as never)], /specifications 0 and 1 are both named "x"/],
];

describe("RegistrySettings refuses bad input before any request", () => {
  it.each(checkCases)("in check: %s", async (_case, args, message) => {
    const error = await refused(args);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("console-pw-8d1c");
  });

  it.each(programCases)("in the program: %s", async (_case, specifications, message) => {
    const error = await refused({ specifications: specifications() });
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error.message).toMatch(message);
  });

  it("reports every problem of every entry at once", async () => {
    const error = await refused({
      specifications: [new RegistrySpecification("a", { ...BASE, cap: -1, os: "mac" } as never), new RegistrySpecification("b", { ...BASE, tag: 5 } as never)],
      mode: "strict",
    });
    expect(error.message.split("\n").slice(1).map((line) => line.replace(/^\s+\S+: /, "").split(": ")[0])).toEqual([
      "mode",
      "specifications[a].os",
      "specifications[a].cap",
      "specifications[b].tag",
    ]);
  });
});
