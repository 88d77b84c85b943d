/** At most `limit` requests start in any window of `windowMs` milliseconds. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * How long a request arriving at `now` must wait, given when the requests
 * still inside the window were admitted (oldest first). Zero means it may go.
 */
export function admissionDelayMs(admittedAt: readonly number[], now: number, rate: RateLimit): number {
  const live = admittedAt.filter((time) => now - time < rate.windowMs);
  if (live.length < rate.limit) return 0;
  // The request may start once the oldest admission that keeps the window full has left it.
  return live[live.length - rate.limit] + rate.windowMs - now;
}

/**
 * A sliding-window limiter: at most `limit` admissions in any `windowMs`,
 * waiters served first come, first served. It lets a burst of `limit` go at
 * once and then exactly one more each time an earlier one leaves the window,
 * so a busy client runs at the limit, never under it.
 */
export class SlidingWindowLimiter {
  private admitted: number[] = [];
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly rate: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(rate.limit) || rate.limit < 1) throw new RangeError(`limit must be a positive integer, got ${rate.limit}`);
    if (!Number.isFinite(rate.windowMs) || rate.windowMs <= 0) throw new RangeError(`windowMs must be positive, got ${rate.windowMs}`);
  }

  /**
   * Resolves when the caller may send one request. Rejects, leaving the
   * queue, when `signal` aborts first (the caller's deadline passed): a
   * place it no longer wants would hold up everyone behind it.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const leave = () => {
        const index = this.waiting.indexOf(admit);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      const admit = () => {
        signal?.removeEventListener("abort", leave);
        resolve();
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.waiting.push(admit);
      this.admitWaiting();
    });
  }

  /** Requests waiting for a place. */
  get queued(): number {
    return this.waiting.length;
  }

  private admitWaiting(): void {
    if (this.timer !== undefined) return;
    while (this.waiting.length > 0) {
      const now = this.now();
      this.admitted = this.admitted.filter((time) => now - time < this.rate.windowMs);
      const delay = admissionDelayMs(this.admitted, now, this.rate);
      if (delay > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.admitWaiting();
        }, Math.ceil(delay));
        return;
      }
      this.admitted.push(now);
      (this.waiting.shift() as () => void)();
    }
  }
}

const sharedLimiters = new Map<string, SlidingWindowLimiter>();

/**
 * The one limiter for `key` in this process (e.g. one per Cortex tenant),
 * shared by every resource the provider host serves.
 */
export function sharedLimiter(key: string, rate: RateLimit): SlidingWindowLimiter {
  const existing = sharedLimiters.get(key);
  if (existing && existing.rate.limit === rate.limit && existing.rate.windowMs === rate.windowMs) return existing;
  const limiter = new SlidingWindowLimiter(rate);
  sharedLimiters.set(key, limiter);
  return limiter;
}
