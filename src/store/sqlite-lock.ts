// Locks in the embedded store: a row per lock, taken inside an IMMEDIATE transaction so two
// processes cannot both see it free. SQLite serialises writers across processes for us.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LockBackend } from './lock.ts';

export class SqliteLockBackend implements LockBackend {
  private readonly db: DatabaseSync;
  private readonly now: () => number;
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;
  private readonly remove: StatementSync;
  private readonly touch: StatementSync;

  constructor(db: DatabaseSync, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
    db.exec('CREATE TABLE IF NOT EXISTS locks (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID');
    this.select = db.prepare('SELECT owner, expires FROM locks WHERE name = ?');
    this.upsert = db.prepare('INSERT INTO locks (name, owner, expires) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires');
    this.remove = db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?');
    this.touch = db.prepare('UPDATE locks SET expires = ? WHERE name = ? AND owner = ? AND expires > ?');
  }

  async tryAcquire(name: string, token: string, ttlMs: number): Promise<boolean> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const now = this.now();
      const row = this.select.get(name) as { owner: string; expires: number } | undefined;
      if (row && row.expires > now) {
        this.db.exec('COMMIT');
        return false;
      }
      this.upsert.run(name, token, now + ttlMs);
      this.db.exec('COMMIT');
      return true;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async release(name: string, token: string): Promise<boolean> {
    return Number(this.remove.run(name, token).changes) > 0;
  }

  async extend(name: string, token: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return Number(this.touch.run(now + ttlMs, name, token, now).changes) > 0;
  }

  async holds(name: string, token: string): Promise<boolean> {
    const row = this.select.get(name) as { owner: string; expires: number } | undefined;
    return row !== undefined && row.owner === token && row.expires > this.now();
  }
}
