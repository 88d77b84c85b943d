import { afterAll, beforeAll } from "vitest";
import { startEmulator, type Emulator, type RecordedRequest } from "../../../emulator";
import { computeConfig } from "../../support/computeSession";
import { fixtureCredentials } from "../../support/consoleSeeds";
import { cortexConfig } from "../../support/cortexSession";

/** One emulator per test file, for the real CLI's projects to talk to. */
export function useEmulator(): { readonly emulator: Emulator } {
  const session = {} as { emulator: Emulator };
  beforeAll(async () => {
    session.emulator = await startEmulator({ compute: { credentials: fixtureCredentials() } });
  });
  afterAll(async () => {
    await session.emulator?.close();
  });
  return session;
}

/** The stack config a user sets for the emulator: plain values, and the two API secrets. */
export function emulatorConfig(emulator: Emulator): { config: Record<string, string>; secrets: Record<string, string> } {
  const { "prismaCloudCompute:password": password, ...compute } = computeConfig(emulator);
  const { "cortex:apiKey": apiKey, ...cortex } = cortexConfig(emulator);
  return { config: { ...compute, ...cortex }, secrets: { "prismaCloudCompute:password": password, "cortex:apiKey": apiKey } };
}

/**
 * The registry requests of a \`pulumi up\` that writes once: a read per check
 * (its preview, then its update), then read, write, verify and the settle re-read.
 */
export const UP_WITH_ONE_WRITE = ["GET 200", "GET 200", "GET 200", "PUT 200", "GET 200", "GET 200"];

export function writes(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/authenticate"));
}

/** Every secret value of a session, to look for where none may appear. */
export function secretValuesOf(...maps: Record<string, string>[]): string[] {
  return maps.flatMap((m) => Object.values(m));
}

/** The same emulator as the provider plugin's configuration (`registryscanning:*`), as a YAML or Python user sets it. */
export function pluginConfig(emulator: Emulator): { config: Record<string, string>; secrets: Record<string, string> } {
  const key = emulator.credentials.cortex.advanced;
  return {
    config: {
      "registryscanning:computeUrl": emulator.computeUrl,
      "registryscanning:computeUsername": emulator.credentials.compute.username,
      "registryscanning:cortexApiUrl": emulator.cortexUrl,
      "registryscanning:cortexApiKeyId": key.apiKeyId,
      "registryscanning:cortexApiKeyType": "advanced",
    },
    secrets: { "registryscanning:computePassword": emulator.credentials.compute.password, "registryscanning:cortexApiKey": key.apiKey },
  };
}
