// The verdict cache in the project's keyv store: what scanning a blob pair at a path found,
// under the ruleset's id, so a change pushed again (or re-scanned) is not scanned twice.
import type { Keyv } from 'keyv';
import type { CachedFinding, VerdictCache } from './scanner.ts';

export const VERDICT_NAMESPACE = 'scan-verdicts';
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export class KeyvVerdictCache implements VerdictCache {
  private readonly keyv: Keyv;
  private readonly ttlMs: number;

  constructor(keyv: Keyv, ttlMs = THIRTY_DAYS_MS) {
    this.keyv = keyv;
    this.ttlMs = ttlMs;
  }

  async get(key: string): Promise<CachedFinding[] | undefined> {
    return (await this.keyv.get<CachedFinding[]>(key)) ?? undefined;
  }

  async set(key: string, findings: CachedFinding[]): Promise<void> {
    await this.keyv.set(key, findings, this.ttlMs);
  }
}
