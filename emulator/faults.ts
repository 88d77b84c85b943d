export type FaultStatus = 429 | 500 | 502 | 503 | 504;
export type DropMoment = "before-apply" | "after-apply";

export interface FaultMatch {
  api?: "compute" | "cortex";
  /** Compared case-insensitively. */
  method?: string;
  /** Substring of the path, query excluded. */
  pathIncludes?: string;
  /** Substring of the request's body as sent (for telling two writers apart). */
  bodyIncludes?: string;
}

export type Fault =
  /** `quoteRequest`: the error message quotes the request back, authorization header and body, as a careless API does. */
  /** `afterApply`: the request is applied first, then answered with the error (a server that fails after storing). */
  | { kind: "fail"; status: FaultStatus; retryAfterSeconds?: number; quoteRequest?: boolean; afterApply?: boolean }
  | { kind: "drop"; when: DropMoment }
  /** A 200 whose body a misbehaving console might send (not applied, nothing stored). */
  | { kind: "answer"; body: unknown };

export interface FaultTarget {
  api: "compute" | "cortex";
  method: string;
  path: string;
  body?: string;
}

interface QueuedFault {
  fault: Fault;
  match: FaultMatch;
  remaining: number;
}

const FAULT_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
const DROP_MOMENTS: ReadonlySet<string> = new Set(["before-apply", "after-apply"]);

function assertCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  if (match.api !== undefined && match.api !== target.api) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (match.pathIncludes !== undefined && !target.path.includes(match.pathIncludes)) return false;
  if (match.bodyIncludes !== undefined && !(target.body ?? "").includes(match.bodyIncludes)) return false;
  return true;
}

/**
 * Latency and one-shot failures, scripted by a test. Queued faults are consumed
 * first-in first-out by the first requests they match.
 */
export class FaultPlan {
  private latencyMs = 0;
  private queue: QueuedFault[] = [];
  private afterApplyHooks: { match: FaultMatch; action: () => void }[] = [];
  private holds: { match: FaultMatch; wait: () => Promise<void> }[] = [];

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number, got ${ms}`);
    this.latencyMs = ms;
  }

  latency(): number {
    return this.latencyMs;
  }

  failNext(
    count: number,
    status: FaultStatus,
    options: FaultMatch & { retryAfterSeconds?: number; quoteRequest?: boolean; afterApply?: boolean } = {},
  ): void {
    assertCount(count);
    if (!FAULT_STATUSES.has(status)) throw new RangeError(`unsupported fault status ${status}`);
    const { retryAfterSeconds, quoteRequest, afterApply, ...match } = options;
    if (retryAfterSeconds !== undefined && (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)) {
      throw new RangeError(`retryAfterSeconds must be a non-negative integer, got ${retryAfterSeconds}`);
    }
    this.enqueue(count, { kind: "fail", status, retryAfterSeconds, quoteRequest, afterApply }, match);
  }

  /** Answers the next matching requests 200 with `body` instead of handling them. */
  answerNext(count: number, body: unknown, match: FaultMatch = {}): void {
    assertCount(count);
    this.enqueue(count, { kind: "answer", body }, { ...match });
  }

  dropNext(count: number, when: DropMoment, match: FaultMatch = {}): void {
    assertCount(count);
    if (!DROP_MOMENTS.has(when)) throw new RangeError(`unsupported drop moment ${String(when)}`);
    this.enqueue(count, { kind: "drop", when }, { ...match });
  }

  /**
   * Runs `action` once, right after the next matching request was applied and
   * before its answer is sent: another writer acting in between, as a test scripts it.
   */
  afterApply(match: FaultMatch, action: () => void): void {
    this.afterApplyHooks.push({ match: { ...match }, action });
  }

  /**
   * Holds the next matching request before it is handled until `wait`
   * settles: a test scripts the order in which concurrent writers land.
   */
  holdNext(match: FaultMatch, wait: () => Promise<void>): void {
    this.holds.push({ match: { ...match }, wait });
  }

  /** Consumes the hold due for this request, if any, and waits for it. */
  async runHold(target: FaultTarget): Promise<void> {
    const index = this.holds.findIndex((hold) => matches(hold.match, target));
    if (index < 0) return;
    const [hold] = this.holds.splice(index, 1);
    await hold.wait();
  }

  /** Consumes and runs the hook due after this request was applied, if any. */
  runAfterApply(target: FaultTarget): void {
    const index = this.afterApplyHooks.findIndex((hook) => matches(hook.match, target));
    if (index < 0) return;
    const [hook] = this.afterApplyHooks.splice(index, 1);
    hook.action();
  }

  /** Consumes and returns the fault due for this request, if any. */
  take(target: FaultTarget): Fault | undefined {
    const index = this.queue.findIndex((queued) => matches(queued.match, target));
    if (index < 0) return undefined;
    const queued = this.queue[index];
    queued.remaining -= 1;
    if (queued.remaining === 0) this.queue.splice(index, 1);
    return queued.fault;
  }

  clear(): void {
    this.latencyMs = 0;
    this.queue = [];
    this.afterApplyHooks = [];
    this.holds = [];
  }

  private enqueue(count: number, fault: Fault, match: FaultMatch): void {
    if (count > 0) this.queue.push({ fault, match, remaining: count });
  }
}
