import { setTimeout as sleep } from "node:timers/promises";
import { describeLimit, formatSeconds, type TimeLimit, type TimeLimits } from "../timeLimits";

/**
 * The operation's deadline ran out before the next request (or wait) could
 * start: nothing more was sent, so nothing more can have been applied.
 */
export class OperationTimeoutError extends Error {
  readonly code = "OPERATION_TIMEOUT";
  /** `situation` completes "the operation timeout of 30 s (...) ...", e.g. "ran out before GET /x could be sent". */
  constructor(api: string, limit: TimeLimit, situation: string) {
    super(`${api}: ${describeLimit(limit)} ${situation}. Nothing more was sent. To allow more time, ${limit.advice}.`);
    this.name = "OperationTimeoutError";
  }
}

/**
 * The end of one operation (a check, create, read, update or delete), from
 * when it started: every request, retry, backoff and wait of the operation
 * must finish before it.
 */
export class Deadline {
  private readonly expiresAt: number;

  constructor(
    readonly limit: TimeLimit,
    startedAt: number = Date.now(),
  ) {
    this.expiresAt = startedAt + limit.seconds * 1000;
  }

  remainingMs(): number {
    return this.expiresAt - Date.now();
  }

  /** Aborts when the deadline passes: given to a request or a queue wait, so that none outlives the operation. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.ceil(this.remainingMs())));
  }

  /**
   * Waits `ms` before `next` (e.g. "attempt 2 of GET /x"), or refuses at
   * once when the wait alone would reach the deadline: nothing starts that
   * cannot finish in time.
   */
  async wait(ms: number, api: string, next: string): Promise<void> {
    if (ms >= this.remainingMs()) {
      throw new OperationTimeoutError(api, this.limit, `would run out before ${next}, due in ${formatSeconds(ms / 1000)}`);
    }
    await sleep(ms);
  }
}

/** What one operation's requests run under: the per-request timeout and the operation's deadline. */
export interface OperationLimits {
  /** "console" or "tenant": what gave no answer, in messages. */
  peer: string;
  request: TimeLimit;
  deadline: Deadline;
}

/** The limits of an operation starting now. */
export function startOperation(limits: TimeLimits): OperationLimits {
  return { peer: limits.peer, request: limits.request, deadline: new Deadline(limits.operation) };
}
