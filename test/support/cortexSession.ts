import * as pulumi from "@pulumi/pulumi";
import { Engine, type EngineOptions } from "../../harness";
import type { Emulator, RecordedRequest } from "../../emulator";
import type { CortexRegistryConnectorArgs } from "../../sdk";
import { requireBuilt } from "./built";

export type Sdk = typeof import("../../sdk");
export const sdk = (): Sdk => requireBuilt<Sdk>("sdk");

export type KeyType = "advanced" | "standard";

export const INSTANCES_PATH = "/public_api/v1/cwp/registry_onboarding/instances";

/** The registry credentials every test connector uses: easy to look for wherever they must not appear. */
export const REGISTRY_PASSWORD = "registry-password-4f9c2e71";
export const REGISTRY_TOKEN = "registry-token-a83d10b6";

/** Stack config pointing at the emulator's tenant, as `pulumi config set` would hold it. */
export function cortexConfig(emulator: Emulator, keyType: KeyType = "advanced"): Record<string, string> {
  const key = emulator.credentials.cortex[keyType];
  return {
    "cortex:apiUrl": emulator.cortexUrl,
    "cortex:apiKey": key.apiKey,
    "cortex:apiKeyId": key.apiKeyId,
    "cortex:apiKeyType": keyType,
  };
}

export async function startCortexEngine(emulator: Emulator, options: EngineOptions & { keyType?: KeyType } = {}): Promise<Engine> {
  const { keyType, ...engineOptions } = options;
  return Engine.start({
    ...engineOptions,
    config: engineOptions.config ?? cortexConfig(emulator, keyType),
    secretConfigKeys: ["cortex:apiKey"],
  });
}

/** A Harbor connector like the README's, secrets marked as `config.requireSecret` would mark them. */
export function harborArgs(overrides: Partial<CortexRegistryConnectorArgs> = {}): CortexRegistryConnectorArgs {
  return {
    vendor: "HARBOR",
    name: "harbor-prod",
    url: "https://harbor.example.com",
    username: "robot$scanner",
    password: pulumi.secret(REGISTRY_PASSWORD),
    authToken: pulumi.secret(REGISTRY_TOKEN),
    scanningMode: "CLOUD",
    cloudProvider: "AWS",
    region: "us-east-1",
    insecurePull: false,
    registryType: "SELF_HOSTED",
    initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 7 },
    filterType: "INCLUDE",
    assetScopeFilters: { AND: [{ SEARCH_FIELD: "Registry", SEARCH_TYPE: "EQ", SEARCH_VALUE: "library/ubuntu" }] },
    ...overrides,
  };
}

/** A program declaring one connector per entry, named as given. */
export function connectors(declared: Record<string, Partial<CortexRegistryConnectorArgs>>, opts: Record<string, pulumi.CustomResourceOptions> = {}) {
  const { CortexRegistryConnector } = sdk();
  return () => {
    for (const [name, overrides] of Object.entries(declared)) {
      new CortexRegistryConnector(name, harborArgs({ name, ...overrides }), opts[name]);
    }
  };
}

/** Connector requests as `METHOD STATUS` lines, in arrival order. */
export function connectorCalls(requests: RecordedRequest[]): string[] {
  return requests.filter((r) => r.path.startsWith(INSTANCES_PATH)).map((r) => `${r.method} ${r.status}`);
}

/** The connector body the emulator stored for a connector named `name`. */
export function storedBody(emulator: Emulator, name: string): Record<string, unknown> | undefined {
  return emulator.cortex.connectors().find((c) => c.body.name === name)?.body;
}

/** Deletes a connector as someone in the console would, behind the stack's back. */
export async function deleteOutOfBand(emulator: Emulator, connectorId: string): Promise<void> {
  const { apiKey, apiKeyId } = emulator.credentials.cortex.standard;
  const response = await fetch(`${emulator.cortexUrl}${INSTANCES_PATH}/${encodeURIComponent(connectorId)}`, {
    method: "DELETE",
    headers: { authorization: apiKey, "x-xdr-auth-id": apiKeyId },
  });
  if (response.status !== 200) throw new Error(`out-of-band delete of ${connectorId} answered ${response.status}`);
}
