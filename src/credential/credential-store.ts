// gatehouse's own credential store, with git credential-store's matching rules, kept in the
// keyv store with every password sealed (AES-256-GCM). Hosts and usernames stay readable so
// `credential list` can show them; passwords never are.
import type { Keyv } from 'keyv';
import type { Store } from '../store/factory.ts';
import type { SecretBox } from './encryption.ts';
import type { Credential } from './request.ts';

export const CREDENTIALS_NAMESPACE = 'credentials';
const INDEX_KEY = 'index';

export interface StoredEntry {
  protocol: string;
  host: string;
  path: string;
  username: string;
  passwordExpiryUtc: string;
  storedAt: string;
  /** sealed JSON { password, oauthRefreshToken } */
  sealed: string;
}

export interface OpenedEntry extends Omit<StoredEntry, 'sealed'> {
  password: string;
  oauthRefreshToken: string;
}

function entryKey(e: Pick<StoredEntry, 'protocol' | 'host' | 'path' | 'username'>): string {
  return JSON.stringify([e.protocol, e.host, e.path, e.username]);
}

/** git's credential_match: every field the request sets must equal the entry's (path only when the entry has one... and the request sets it). */
export function entryMatches(request: Credential, entry: Pick<StoredEntry, 'protocol' | 'host' | 'path' | 'username'>): boolean {
  if (request.protocol && request.protocol !== entry.protocol) return false;
  if (request.host && request.host !== entry.host) return false;
  if (request.path && request.path !== entry.path) return false;
  if (request.username && request.username !== entry.username) return false;
  return true;
}

/** Every stored entry's plain metadata; nothing is decrypted, so no key is needed. Works on a read-only store. */
export async function listEntries(store: Store): Promise<StoredEntry[]> {
  const keys = ((await store.read(CREDENTIALS_NAMESPACE, INDEX_KEY)) as string[] | undefined) ?? [];
  const entries = await Promise.all(keys.map((k) => store.read(CREDENTIALS_NAMESPACE, k) as Promise<StoredEntry | undefined>));
  return entries.filter((e): e is StoredEntry => e !== undefined);
}

/** find() and list() only read, so a store opened read-only serves them; save() and erase() need a writable one. */
export class CredentialStore {
  private readonly box: SecretBox;
  private readonly store: Store;

  constructor(store: Store, box: SecretBox) {
    this.store = store;
    this.box = box;
  }

  private get kv(): Keyv {
    return this.store.namespace(CREDENTIALS_NAMESPACE);
  }

  async list(): Promise<StoredEntry[]> {
    return listEntries(this.store);
  }

  /** The first stored entry matching the request, opened; expired entries are skipped. */
  async find(request: Credential, now = new Date()): Promise<OpenedEntry | null> {
    for (const entry of await this.list()) {
      if (!entryMatches(request, entry)) continue;
      if (entry.passwordExpiryUtc && Number(entry.passwordExpiryUtc) * 1000 <= now.getTime()) continue;
      return this.open(entry);
    }
    return null;
  }

  open(entry: StoredEntry): OpenedEntry {
    const { sealed, ...rest } = entry;
    const secret = JSON.parse(this.box.open(sealed, entryKey(entry))) as { password: string; oauthRefreshToken: string };
    return { ...rest, ...secret };
  }

  /** Stores (or replaces) the entry for protocol/host/path/username. git only stores after a success. */
  async save(c: Credential, now = new Date()): Promise<void> {
    const entry: StoredEntry = {
      protocol: c.protocol,
      host: c.host,
      path: c.path,
      username: c.username,
      passwordExpiryUtc: c.passwordExpiryUtc,
      storedAt: now.toISOString(),
      sealed: '',
    };
    const key = entryKey(entry);
    entry.sealed = this.box.seal(JSON.stringify({ password: c.password, oauthRefreshToken: c.oauthRefreshToken }), key);
    await this.withIndex(async (index) => {
      await this.kv.set(key, entry);
      return index.includes(key) ? index : [...index, key];
    });
  }

  /**
   * Erases matching entries. When git sends the password that failed, only entries holding
   * that same password go: a stale rejection never erases another, working credential.
   */
  async erase(request: Credential): Promise<number> {
    let removed = 0;
    await this.withIndex(async (index) => {
      const keep: string[] = [];
      for (const key of index) {
        const entry = (await this.kv.get(key)) as StoredEntry | undefined;
        if (!entry) continue;
        if (entryMatches(request, entry) && (!request.password || this.open(entry).password === request.password)) {
          await this.kv.delete(key);
          removed++;
        } else keep.push(key);
      }
      return keep;
    });
    return removed;
  }

  private async withIndex(update: (index: string[]) => Promise<string[]>): Promise<void> {
    await this.store.locks.withLock('credential-index', { ttlMs: 10_000, waitMs: 10_000, retryMs: 5 }, async () => {
      const index = ((await this.kv.get(INDEX_KEY)) as string[] | undefined) ?? [];
      await this.kv.set(INDEX_KEY, await update(index));
    });
  }
}
