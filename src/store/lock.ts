// Named locks with a TTL, shared by every gatehouse process that uses one store. A holder that
// dies loses the lock when the TTL runs out; release, extend and holds only work for the owner
// that took it. The owner token is random per acquisition, so it doubles as a fencing token:
// a holder checks holds() (or a copy of its token kept next to the data, see refresh.ts)
// before it writes, and one whose lock expired and moved on finds it is no longer current.
// node:crypto (about 10 ms to load) is fetched only when a lock is taken, so the credential
// helper's reads, which import this module with the store, never load it.

export interface Lock {
  readonly name: string;
  readonly token: string;
  /** Releases the lock if this owner still holds it; returns false if it had expired and moved on. */
  release(): Promise<boolean>;
  /** Pushes the expiry out by ttlMs if this owner still holds it. */
  extend(ttlMs: number): Promise<boolean>;
  /** Whether this owner still holds the lock: the fencing check before a write it guards. */
  holds(): Promise<boolean>;
}

export interface LockBackend {
  tryAcquire(name: string, token: string, ttlMs: number): Promise<boolean>;
  release(name: string, token: string): Promise<boolean>;
  extend(name: string, token: string, ttlMs: number): Promise<boolean>;
  holds(name: string, token: string): Promise<boolean>;
}

export interface AcquireOptions {
  ttlMs: number;
  /** How long to keep trying before giving up; 0 tries once. */
  waitMs?: number;
  /** Delay between tries while waiting. */
  retryMs?: number;
}

export class LockManager {
  private readonly backend: LockBackend;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(backend: LockBackend, sleep = defaultSleep) {
    this.backend = backend;
    this.sleep = sleep;
  }

  /** Takes the lock or returns null if it is still held by someone else after waitMs. */
  async acquire(name: string, options: AcquireOptions): Promise<Lock | null> {
    const token = process.getBuiltinModule('node:crypto').randomBytes(16).toString('hex');
    const deadline = Date.now() + (options.waitMs ?? 0);
    let delay = Math.max(5, options.retryMs ?? 25);
    for (;;) {
      if (await this.backend.tryAcquire(name, token, options.ttlMs)) return this.handle(name, token);
      if (Date.now() >= deadline) return null;
      await this.sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 500);
    }
  }

  /** Runs fn while holding the lock; throws LockBusyError if it cannot be had in time. */
  async withLock<T>(name: string, options: AcquireOptions, fn: (lock: Lock) => Promise<T>): Promise<T> {
    const lock = await this.acquire(name, options);
    if (!lock) throw new LockBusyError(name);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  private handle(name: string, token: string): Lock {
    return {
      name,
      token,
      release: () => this.backend.release(name, token),
      extend: (ttlMs) => this.backend.extend(name, token, ttlMs),
      holds: () => this.backend.holds(name, token),
    };
  }
}

export class LockBusyError extends Error {
  readonly lockName: string;
  constructor(lockName: string) {
    super(`lock ${lockName} is held by another process`);
    this.name = 'LockBusyError';
    this.lockName = lockName;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
