// Counters in the embedded store: one UPSERT ... RETURNING, atomic across processes because
// SQLite serialises writers. A counter past its expiry starts again from the increment.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export class SqliteCounters {
  private readonly add: StatementSync;
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(db: DatabaseSync, prefix: string, now: () => number = Date.now) {
    this.prefix = prefix;
    this.now = now;
    db.exec('CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID');
    this.add = db.prepare(`INSERT INTO counters (key, value, expires) VALUES (?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET
        value = CASE WHEN counters.expires <= ? THEN excluded.value ELSE counters.value + excluded.value END,
        expires = CASE WHEN counters.expires <= ? THEN excluded.expires ELSE counters.expires END
      RETURNING value`);
  }

  increment(name: string, by: number, ttlMs: number): number {
    const now = this.now();
    const row = this.add.get(`${this.prefix}/${name}`, by, now + ttlMs, now, now) as { value: number | bigint };
    return Number(row.value);
  }
}
