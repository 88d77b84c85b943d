import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { CheckFailedError } from "../../harness";
import { sdk, startComputeEngine } from "../support/computeSession";
import { useEmulatorSession } from "../support/emulatorSession";
import { leaksSecret } from "../support/secretTraces";

const session = useEmulatorSession();
const { ComputeCredential, RegistrySettings, RegistrySpecification } = sdk();

const PASSWORD = "registry-robot-pw-5d1f9a";
const NEW_PASSWORD = "registry-robot-pw-rotated-77b2";

type CredentialArgs = ConstructorParameters<typeof ComputeCredential>[1];

/** A credential "team-registry" and, optionally, the stack's one entry using it by name. */
function program(credential: Partial<Record<string, unknown>> = {}, withEntry = true) {
  return () => {
    new ComputeCredential("cred", { credentialId: "team-registry", kind: "basic", username: "robot", password: PASSWORD, ...credential } as CredentialArgs);
    if (!withEntry) return;
    new RegistrySettings("compute", {
      specifications: [
        new RegistrySpecification("app", { version: "2", registry: "registry.example.com", repository: "team/app", os: "linux", credentialId: "team-registry" }),
      ],
    });
  };
}

const credentialCalls = () => session.emulator.requests().filter((r) => r.path.includes("/credentials")).map((r) => `${r.method} ${r.status}`);

describe("ComputeCredential", () => {
  // An empty store: these tests make their own credential.
  beforeEach(() => session.emulator.compute.setCredentials([]));

  it("creates the credential an entry names, its password stored by the console and never in clear in the state or the requests", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    await session.engine.up(program({}, false));
    await session.engine.up(program());

    const [stored] = session.emulator.compute.credentials();
    expect(stored).toMatchObject({ _id: "team-registry", type: "basic", accountID: "robot", secret: { plain: PASSWORD } });
    expect(credentialCalls().filter((c) => c.startsWith("POST"))).toEqual(["POST 200"]);
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining({ repository: "team/app", credentialID: "team-registry" })]);
    expect(leaksSecret(session.engine.checkpointText(), PASSWORD)).toBe(false);
    expect(leaksSecret(JSON.stringify(session.emulator.requests()), PASSWORD)).toBe(false);
  });

  it("changes the secret with one write, and a rerun writes nothing", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(program({}, false));
    await session.engine.up(program());
    session.emulator.clearRequests();
    await session.engine.up(program({ password: NEW_PASSWORD }));
    expect(credentialCalls().filter((c) => c.startsWith("POST"))).toEqual(["POST 200"]);
    expect(session.emulator.compute.credentials()[0]).toMatchObject({ secret: { plain: NEW_PASSWORD } });
    expect(leaksSecret(session.engine.checkpointText(), NEW_PASSWORD)).toBe(false);

    session.emulator.clearRequests();
    const again = await session.engine.up(program({ password: NEW_PASSWORD }));
    expect(again.steps.find((s) => s.name === "cred")?.op).toBe("same");
    expect(credentialCalls().filter((c) => !c.startsWith("GET"))).toEqual([]);
  });

  it("refuses to delete the credential while an entry outside the stack uses it, naming that entry, and deletes it once unused", async () => {
    session.engine = await startComputeEngine(session.emulator);
    // Credential first, then the entry: the harness destroys in reverse, as the engine does along dependencies.
    await session.engine.up(program({}, false));
    await session.engine.up(program());
    const outside = { version: "2", registry: "registry.example.com", repository: "ops/other", os: "linux", credentialID: "team-registry" };
    session.emulator.compute.setEntries([...session.emulator.compute.entries(), outside]);

    const error = await session.engine.destroy().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/Credential "team-registry" in the console .* is still used by 1 thing, so it was not deleted:\n {2}- registry: registry\.example\.com\/ops\/other/);
    expect(session.emulator.compute.credentials()).toHaveLength(1);
    // The stack's own entry went first; the one outside is untouched.
    expect(session.emulator.compute.entries()).toEqual([expect.objectContaining(outside)]);

    session.emulator.compute.setEntries([]);
    await session.engine.destroy();
    expect(session.emulator.compute.credentials()).toEqual([]);
  });

  it("leaves a credential the store already holds alone unless adopt is set, then writes it as declared", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.compute.setCredentials([{ _id: "team-registry", type: "basic", accountID: "someone", secret: { plain: "their-password-0c3e" } }]);
    const error = await session.engine.up(program({}, false)).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/already holds a credential "team-registry", which this stack did not create, so it was left as it is\. .*adopt: true/);
    expect(session.emulator.compute.credentials()[0]).toMatchObject({ accountID: "someone", secret: { plain: "their-password-0c3e" } });

    await session.engine.up(program({ adopt: true }, false));
    expect(session.emulator.compute.credentials()[0]).toMatchObject({ accountID: "robot", secret: { plain: PASSWORD } });
  });

  it("changes the kind in place, with the console's type and fields of the new kind", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(program({}, false));
    const plan = await session.engine.up(() => void new ComputeCredential("cred", { credentialId: "team-registry", kind: "gitlabToken", token: pulumi.secret("glpat-token-91ac") }));
    expect(plan.steps.find((s) => s.name === "cred")?.op).toBe("update");
    const [stored] = session.emulator.compute.credentials();
    expect(stored).toMatchObject({ _id: "team-registry", type: "gitlabToken", apiToken: { plain: "glpat-token-91ac" } });
    expect(stored).not.toHaveProperty("accountID");
    expect(stored).not.toHaveProperty("secret");
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ["a missing field of the kind", { kind: "azureServicePrincipal", clientId: "c", tenantId: "t" }, /cred: clientSecret: is required for kind azureServicePrincipal/],
    ["a field of another kind", { kind: "basic", username: "u", password: "p", roleArn: "arn:aws:iam::123456789012:role/x" }, /cred: roleArn: does not apply to kind basic, which takes username, password/],
    ["an unknown kind", { kind: "kerberos" }, /cred: kind: must be one of "basic", "awsAccessKey", .*"gitlabToken", not "kerberos"/],
    ["an empty credentialId", { credentialId: "", kind: "gitlabToken", token: "t" }, /cred: credentialId: must not be empty/],
    ["a role that is not an IAM role ARN", { kind: "awsRole", roleArn: "my-role" }, /cred: roleArn: must be an IAM role ARN/],
    ["a GCP key that is not a service account key", { kind: "gcpServiceAccount", serviceAccountKey: '{"secret-ish":"value-3f1e"}' }, /cred: serviceAccountKey: must be a service account's JSON key/],
    ["an empty password", { kind: "basic", username: "u", password: "" }, /cred: password: must not be empty/],
  ];
  it.each(refusals)("refuses %s in check, naming the field and the kind, before any request", async (_case, args, message) => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    const error = await session.engine.up(() => void new ComputeCredential("cred", { credentialId: "team-registry", ...args } as CredentialArgs)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("value-3f1e");
    expect(session.emulator.requests()).toEqual([]);
  });
});

describe("a registry entry's credentialId, in check", () => {
  const entry = (credentialId: string, cap = 5) => () =>
    void new RegistrySettings("compute", {
      specifications: [new RegistrySpecification("app", { version: "2", registry: "registry.example.com", repository: "team/app", os: "linux", cap, credentialId })],
    });

  it("refuses a credential the console's store does not hold, naming what it holds, before any write", async () => {
    session.engine = await startComputeEngine(session.emulator);
    session.emulator.clearRequests();
    const error = await session.engine.up(entry("missing-robot")).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as Error).message).toMatch(
      /specifications\[app\]\.credentialId: the console has no credential "missing-robot" \(its store holds "example-registry", .*\)\. Fix the name, or create it first: give the entry a ComputeCredential's id/,
    );
    expect(session.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/authenticate"))).toEqual([]);
    expect(session.emulator.compute.entries()).toEqual([]);
  });

  it("judges only new and changed entries: one whose credential went away later still previews, until it is edited", async () => {
    session.engine = await startComputeEngine(session.emulator);
    await session.engine.up(entry("example-registry"));
    session.emulator.compute.setCredentials([]);
    session.emulator.clearRequests();
    await session.engine.preview(entry("example-registry"));
    expect(credentialCalls()).toEqual([]);
    const error = await session.engine.preview(entry("example-registry", 9)).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/the console has no credential "example-registry" \(its store holds none\)/);
  });
});
