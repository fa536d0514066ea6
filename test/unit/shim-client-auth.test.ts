// The shim's client-token check with its cache of verified claims: the cache never outlives a
// token's expiry, stays bounded, keeps no token that failed, and does not delay revocation.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mintToken, TokenError } from '../../src/credential/tokens.ts';
import { revokeToken } from '../../src/gate/token-checks.ts';
import { authorizeClient, VerifiedTokens } from '../../src/shim/client-auth.ts';
import { openStore } from '../../src/store/factory.ts';
import { tempDir } from '../helpers/tmp.ts';

const key = randomBytes(32);
const T0 = Date.UTC(2030, 0, 1);
const shimToken = (ttlSeconds: number, now = T0) => mintToken(key, { kind: 'shim', routes: ['/api/'], methods: ['GET'] }, ttlSeconds, now);

describe('shim client tokens: the verified-claims cache', () => {
  it('a cached token is refused once it expires', async () => {
    let now = T0;
    const cache = new VerifiedTokens(10, () => now);
    const { token, claims } = await shimToken(10);
    assert.equal((await cache.verify(key, token)).jti, claims.jti);
    now = T0 + 9_000;
    assert.equal((await cache.verify(key, token)).jti, claims.jti);
    now = T0 + 10_000; // exp itself: refused, as jose refuses it
    await assert.rejects(cache.verify(key, token), (e: unknown) => e instanceof TokenError && /expired/.test(e.message));
  });

  it('keeps at most max tokens, and none that failed to verify', async () => {
    const cache = new VerifiedTokens(2, () => T0);
    for (let i = 0; i < 3; i++) await cache.verify(key, (await shimToken(60)).token);
    assert.equal(cache.size, 2);
    const other = await mintToken(randomBytes(32), { kind: 'shim', routes: ['*'] }, 60, T0);
    const fresh = new VerifiedTokens(2, () => T0);
    await assert.rejects(fresh.verify(key, other.token), TokenError);
    await assert.rejects(fresh.verify(key, `${(await shimToken(60)).token}x`), TokenError);
    assert.equal(fresh.size, 0);
  });

  it('a revoked token is refused on the very next request, with its claims cached', async (t) => {
    const store = await openStore({ url: 'sqlite', stateDir: join(tempDir(t), 'state'), prefix: 'test' });
    t.after(() => store.close());
    const verified = new VerifiedTokens();
    const { token, claims } = await mintToken(key, { kind: 'shim', routes: ['/api/'], methods: ['GET'] }, 3600);
    const ask = () => authorizeClient({ token, store, key, prefix: '/api/', method: 'GET', verified });
    assert.equal((await ask()).jti, claims.jti);
    assert.equal((await ask()).jti, claims.jti);
    assert.equal(verified.size, 1);
    await revokeToken(store, claims.jti, claims.exp);
    await assert.rejects(ask(), (e: unknown) => e instanceof TokenError && e.status === 401 && /revoked/.test(e.message));
  });

  it('scope is checked on every request, cached or not', async (t) => {
    const store = await openStore({ url: 'sqlite', stateDir: join(tempDir(t), 'state'), prefix: 'test' });
    t.after(() => store.close());
    const verified = new VerifiedTokens();
    const { token } = await mintToken(key, { kind: 'shim', routes: ['/api/'], methods: ['GET'] }, 3600);
    await authorizeClient({ token, store, key, prefix: '/api/', method: 'GET', verified });
    await assert.rejects(authorizeClient({ token, store, key, prefix: '/other/', method: 'GET', verified }), (e: unknown) => e instanceof TokenError && e.status === 403);
    await assert.rejects(authorizeClient({ token, store, key, prefix: '/api/', method: 'POST', verified }), (e: unknown) => e instanceof TokenError && e.status === 403);
  });
});
