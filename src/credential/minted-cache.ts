// Short-lived credentials (GitHub App installation tokens, lookups) are cached sealed in the
// store until shortly before they expire. Concurrent helpers wanting the same one take a lock,
// so N simultaneous gets cause one mint, and an expired token is never handed out.
import { GatehouseError } from '../errors.ts';
import type { Store } from '../store/factory.ts';
import type { SecretBox } from './encryption.ts';
import type { SourceAnswer } from './sources.ts';

export const MINTED_NAMESPACE = 'minted';

interface CachedMint {
  sealed: string;
  expiresAt: number;
}

export interface MintOptions {
  refreshBeforeSeconds: number;
  now?: () => number;
}

/** The cached credential if it is still good for refreshBeforeSeconds; works on a read-only store. */
export async function cachedMintHit(store: Store, box: SecretBox, cacheKey: string, options: MintOptions): Promise<SourceAnswer | null> {
  const now = options.now ?? (() => Date.now() / 1000);
  const cached = (await store.read(MINTED_NAMESPACE, cacheKey)) as CachedMint | undefined;
  if (!cached || cached.expiresAt - options.refreshBeforeSeconds <= now()) return null;
  return { password: box.open(cached.sealed, cacheKey), expiresAt: cached.expiresAt };
}

/** The cached credential, else one minted under the store's lock (a writable store). */
export async function cachedMint(store: Store, box: SecretBox, cacheKey: string, options: MintOptions, mint: () => Promise<SourceAnswer>): Promise<SourceAnswer> {
  const now = options.now ?? (() => Date.now() / 1000);
  const kv = store.namespace(MINTED_NAMESPACE);
  const usable = () => cachedMintHit(store, box, cacheKey, options);
  const hit = await usable();
  if (hit) return hit;
  return store.locks.withLock(`mint:${cacheKey}`, { ttlMs: 60_000, waitMs: 60_000, retryMs: 10 }, async () => {
    const again = await usable();
    if (again) return again;
    const minted = await mint();
    const expiresAt = minted.expiresAt ?? now() + 300;
    if (expiresAt <= now()) throw new GatehouseError('the credential minted has already expired (is the clock of this machine or the issuer wrong?)');
    const ttlMs = Math.max(1, (expiresAt - options.refreshBeforeSeconds - now()) * 1000);
    await kv.set(cacheKey, { sealed: box.seal(minted.password, cacheKey), expiresAt } satisfies CachedMint, ttlMs);
    return { password: minted.password, expiresAt };
  });
}
