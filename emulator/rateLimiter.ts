const WINDOW_MS = 1000;

export interface RateLimitSettings {
  enabled: boolean;
  requestsPerSecond: number;
}

export function assertRequestsPerSecond(requestsPerSecond: number): void {
  if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
    throw new RangeError(`requestsPerSecond must be a positive integer, got ${requestsPerSecond}`);
  }
}

/**
 * At most N admitted requests in any sliding one-second window. Refused requests
 * are not counted, so a client that backs off gets through as soon as the window
 * allows rather than being starved by its own retries.
 */
export class SlidingWindowRateLimiter {
  private admittedAt: number[] = [];
  private settings: RateLimitSettings;

  constructor(private readonly initialSettings: RateLimitSettings) {
    assertRequestsPerSecond(initialSettings.requestsPerSecond);
    this.settings = { ...initialSettings };
  }

  configure(enabled: boolean, requestsPerSecond: number = this.settings.requestsPerSecond): void {
    assertRequestsPerSecond(requestsPerSecond);
    this.settings = { enabled, requestsPerSecond };
    this.admittedAt = [];
  }

  tryAdmit(): boolean {
    if (!this.settings.enabled) return true;
    // performance.now() is monotonic: a wall-clock jump must not open or shut the window.
    const now = performance.now();
    const firstInWindow = this.admittedAt.findIndex((time) => now - time < WINDOW_MS);
    this.admittedAt = firstInWindow < 0 ? [] : this.admittedAt.slice(firstInWindow);
    if (this.admittedAt.length >= this.settings.requestsPerSecond) return false;
    this.admittedAt.push(now);
    return true;
  }

  reset(): void {
    this.settings = { ...this.initialSettings };
    this.admittedAt = [];
  }
}
