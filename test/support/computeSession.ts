import { Engine, type EngineOptions } from "../../harness";
import type { Emulator, RecordedRequest } from "../../emulator";
import { requireBuilt } from "./built";

export type Sdk = typeof import("../../sdk");
export const sdk = (): Sdk => requireBuilt<Sdk>("sdk");

/** Stack config pointing at the emulator's console, as `pulumi config set` would hold it. */
export function computeConfig(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "prismaCloudCompute:url": emulator.computeUrl,
    "prismaCloudCompute:username": emulator.credentials.compute.username,
    "prismaCloudCompute:password": emulator.credentials.compute.password,
    ...extra,
  };
}

export async function startComputeEngine(emulator: Emulator, options: EngineOptions = {}): Promise<Engine> {
  return Engine.start({
    ...options,
    config: options.config ?? computeConfig(emulator),
    secretConfigKeys: ["prismaCloudCompute:password"],
  });
}

/** Registry requests only (not logins), as `METHOD path` lines. */
export function registryCalls(requests: RecordedRequest[]): string[] {
  return requests.filter((r) => r.path.endsWith("/settings/registry")).map((r) => `${r.method} ${r.status}`);
}

export interface EntryOptions {
  cap?: number;
  tag?: string;
}

/** `count` ordinary Docker Registry v2 entries named repo-0 … repo-N. */
export function declaredSpecs(count: number, overrides: Record<string, EntryOptions> = {}) {
  const { RegistrySpecification } = sdk();
  return Array.from({ length: count }, (_, i) => {
    const name = `repo-${i}`;
    return new RegistrySpecification(name, {
      version: "2",
      registry: "registry.example.com",
      repository: `team/repo-${i}`,
      tag: overrides[name]?.tag ?? "latest",
      os: "linux",
      cap: overrides[name]?.cap ?? 5,
      scanners: 2,
      collections: ["All"],
      credentialId: "example-registry",
    });
  });
}

/** An entry someone added in the console, with a field newer than this package's model. */
export function consoleOnlyEntry(repository: string): Record<string, unknown> {
  return { version: "2", registry: "registry.example.com", repository, tag: "stable", os: "linux", cap: 1, futureField: { keep: repository } };
}

/** The names whose entry differs between two name-keyed maps: what a reviewer sees in the preview. */
export function changedEntryNames(olds: unknown, news: unknown): { added: string[]; removed: string[]; changed: string[] } {
  const a = (olds ?? {}) as Record<string, unknown>;
  const b = (news ?? {}) as Record<string, unknown>;
  return {
    added: Object.keys(b).filter((k) => !(k in a)),
    removed: Object.keys(a).filter((k) => !(k in b)),
    changed: Object.keys(b).filter((k) => k in a && JSON.stringify(a[k]) !== JSON.stringify(b[k])),
  };
}
