import * as fs from "node:fs";
import * as path from "node:path";
import { Engine, type EngineOptions, type EnforcementLevel, type PolicyConfig, type Program } from "../../harness";
import type { Emulator } from "../../emulator";
import { requireBuilt } from "./built";
import { computeConfig } from "./computeSession";
import { cortexConfig } from "./cortexSession";

const EXAMPLES_DIR = path.resolve(__dirname, "..", "..", "examples");

export type ExampleName = "quickstart" | "bulk-inventory" | "cortex-connectors" | "policy-gating";

/** A file of an example's source folder (examples/<name>/<file>). */
export function exampleFile(example: ExampleName, file: string): string {
  return path.join(EXAMPLES_DIR, example, file);
}

/** The example's project name, from its Pulumi.yaml: the namespace of its own stack config keys. */
export function exampleProject(example: ExampleName): string {
  const yaml = fs.readFileSync(exampleFile(example, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*(\S+)\s*$/m.exec(yaml)?.[1];
  if (!name) throw new Error(`examples/${example}/Pulumi.yaml has no top-level name`);
  return name;
}

/** The example's compiled program module (dist/examples/<name>/program.js), loaded natively as `pulumi up` would. */
export function exampleProgram<T>(example: ExampleName): T {
  return requireBuilt<T>(path.join("examples", example, "program"));
}

/** A recognisable value for each of the example's own secret config keys, as `pulumi config set --secret` would hold it. */
export function secretValues(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, `${key}-value-6b1e`]));
}

export interface ExampleEngineOptions extends Omit<EngineOptions, "project" | "config" | "secretConfigKeys"> {
  /** The example's own secret config keys (un-namespaced) and their values. */
  secrets?: Record<string, string>;
  /** The example's own plain config keys (un-namespaced). */
  config?: Record<string, string>;
}

/**
 * An engine for an example's stack: its project name, its own config under
 * `<project>:`, and `prismaCloudCompute:*` and `cortex:*` pointing at the emulator.
 */
export async function startExampleEngine(emulator: Emulator, example: ExampleName, options: ExampleEngineOptions = {}): Promise<Engine> {
  const { secrets = {}, config = {}, ...engineOptions } = options;
  const project = exampleProject(example);
  const namespaced = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`${project}:${k}`, v]));
  return Engine.start({
    ...engineOptions,
    project,
    config: { ...computeConfig(emulator), ...cortexConfig(emulator), ...namespaced(config), ...namespaced(secrets) },
    secretConfigKeys: ["prismaCloudCompute:password", "cortex:apiKey", ...Object.keys(namespaced(secrets))],
  });
}

/** Wraps an example's program function (which returns its resources) as a harness program. */
export function asProgram(run: () => unknown): Program {
  return () => void run();
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "disabled", "remediate"] satisfies EnforcementLevel[];

/**
 * A `--policy-pack-config` file as `PolicyHost.configure` takes it: a policy's
 * value is either its enforcement level ("mandatory") or an object of options
 * with an optional `enforcementLevel`.
 */
export function readPolicyConfig(file: string): PolicyConfig {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(raw).map(([policy, value]) => {
      if (typeof value === "string") {
        if (!LEVELS.includes(value)) throw new Error(`${file}: ${policy}: unknown enforcement level "${value}"`);
        return [policy, { enforcementLevel: value as EnforcementLevel }];
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${file}: ${policy}: expected a level or an object`);
      return [policy, value as PolicyConfig[string]];
    }),
  );
}
