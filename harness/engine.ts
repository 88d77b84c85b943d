import { isDeepStrictEqual } from "node:util";
import { captureProgram, type CapturedResource, type Program, type ProgramOptions } from "./program";
import { ProviderHost, ResourceInitFailedError, type CheckFailure, type DiffResult, type ResourceRef } from "./providerHost";
import type { PolicyHost, PolicyDiagnostic } from "./policyHost";
import { secretKeys, unwrapSecrets, type PropertyMap } from "./secrets";

/** One resource as the engine's checkpoint holds it. */
export interface ResourceState extends ResourceRef {
  id: string;
  /** Inputs as returned by Check (the engine diffs against these next time). */
  inputs: PropertyMap;
  outputs: PropertyMap;
  /** Top-level keys the checkpoint stores encrypted, in inputs and outputs, because the program passed secrets there. */
  secretKeys: string[];
}

export type StepOp = "create" | "import" | "update" | "replace" | "delete" | "same" | "refresh" | "gone";

export interface Step extends ResourceRef {
  op: StepOp;
  diff?: DiffResult;
  /** For an import: the id given in the `import` resource option. */
  importId?: string;
  /** Inputs (checked) the step applies, and the state before it, so a test can show what a reviewer would read. */
  news?: PropertyMap;
  olds?: PropertyMap;
}

export interface Plan {
  steps: Step[];
  diagnostics: PolicyDiagnostic[];
}

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

export class CheckFailedError extends Error {
  constructor(readonly failures: (CheckFailure & { urn: string })[]) {
    super(
      "preview failed: the provider rejected the inputs\n" +
        failures.map((f) => `  ${f.urn}: ${f.property ? `${f.property}: ` : ""}${f.reason}`).join("\n"),
    );
    this.name = "CheckFailedError";
  }
}

export class PolicyViolationError extends Error {
  constructor(readonly diagnostics: PolicyDiagnostic[]) {
    super(
      "preview failed: mandatory policy violations\n" +
        diagnostics.map((d) => `  [${d.enforcementLevel}] ${d.policyName} (${d.urn || "stack"}): ${d.message}`).join("\n"),
    );
    this.name = "PolicyViolationError";
  }
}

/** A provider operation failed after earlier steps were applied; the state holds what did apply. */
export class StepFailedError extends Error {
  constructor(
    readonly step: Step,
    override readonly cause: Error,
  ) {
    super(`${step.op} of ${step.urn} failed: ${cause.message}`);
    this.name = "StepFailedError";
  }
}

export interface EngineOptions extends ProgramOptions {
  /** Environment of the provider host process (credentials from the environment). */
  env?: NodeJS.ProcessEnv;
  policyPacks?: PolicyHost[];
  /**
   * How many steps `up` applies at once (default 1). Above 1, independent steps
   * run concurrently as the engine's `--parallel` does: creates, updates and
   * replaces first, then deletes.
   */
  parallel?: number;
}

/**
 * A small stand-in for the Pulumi engine: it runs a program, then drives the
 * SDK's real dynamic-provider host through preview, up, refresh and destroy,
 * keeping a checkpoint between runs the way a stack does.
 */
export class Engine {
  resources: ResourceState[] = [];
  /**
   * Resources a replacement left to delete when its create failed with a
   * partial result: as the engine does, the old one is marked for deletion,
   * the new one takes its place, and the next `up` deletes the old one first.
   */
  pendingDeletes: ResourceState[] = [];

  private constructor(
    readonly host: ProviderHost,
    private readonly options: EngineOptions,
  ) {}

  static async start(options: EngineOptions = {}): Promise<Engine> {
    const host = await ProviderHost.start({ env: options.env });
    await host.configure(options.config ?? {});
    return new Engine(host, options);
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }

  /** `pulumi state delete`: the stack forgets the resource; nothing is sent to any provider. */
  stateDelete(name: string): void {
    if (!this.find(name)) throw new Error(`no resource named ${name} in the stack`);
    this.resources = this.resources.filter((r) => r.name !== name);
  }

  find(name: string): ResourceState | undefined {
    return this.resources.find((r) => r.name === name);
  }

  /** The checkpoint as it would be written: secret outputs are ciphertext, never plain. */
  checkpointText(): string {
    const encrypt = (properties: PropertyMap, keys: string[]) =>
      Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, keys.includes(k) ? "[encrypted]" : v]));
    return JSON.stringify(
      this.resources.map((r) => ({ ...r, inputs: encrypt(r.inputs, r.secretKeys), outputs: encrypt(r.outputs, r.secretKeys) })),
    );
  }

  async preview(program: Program): Promise<Plan> {
    return this.run(program, false);
  }

  async up(program: Program): Promise<Plan> {
    return this.run(program, true);
  }

  async refresh(): Promise<Plan> {
    const steps: Step[] = [];
    for (const resource of [...this.resources]) {
      const result = await this.host.read(resource, resource.id, resource.outputs, resource.inputs);
      if (!result.id) {
        this.resources = this.resources.filter((r) => r !== resource);
        steps.push({ ...ref(resource), op: "gone", olds: resource.outputs });
        continue;
      }
      steps.push({ ...ref(resource), op: "refresh", olds: resource.outputs, news: result.properties });
      resource.id = result.id;
      resource.outputs = result.properties;
      if (result.inputs) resource.inputs = result.inputs;
    }
    return { steps, diagnostics: [] };
  }

  async destroy(): Promise<Plan> {
    const steps: Step[] = [];
    for (const resource of [...this.pendingDeletes, ...this.resources].reverse()) {
      const step: Step = { ...ref(resource), op: "delete", olds: resource.outputs };
      await this.apply(step, () => this.host.delete(resource, resource.id, resource.outputs, resource.inputs));
      this.resources = this.resources.filter((r) => r !== resource);
      this.pendingDeletes = this.pendingDeletes.filter((r) => r !== resource);
      steps.push(step);
    }
    return { steps, diagnostics: [] };
  }

  private async run(program: Program, apply: boolean): Promise<Plan> {
    const declared = (await captureProgram(program, this.options)).filter((r) => r.type.startsWith(DYNAMIC_TYPE_PREFIX));
    const planned = await this.plan(declared);
    if (!apply) return planned;
    for (const pending of [...this.pendingDeletes]) {
      await this.apply({ ...ref(pending), op: "delete", olds: pending.outputs }, () => this.host.delete(pending, pending.id, pending.outputs, pending.inputs));
      this.pendingDeletes = this.pendingDeletes.filter((r) => r !== pending);
    }

    for (const step of planned.steps) {
      if (step.op !== "same") continue;
      const resource = this.find(step.name);
      if (resource && step.news) resource.inputs = step.news;
    }
    const changes = planned.steps.filter((s) => s.op !== "same");
    await this.applyAll(changes.filter((s) => s.op !== "delete"), declared);
    await this.applyAll(changes.filter((s) => s.op === "delete"), declared);
    return planned;
  }

  /** Applies steps one by one, or `parallel` at a time; after a failure, starts no more and reports the first. */
  private async applyAll(steps: Step[], declared: CapturedResource[]): Promise<void> {
    const parallel = Math.max(1, this.options.parallel ?? 1);
    const queue = [...steps];
    let failure: unknown;
    const worker = async () => {
      for (let step = queue.shift(); step && failure === undefined; step = queue.shift()) {
        try {
          await this.applyStep(step, declared);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
    if (failure !== undefined) throw failure;
  }

  private async plan(declared: CapturedResource[]): Promise<Plan> {
    const failures: (CheckFailure & { urn: string })[] = [];
    const steps: Step[] = [];
    const diagnostics: PolicyDiagnostic[] = [];
    for (const resource of declared) {
      const old = this.find(resource.name);
      const checked = await this.host.check(resource, old?.inputs ?? {}, unwrapSecrets(resource.inputs) as PropertyMap);
      failures.push(...checked.failures.map((f) => ({ ...f, urn: resource.urn })));
      for (const pack of this.options.policyPacks ?? []) diagnostics.push(...(await pack.analyze(resource)));
      if (checked.failures.length > 0) continue;
      if (!old) {
        const importing = resource.importId ? { op: "import" as const, importId: resource.importId } : { op: "create" as const };
        steps.push({ ...ref(resource), ...importing, news: checked.inputs });
        continue;
      }
      const diff = await this.host.diff(resource, old.id, old.outputs, checked.inputs, old.inputs);
      const op: StepOp = diff.replaces.length > 0 ? "replace" : changesOf(diff, old.inputs, checked.inputs) === "none" ? "same" : "update";
      steps.push({ ...ref(resource), op, diff, news: checked.inputs, olds: old.outputs });
    }
    // As the engine: resource policies run beside a failed check, stack policies only when every check passed.
    if (failures.length > 0) throw new CheckFailedError(failures);
    for (const pack of this.options.policyPacks ?? []) diagnostics.push(...(await pack.analyzeStack(declared)));
    const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    if (mandatory.length > 0) throw new PolicyViolationError(mandatory);

    const declaredNames = new Set(declared.map((r) => r.name));
    for (const resource of [...this.resources].reverse()) {
      if (!declaredNames.has(resource.name)) steps.push({ ...ref(resource), op: "delete", olds: resource.outputs });
    }
    return { steps, diagnostics };
  }

  private async applyStep(step: Step, declared: CapturedResource[]): Promise<void> {
    const old = this.find(step.name);
    const secretKeysOfStep = secretKeys(declared.find((r) => r.name === step.name)?.inputs ?? {});
    const news = step.news ?? {};
    if (step.op === "delete" && old) {
      await this.apply(step, () => this.host.delete(old, old.id, old.outputs, old.inputs));
      this.resources = this.resources.filter((r) => r !== old);
    } else if (step.op === "update" && old) {
      const outputs = await this.apply(step, () => this.host.update(old, old.id, old.outputs, news, old.inputs), (failed) => {
        // As the engine: what the provider says it left behind is recorded before the step fails.
        Object.assign(old, { inputs: news, outputs: failed.properties, secretKeys: secretKeysOfStep });
      });
      Object.assign(old, { inputs: news, outputs, secretKeys: secretKeysOfStep });
    } else if (step.op === "import" && step.importId) {
      const imported = await this.apply(step, () => this.importResource(step, step.importId as string, news));
      this.resources.push({ ...ref(step), ...imported, inputs: news, secretKeys: secretKeysOfStep });
    } else if (step.op === "create" || step.op === "replace") {
      const deleteFirst = step.op === "replace" && step.diff?.deleteBeforeReplace;
      if (old && deleteFirst) {
        await this.apply(step, () => this.host.delete(old, old.id, old.outputs, old.inputs));
        this.resources = this.resources.filter((r) => r !== old);
      }
      const created = await this.apply(step, () => this.host.create(step, news), (failed) => {
        if (old) {
          this.resources = this.resources.filter((r) => r !== old);
          this.pendingDeletes.push(old);
        }
        this.resources.push({ ...ref(step), id: failed.id, inputs: news, outputs: failed.properties, secretKeys: secretKeysOfStep });
      });
      if (old && !deleteFirst) {
        await this.apply(step, () => this.host.delete(old, old.id, old.outputs, old.inputs));
      }
      this.resources = this.resources.filter((r) => r !== old);
      this.resources.push({ ...ref(step), id: created.id, inputs: news, outputs: created.properties, secretKeys: secretKeysOfStep });
    }
  }

  /**
   * The engine's import step: Read with the id alone (no inputs, no state), then
   * a diff of the program's inputs against what was read, which must be empty.
   */
  private async importResource(step: Step, importId: string, news: PropertyMap): Promise<{ id: string; outputs: PropertyMap }> {
    const read = await this.host.read(step, importId, {}, {});
    if (!read.id) throw new Error(`resource '${importId}' does not exist`);
    if (!read.inputs) throw new Error("provider does not support importing resources");
    const diff = await this.host.diff(step, read.id, read.properties, news, read.inputs);
    if (changesOf(diff, read.inputs, news) !== "none") throw new Error("inputs to import do not match the existing resource");
    return { id: read.id, outputs: read.properties };
  }

  private async apply<T>(step: Step, operation: () => Promise<T>, recordPartial?: (failed: ResourceInitFailedError) => void): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ResourceInitFailedError) recordPartial?.(error);
      throw new StepFailedError(step, error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/**
 * What the engine makes of a provider's diff: "unknown" (a dynamic provider's
 * `changes: undefined`) becomes its own diff of the old and new inputs, "some"
 * when any input differs (the engine then also shows that diff per property).
 */
function changesOf(diff: DiffResult, oldInputs: PropertyMap, newInputs: PropertyMap): "some" | "none" {
  if (diff.changes !== "unknown") return diff.changes;
  return isDeepStrictEqual(oldInputs, newInputs) ? "none" : "some";
}

function ref(resource: ResourceRef): ResourceRef {
  return { urn: resource.urn, type: resource.type, name: resource.name };
}
