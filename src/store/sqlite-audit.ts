// The audit trail in the embedded store: one table, row ids as entry ids. SQLite has no way to
// wake a reader when another process writes, so following polls (cheaply: one indexed SELECT).
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import { AUDIT_KEEP, auditRecord, type AuditEntry, type AuditEvent, type AuditTrail } from '../audit/trail.ts';

const POLL_MS = 250;
/** Trimming is a DELETE over the table: done once per this many appends, not on every one. */
const TRIM_EVERY = 500;

export class SqliteAuditTrail implements AuditTrail {
  private readonly insert: StatementSync;
  private readonly newest: StatementSync;
  private readonly since: StatementSync;
  private readonly trim: StatementSync;
  private readonly prefix: string;
  private readonly onWrite: () => void;

  constructor(db: DatabaseSync, prefix: string, onWrite: () => void = () => {}) {
    this.prefix = prefix;
    this.onWrite = onWrite;
    db.exec('CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, prefix TEXT NOT NULL, time TEXT NOT NULL, event TEXT NOT NULL)');
    db.exec('CREATE INDEX IF NOT EXISTS audit_prefix ON audit (prefix, id)');
    this.insert = db.prepare('INSERT INTO audit (prefix, time, event) VALUES (?, ?, ?)');
    this.newest = db.prepare('SELECT id, time, event FROM audit WHERE prefix = ? ORDER BY id DESC LIMIT ?');
    this.since = db.prepare('SELECT id, time, event FROM audit WHERE prefix = ? AND id > ? ORDER BY id LIMIT 1000');
    this.trim = db.prepare('DELETE FROM audit WHERE prefix = ? AND id <= ?');
  }

  async append(event: AuditEvent): Promise<void> {
    const record = auditRecord(event);
    const { lastInsertRowid } = this.insert.run(this.prefix, record.time, JSON.stringify(record.event));
    this.onWrite();
    const id = Number(lastInsertRowid);
    if (id % TRIM_EVERY === 0) this.trim.run(this.prefix, id - AUDIT_KEEP);
  }

  async latest(count: number): Promise<AuditEntry[]> {
    return (this.newest.all(this.prefix, count) as unknown as Row[]).map(entry).reverse();
  }

  async newestId(): Promise<string> {
    const [row] = this.newest.all(this.prefix, 1) as unknown as Row[];
    return row ? String(row.id) : '0';
  }

  async after(id: string, waitMs: number): Promise<AuditEntry[]> {
    const from = Number(id || 0);
    const until = Date.now() + waitMs;
    for (;;) {
      const rows = this.since.all(this.prefix, from) as unknown as Row[];
      if (rows.length || Date.now() >= until) return rows.map(entry);
      await delay(Math.min(POLL_MS, Math.max(0, until - Date.now())));
    }
  }
}

interface Row {
  id: number | bigint;
  time: string;
  event: string;
}

function entry(row: Row): AuditEntry {
  return { id: String(row.id), time: row.time, event: JSON.parse(row.event) as AuditEvent };
}
