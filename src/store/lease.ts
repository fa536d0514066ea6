// A lock held as a short lease: the live holder renews it (a heartbeat) every third of the lease,
// so a holder that dies (kill -9, a machine that stops) frees it within one lease instead of
// after the longest its work could take. A renewal that fails, or finds the lock gone, means
// someone else may hold it now: `lost` is aborted and the holder must stop writing.
import type { Lock } from './lock.ts';

export interface Lease {
  readonly lock: Lock;
  /** Aborted once the lock can no longer be known to be ours. */
  readonly lost: AbortSignal;
  /** Stops the heartbeat (before release). */
  stop(): void;
}

export function holdLease(lock: Lock, leaseMs: number): Lease {
  const controller = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const lose = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLostError(lock.name, reason));
  };
  const beat = () => {
    timer = setTimeout(() => {
      lock.extend(leaseMs).then(
        (held) => {
          if (stopped) return;
          if (held) beat();
          else lose('it expired and another holder may have taken it');
        },
        (error: unknown) => {
          if (!stopped) lose(`renewing it failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    }, Math.max(1, Math.floor(leaseMs / 3)));
    // The lease must not keep a process alive that has nothing else to do.
    timer.unref();
  };
  beat();
  return {
    lock,
    lost: controller.signal,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export class LeaseLostError extends Error {
  constructor(lockName: string, reason: string) {
    super(`lost the lock ${lockName}: ${reason}`);
    this.name = 'LeaseLostError';
  }
}
