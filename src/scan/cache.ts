// The verdict cache in the project's keyv store: which content, under which ruleset, was found
// clean, so a change pushed again (or re-scanned) is not scanned twice. Only clean verdicts are
// kept, under a hash of the ruleset, path and object ids: the store (an SQLite file, a shared
// Redis) never holds a secret, a match or a line. Content with findings is scanned again, which
// costs little since it is rare and its push is refused.
import type { Keyv } from 'keyv';
import type { VerdictCache } from './scanner.ts';

/** Replaces "scan-verdicts", whose entries held the findings themselves (Match, Secret). */
export const VERDICT_NAMESPACE = 'scan-clean';
export const RETIRED_VERDICT_NAMESPACE = 'scan-verdicts';
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export class KeyvVerdictCache implements VerdictCache {
  private readonly keyv: Keyv;
  private readonly ttlMs: number;

  constructor(keyv: Keyv, ttlMs = THIRTY_DAYS_MS) {
    this.keyv = keyv;
    this.ttlMs = ttlMs;
  }

  async isClean(key: string): Promise<boolean> {
    return (await this.keyv.get<number>(key)) === 1;
  }

  async markClean(key: string): Promise<void> {
    await this.keyv.set(key, 1, this.ttlMs);
  }
}
