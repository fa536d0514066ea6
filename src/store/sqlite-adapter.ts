// A keyv storage adapter over Node's built-in node:sqlite. The published @keyv/sqlite needs the
// native sqlite3 addon; this one needs nothing outside Node, so the single binary carries it.
import { EventEmitter } from 'node:events';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  opts: { table: string };
  namespace?: string | undefined;
  private readonly statements: {
    get: StatementSync;
    set: StatementSync;
    delete: StatementSync;
    clearNamespace: StatementSync;
    clearAll: StatementSync;
  };

  private readonly now: () => number;
  private readonly onWrite: () => void;

  constructor(db: DatabaseSync, now: () => number = Date.now, onWrite: () => void = () => {}) {
    super();
    this.now = now;
    this.onWrite = onWrite;
    this.opts = { table: 'keyv' };
    db.exec(`CREATE TABLE IF NOT EXISTS keyv (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      expires INTEGER
    ) WITHOUT ROWID`);
    this.statements = {
      get: db.prepare('SELECT value, expires FROM keyv WHERE key = ?'),
      set: db.prepare('INSERT INTO keyv (key, value, expires) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires'),
      delete: db.prepare('DELETE FROM keyv WHERE key = ?'),
      // keyv prefixes keys with "namespace:"; range bounds avoid LIKE's wildcard pitfalls.
      clearNamespace: db.prepare('DELETE FROM keyv WHERE key >= ? AND key < ?'),
      clearAll: db.prepare('DELETE FROM keyv'),
    };
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const row = this.statements.get.get(key) as { value: string; expires: number | null } | undefined;
    if (!row) return undefined;
    if (row.expires !== null && row.expires <= this.now()) {
      this.statements.delete.run(key);
      return undefined;
    }
    return row.value as StoredData<Value>;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    this.onWrite();
    const expires = typeof ttl === 'number' && ttl > 0 ? this.now() + ttl : null;
    this.statements.set.run(key, typeof value === 'string' ? value : JSON.stringify(value), expires);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return Number(this.statements.delete.run(key).changes) > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    if (this.namespace) {
      const prefix = `${this.namespace}:`;
      this.statements.clearNamespace.run(prefix, `${this.namespace};`); // ';' sorts right after ':'
    } else {
      this.statements.clearAll.run();
    }
  }
}

/**
 * Reads values as keyv stored them through this adapter, without keyv: the row under
 * "<prefix>/<namespace>:<key>" holds keyv's serialisation of { value, expires }. The same answer
 * as Keyv#get (absent or expired: undefined), but nothing is deleted here: a read-only connection
 * cannot, and sessions that write sweep expired rows. One statement, prepared on first read; a
 * store with no keyv table yet answers nothing.
 */
export function sqliteReader(db: DatabaseSync, prefix: string, now: () => number = Date.now): (namespace: string, key: string) => unknown {
  let select: StatementSync | null | undefined;
  return (namespace, key) => {
    if (select === undefined) {
      try {
        select = db.prepare('SELECT value, expires FROM keyv WHERE key = ?');
      } catch (error) {
        if (!/no such table/.test((error as Error).message)) throw error;
        select = null;
      }
    }
    if (select === null) return undefined;
    const row = select.get(`${prefix}/${namespace}:${key}`) as { value: string; expires: number | null } | undefined;
    if (!row || (row.expires !== null && row.expires <= now())) return undefined;
    const data = deserializeKeyv(row.value) as { value?: unknown; expires?: unknown } | null;
    if (data === null || typeof data !== 'object' || (typeof data.expires === 'number' && now() > data.expires)) return undefined;
    return data.value;
  };
}

/**
 * keyv's default deserializer (@keyv/serialize): JSON whose strings were escaped on the way in,
 * ":base64:..." for a Buffer and a leading ":" doubled.
 */
export function deserializeKeyv(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (value.startsWith(':base64:')) return Buffer.from(value.slice(8), 'base64');
    return value.startsWith(':') ? value.slice(1) : value;
  });
}

/** Drops expired rows of every namespace (after a session that wrote, so the table stays small). */
export function sweepExpired(db: DatabaseSync, now = Date.now()): number {
  let swept = 0;
  for (const sql of ['DELETE FROM keyv WHERE expires IS NOT NULL AND expires <= ?', 'DELETE FROM counters WHERE expires <= ?']) {
    try {
      swept += Number(db.prepare(sql).run(now).changes);
    } catch {
      // no such table yet (this store never used it)
    }
  }
  return swept;
}
