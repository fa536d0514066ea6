// One factory for gatehouse's shared state: embedded SQLite in the state dir by default,
// Redis when several gatehouse replicas must see the same caches, locks and tokens.
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { Keyv } from 'keyv';
import { GatehouseError, errorMessage } from '../errors.ts';
import { ensurePrivateDir } from '../config/private-files.ts';
import { LockManager } from './lock.ts';
import { SqliteKeyvAdapter, sqliteReader, sweepExpired } from './sqlite-adapter.ts';
import { SqliteLockBackend } from './sqlite-lock.ts';
import { RedisLockBackend, type RedisCommands } from './redis-lock.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { SqliteAuditTrail } from './sqlite-audit.ts';
import { RedisAuditTrail, type RedisStreamCommands } from './redis-audit.ts';
import { SqliteCounters } from './sqlite-counters.ts';
import { incrementRedisCounter, type RedisEval } from './redis-counters.ts';

export const SQLITE_FILE_NAME = 'gatehouse.db';

export interface StoreOptions {
  /** "sqlite", "sqlite:///path/file.db", "redis://host:port/db" or "rediss://..." */
  url: string;
  stateDir: string;
  /** Prefix for every key, so several gatehouse installations can share one Redis. */
  prefix: string;
  /** Redis AUTH password, already resolved from its secret reference. */
  password?: string | undefined;
  connectTimeoutMs?: number;
  /**
   * Told when a Redis store that was reachable stops being so (reachable: false, with the client's
   * reason) and when it is back: for a server's log. SQLite never calls it.
   */
  onReachability?: (reachable: boolean, detail: string) => void;
  /**
   * Only read() will be used (the credential helper's get). SQLite then opens the file read-only
   * without keyv and creates nothing; namespace() and locks throw. Redis ignores it.
   */
  readOnly?: boolean;
}

export interface Store {
  readonly kind: 'sqlite' | 'redis';
  /** Where the data lives, safe to print. */
  readonly location: string;
  readonly locks: LockManager;
  /** The audit trail every replica appends to (see audit/trail.ts). */
  readonly audit: AuditTrail;
  /**
   * Adds `by` to a counter shared by every opening (and every replica on Redis) and returns the
   * new total, atomically. A counter expires ttlMs after its first increment, then starts again.
   */
  increment(name: string, by: number, ttlMs: number): Promise<number>;
  /** A keyv view on one namespace (e.g. "scan-verdicts", "tokens"); values expire by TTL. */
  namespace(name: string): Keyv;
  /**
   * What namespace(name).get(key) returns (undefined when absent or expired). SQLite answers it
   * with one SELECT and no keyv, which is all a credential get needs.
   */
  read(namespace: string, key: string): Promise<unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.url === 'sqlite' || options.url.startsWith('sqlite://')) return openSqliteStore(options);
  if (/^rediss?:\/\//.test(options.url)) return openRedisStore(options);
  throw new GatehouseError(`unsupported store url ${options.url}`, { hint: 'use "sqlite" or a redis:// URL' });
}

export function sqlitePathFor(url: string, stateDir: string): string {
  if (url === 'sqlite') return join(stateDir, SQLITE_FILE_NAME);
  const path = decodeURIComponent(new URL(url).pathname);
  if (!path || path === '/') throw new GatehouseError(`store url ${url} names no database file`);
  return path;
}

async function openSqliteStore(options: StoreOptions): Promise<Store> {
  const { DatabaseSync } = await import('node:sqlite');
  const file = sqlitePathFor(options.url, options.stateDir);
  if (options.readOnly) return openSqliteReadOnly(DatabaseSync, file, options.prefix);
  const { Keyv } = await import('keyv');
  if (options.url === 'sqlite') ensurePrivateDir(options.stateDir);
  // Create the file 0600 before SQLite does, so it (and its -wal/-shm, which copy its mode)
  // are never readable by others, not even for an instant.
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (error) {
    throw new GatehouseError(`cannot open the state store ${file}: ${errorMessage(error)}`, {
      hint: 'check that the state dir exists and is writable, or pass --state-dir',
    });
  }
  const db = new DatabaseSync(file, { timeout: 10_000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  // The credential helper opens the store on most git operations and usually only reads: the
  // lock table and the sweep of expired rows (a write) are set up only when needed.
  let locks: LockManager | undefined;
  let audit: AuditTrail | undefined;
  let counters: SqliteCounters | undefined;
  let wrote = false;
  const views = new Map<string, Keyv>();
  const read = sqliteReader(db, options.prefix);
  return {
    kind: 'sqlite',
    location: file,
    read: async (name, key) => read(name, key),
    get locks() {
      wrote = true;
      return (locks ??= new LockManager(new SqliteLockBackend(db)));
    },
    get audit() {
      return (audit ??= new SqliteAuditTrail(db, options.prefix, () => (wrote = true)));
    },
    async increment(name, by, ttlMs) {
      wrote = true;
      return (counters ??= new SqliteCounters(db, options.prefix)).increment(name, by, ttlMs);
    },
    namespace(name) {
      let view = views.get(name);
      if (!view) {
        // Each namespace needs its own adapter object, since keyv writes its namespace onto it.
        view = new Keyv({ store: new SqliteKeyvAdapter(db, Date.now, () => (wrote = true)), namespace: `${options.prefix}/${name}`, throwOnErrors: true });
        views.set(name, view);
      }
      return view;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (wrote) sweepExpired(db);
      db.close();
    },
  };
}

/**
 * The credential helper's get: a read-only connection (WAL lets it read beside writers), no
 * keyv, no tables or files created. A store never written to answers nothing.
 */
function openSqliteReadOnly(Database: typeof DatabaseSync, file: string, prefix: string): Store {
  let db: DatabaseSync | null = null;
  if (existsSync(file)) {
    try {
      db = new Database(file, { readOnly: true, timeout: 10_000 });
    } catch (error) {
      throw new GatehouseError(`cannot open the state store ${file}: ${errorMessage(error)}`, { hint: 'check that the state dir is readable, or pass --state-dir' });
    }
  }
  const read = db ? sqliteReader(db, prefix) : () => undefined;
  const refuse = (): never => {
    throw new GatehouseError('internal: the state store was opened read-only');
  };
  return {
    kind: 'sqlite',
    location: file,
    get locks(): LockManager {
      return refuse();
    },
    get audit(): AuditTrail {
      return refuse();
    },
    increment: refuse,
    namespace: refuse,
    read: async (name, key) => read(name, key),
    async ping() {
      db?.prepare('SELECT 1').get();
    },
    async close() {
      db?.close();
    },
  };
}

async function openRedisStore(options: StoreOptions): Promise<Store> {
  const [redis, { Keyv }] = await Promise.all([import('@keyv/redis'), import('keyv')]);
  const { createClient } = redis;
  // In the single executable the Redis client is a chunk of its own, loaded as CommonJS, whose
  // default export arrives one level down.
  const KeyvRedis = (typeof redis.default === 'function' ? redis.default : (redis.default as unknown as { default: typeof redis.default }).default);
  const url = new URL(options.url);
  const location = `${url.protocol}//${url.host}${url.pathname}`;
  const connectTimeout = options.connectTimeoutMs ?? 3000;
  let connected = false;
  const client = createClient({
    url: options.url,
    password: options.password,
    // While Redis is away, commands fail at once (the caller answers "store unreachable") instead
    // of queueing until it is back.
    disableOfflineQueue: true,
    socket: {
      connectTimeout,
      // Opening: bounded retries, so a gate that cannot reach its shared state fails instead of
      // hanging. Once open: reconnect for as long as the process runs, so a long-running server
      // serves again when Redis is back.
      reconnectStrategy: (retries: number) => (!connected && retries >= 5 ? new Error(`Redis at ${location} is unreachable`) : Math.min(50 * 2 ** retries, 1000)),
    },
  });
  let lastError: unknown;
  let reachable = true;
  client.on('error', (error: unknown) => {
    lastError = error;
    if (connected && reachable) {
      reachable = false;
      options.onReachability?.(false, errorMessage(error));
    }
  });
  client.on('ready', () => {
    if (connected && !reachable) {
      reachable = true;
      options.onReachability?.(true, location);
    }
  });
  try {
    await client.connect();
  } catch (error) {
    try {
      client.destroy();
    } catch {
      // the reconnect strategy already gave up and closed it
    }
    throw new GatehouseError(`cannot connect to the Redis store at ${location}: ${errorMessage(lastError ?? error)}`, {
      hint: 'check store.url and that redis-server is running and reachable',
    });
  }
  connected = true;
  const views = new Map<string, Keyv>();
  const namespace = (name: string): Keyv => {
    let view = views.get(name);
    if (!view) {
      const adapter = new KeyvRedis(client as never, { namespace: `${options.prefix}/${name}`, throwOnErrors: true });
      view = new Keyv({ store: adapter, namespace: `${options.prefix}/${name}`, useKeyPrefix: false, throwOnErrors: true });
      views.set(name, view);
    }
    return view;
  };
  // XREAD BLOCK holds its connection: followers get a connection of their own, opened on demand.
  let blocking: Promise<typeof client> | undefined;
  const blockingClient = () => (blocking ??= client.duplicate().connect());
  return {
    kind: 'redis',
    location,
    locks: new LockManager(new RedisLockBackend(client as unknown as RedisCommands, options.prefix)),
    audit: new RedisAuditTrail(client as unknown as RedisStreamCommands, options.prefix, async () => (await blockingClient()) as unknown as RedisStreamCommands),
    increment: (name, by, ttlMs) => incrementRedisCounter(client as unknown as RedisEval, options.prefix, name, by, ttlMs),
    namespace,
    read: (name, key) => namespace(name).get(key),
    async ping() {
      await client.ping();
    },
    async close() {
      if (blocking) (await blocking).destroy();
      // close() lets queued commands finish; with Redis away there is nothing to finish.
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}
