import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/factory.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { storeContract } from '../helpers/store-contract.ts';

describe('store: real redis-server', () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  storeContract((options) => openStore({ url: redis.url, stateDir: '/nonexistent', prefix: 'test', ...options }));

  it('keeps two prefixes (two gatehouse installations) apart in one Redis', async () => {
    const one: Store = await openStore({ url: redis.url, stateDir: '/x', prefix: 'one' });
    const two: Store = await openStore({ url: redis.url, stateDir: '/x', prefix: 'two' });
    try {
      await one.namespace('n').set('k', 1);
      assert.equal(await two.namespace('n').get('k'), undefined);
      const lock = await one.locks.acquire('l', { ttlMs: 5000 });
      assert.ok(lock);
      assert.ok(await two.locks.acquire('l', { ttlMs: 5000 }), 'locks are per prefix');
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('authenticates with a password and refuses without it, without echoing it', async () => {
    const secured = await startRedis({ password: 'redis-test-pass-0001' });
    try {
      const store = await openStore({ url: secured.url, stateDir: '/x', prefix: 'p', password: 'redis-test-pass-0001' });
      await store.ping();
      await store.close();
      await assert.rejects(
        openStore({ url: secured.url, stateDir: '/x', prefix: 'p', password: 'wrong-pass-0002' }),
        (error: Error) => /cannot connect to the Redis store/.test(error.message) && !error.message.includes('wrong-pass-0002'),
      );
    } finally {
      await secured.stop();
    }
  });

  it('fails fast with a clear error when Redis is down', async () => {
    const started = Date.now();
    await assert.rejects(openStore({ url: 'redis://127.0.0.1:1', stateDir: '/x', prefix: 'p', connectTimeoutMs: 500 }), /cannot connect to the Redis store at redis:\/\/127\.0\.0\.1:1/);
    assert.ok(Date.now() - started < 10_000);
  });
});
