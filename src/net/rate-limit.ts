// Per-token rate limits over fixed windows, counted in the state store so every replica on one
// Redis shares the count. Requests are counted as they are admitted; bytes once a request is
// done (a transfer cannot be priced before it runs), so the request that crosses the byte limit
// finishes and the next one is refused.
import type { Store } from '../store/factory.ts';

export interface RateLimits {
  requests: number;
  bytes: number;
  windowSeconds: number;
}

export type Admission = { allowed: true } | { allowed: false; reason: string; retryAfterSeconds: number };

export class TokenRateLimiter {
  private readonly store: Store;
  private readonly limits: RateLimits;
  private readonly now: () => number;

  constructor(store: Store, limits: RateLimits, now: () => number = Date.now) {
    this.store = store;
    this.limits = limits;
    this.now = now;
  }

  get active(): boolean {
    return this.limits.requests > 0 || this.limits.bytes > 0;
  }

  /** Counts the request and says whether the token may make it. Store errors propagate: the caller fails closed. */
  async admit(jti: string): Promise<Admission> {
    const window = this.window();
    const { requests, bytes, windowSeconds } = this.limits;
    if (requests > 0) {
      const made = await this.store.increment(`rate:req:${jti}:${window.index}`, 1, window.ttlMs);
      if (made > requests) return { allowed: false, reason: `more than ${requests} requests in ${windowSeconds} s for this token`, retryAfterSeconds: window.retryAfterSeconds };
    }
    if (bytes > 0) {
      const moved = await this.store.increment(`rate:bytes:${jti}:${window.index}`, 0, window.ttlMs);
      if (moved >= bytes) return { allowed: false, reason: `${bytes} bytes in ${windowSeconds} s used for this token`, retryAfterSeconds: window.retryAfterSeconds };
    }
    return { allowed: true };
  }

  /** Adds a finished request's bytes to the token's window. */
  async charge(jti: string, bytes: number): Promise<void> {
    if (this.limits.bytes <= 0 || bytes <= 0) return;
    const window = this.window();
    await this.store.increment(`rate:bytes:${jti}:${window.index}`, bytes, window.ttlMs);
  }

  private window(): { index: number; ttlMs: number; retryAfterSeconds: number } {
    const size = this.limits.windowSeconds * 1000;
    const now = this.now();
    const index = Math.floor(now / size);
    const left = (index + 1) * size - now;
    // The counter outlives its window a little, so a replica whose clock lags still finds it.
    return { index, ttlMs: left + 5_000, retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
  }
}

export function rateLimitsFromConfig(config: { requests: number; bytes: number; window_seconds: number }): RateLimits {
  return { requests: config.requests, bytes: config.bytes, windowSeconds: config.window_seconds };
}
