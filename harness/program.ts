import type { PropertyMap } from "./secrets";

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** Inputs as the language host sends them to the engine: secrets still marked, `__provider` serialized. */
  inputs: PropertyMap;
  /** The `import` resource option's id, when the program set one. */
  importId?: string;
}

export interface ProgramOptions {
  project?: string;
  stack?: string;
  /** Stack config as `pulumi config` holds it (`ns:key` → value). */
  config?: Record<string, string>;
  /** Keys of `config` that are secrets, so `Config.requireSecret` marks them as the CLI would. */
  secretConfigKeys?: string[];
}

export type Program = () => void | Promise<void>;

/**
 * Runs a Pulumi program with the SDK's own mock monitor standing in for the
 * engine, and returns every resource it registered with its real inputs,
 * including the dynamic provider the SDK serialized.
 */
export async function captureProgram(program: Program, options: ProgramOptions = {}): Promise<CapturedResource[]> {
  // The SDK's mocks and config are process-wide: two engines running programs at once
  // (two stacks racing) take turns here, as two `pulumi up` processes never share them.
  const turn = captureQueue.then(() => captureAlone(program, options));
  captureQueue = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

let captureQueue: Promise<void> = Promise.resolve();

async function captureAlone(program: Program, options: ProgramOptions): Promise<CapturedResource[]> {
  // Loaded natively (not through the test runner's transform) so that closure
  // serialization sees the same module objects a real `pulumi up` would.
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  const config = require("@pulumi/pulumi/runtime/config") as {
    setAllConfig(c: Record<string, string>, secretKeys?: string[]): void;
  };
  const project = options.project ?? "registry-scanning-test";
  const stack = options.stack ?? "test";
  config.setAllConfig(options.config ?? {}, options.secretConfigKeys ?? []);

  const captured: CapturedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const urn = `urn:pulumi:${stack}::${project}::${args.type}::${args.name}`;
        const resource: CapturedResource = { type: args.type, name: args.name, urn, custom: args.custom ?? true, inputs: args.inputs as PropertyMap };
        // The SDK's mock monitor hands the `import` option's id over as `id`.
        if (args.id) resource.importId = args.id;
        captured.push(resource);
        return { id: `${args.name}-preview-id`, state: args.inputs as PropertyMap };
      },
      call: () => ({}),
    },
    project,
    stack,
    false,
  );
  await program();
  await settings.waitForRPCs();
  return captured;
}
