import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TokenRateLimiter } from '../../src/net/rate-limit.ts';
import { openStore } from '../../src/store/factory.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('per-token rate limits', () => {
  const clockAt = (start: number) => {
    const clock = { now: start };
    return { clock, now: () => clock.now };
  };

  it('counts requests per window, says when to retry, and starts again in the next window', async (t) => {
    const store = await openStore({ url: 'sqlite', stateDir: join(tempDir(t), 'state'), prefix: 'test' });
    t.after(() => store.close());
    const { clock, now } = clockAt(1_000_000 * 60_000 + 15_000); // 15 s into a minute
    const limiter = new TokenRateLimiter(store, { requests: 2, bytes: 0, windowSeconds: 60 }, now);
    assert.deepEqual(await limiter.admit('a'), { allowed: true });
    assert.deepEqual(await limiter.admit('a'), { allowed: true });
    assert.deepEqual(await limiter.admit('a'), { allowed: false, reason: 'more than 2 requests in 60 s for this token', retryAfterSeconds: 45 });
    assert.deepEqual(await limiter.admit('b'), { allowed: true }, 'each token has its own count');
    clock.now += 45_000;
    assert.deepEqual(await limiter.admit('a'), { allowed: true }, 'a new window');
  });

  it('counts bytes once a request is done: the request that crosses the limit finishes, the next is refused', async (t) => {
    const store = await openStore({ url: 'sqlite', stateDir: join(tempDir(t), 'state'), prefix: 'test' });
    t.after(() => store.close());
    const { now } = clockAt(2_000_000 * 60_000);
    const limiter = new TokenRateLimiter(store, { requests: 0, bytes: 1000, windowSeconds: 60 }, now);
    assert.deepEqual(await limiter.admit('a'), { allowed: true });
    await limiter.charge('a', 999);
    assert.deepEqual(await limiter.admit('a'), { allowed: true });
    await limiter.charge('a', 5000);
    assert.deepEqual(await limiter.admit('a'), { allowed: false, reason: '1000 bytes in 60 s used for this token', retryAfterSeconds: 60 });
  });

  it('with no limits set it is inactive', async (t) => {
    const store = await openStore({ url: 'sqlite', stateDir: join(tempDir(t), 'state'), prefix: 'test' });
    t.after(() => store.close());
    assert.equal(new TokenRateLimiter(store, { requests: 0, bytes: 0, windowSeconds: 60 }).active, false);
    assert.equal(new TokenRateLimiter(store, { requests: 1, bytes: 0, windowSeconds: 60 }).active, true);
  });
});
