import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { computeConfig, declaredSpecs, sdk, startComputeEngine } from "./support/computeSession";
import { connectors, REGISTRY_TOKEN, startCortexEngine } from "./support/cortexSession";
import { useEmulatorSession } from "./support/emulatorSession";
import { leaksSecret } from "./support/secretTraces";

const { RegistrySettings, RegistrySpecification } = sdk();

/** An API that quotes the request back in its error, authorization header and body included. */
const session = useEmulatorSession({ compute: { password: 'console "pass"/+w0rd é' } });

const CA_CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ0VSVElGSUNBVEUtRk9SLVRFU1RTMAoGCCqGSM49BAMC\n-----END CERTIFICATE-----";

describe("secrets an API quotes back in an error", () => {
  it("never reach the message or the provider host's output: console password over HTTP Basic, an entry's caCert", async () => {
    const password = session.emulator.credentials.compute.password;
    session.engine = await startComputeEngine(session.emulator, { config: computeConfig(session.emulator, { "prismaCloudCompute:auth": "basic" }) });
    session.emulator.faults.failNext(50, 500, { api: "compute", method: "PUT", quoteRequest: true });
    const program = () =>
      void new RegistrySettings("compute", {
        specifications: [...declaredSpecs(1), new RegistrySpecification("private", { version: "2", registry: "registry.internal", repository: "x", caCert: CA_CERT })],
      });
    const error = await session.engine.up(program).catch((e: Error) => e);
    const message = String(error);
    expect(message).toMatch(/HTTP 500: injected fault: HTTP 500 while handling authorization "Basic [A-Za-z0-9+/]*\[secret\]" and body .*\[secret\]/s);
    for (const secret of [password, CA_CERT]) {
      expect(leaksSecret(message, secret)).toBe(false);
      expect(leaksSecret(session.engine.host.output(), secret)).toBe(false);
    }
    // What the emulator recorded holds none of them either, in any form.
    expect(leaksSecret(JSON.stringify(session.emulator.requests()), password)).toBe(false);
  });

  it("never reach the message: a connector's password, token and CA certificate, JSON-escaped in the quoted body", async () => {
    session.engine = await startCortexEngine(session.emulator, { keyType: "standard" });
    session.emulator.faults.failNext(50, 500, { api: "cortex", method: "POST", quoteRequest: true });
    const registryPassword = 'reg "pass"\\word';
    const error = await session.engine
      .up(connectors({ harbor: { password: pulumi.secret(registryPassword), caCertificate: pulumi.secret(CA_CERT) } }))
      .catch((e: Error) => e);
    const message = String(error);
    expect(message).toMatch(/HTTP 500 \(.*injected fault: HTTP 500 while handling authorization "\[secret\]" and body .*"password":"\[secret\]","auth_token":"\[secret\]"/);
    for (const secret of [registryPassword, REGISTRY_TOKEN, CA_CERT, session.emulator.credentials.cortex.standard.apiKey]) {
      expect(leaksSecret(message, secret)).toBe(false);
      expect(leaksSecret(session.engine.host.output(), secret)).toBe(false);
      // The unconfirmed record the failed create leaves in the state holds none of them either.
      expect(leaksSecret(session.engine.checkpointText(), secret)).toBe(false);
    }
    expect(session.engine.find("harbor")?.id).toMatch(/^unconfirmed-create-/);
  });
});
