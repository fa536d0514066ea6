// The behaviour every store backend must show, run against SQLite and against a real Redis.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../../src/store/factory.ts';
import { holdLease } from '../../src/store/lease.ts';
import type { Lock } from '../../src/store/lock.ts';

// A fake value shaped like a GitHub token: the trail must redact it as the log does.
const AUDIT_PLANT = 'ghp_' + 'Zq8Lm3Nv7Bx2Kc9Wd4Rf6Ty1Hs5Jg0Pa2Ue';

/** open({ readOnly: true }) must give a store whose read() works; Redis may ignore the flag. */
export function storeContract(open: (options?: { readOnly?: boolean }) => Promise<Store>): void {
  it('read() answers what namespace().get() does, in a writable and in a read-only opening', async () => {
    const writer = await open();
    try {
      const values: Record<string, unknown> = {
        object: { protocol: 'https', host: 'h', path: '', username: ':colon-user', sealed: 'v1.abc' },
        index: [JSON.stringify(['https', 'h', '', '']), '::two', ':base64:not-a-buffer'],
        text: ':starts-with-colon',
        number: 42,
        flag: true,
        buffer: Buffer.from([0, 1, 2, 255]),
      };
      const ns = writer.namespace('read-contract');
      for (const [key, value] of Object.entries(values)) await ns.set(key, value);
      await writer.namespace('read-contract-other').set('only-here', 'x');
      const reader = await open({ readOnly: true });
      try {
        // A TTL long enough for a loaded machine to read it back before it runs out.
        await ns.set('ttl', 'soon gone', 1000);
        const setAt = Date.now();
        assert.equal(await writer.read('read-contract', 'ttl'), 'soon gone');
        assert.equal(await reader.read('read-contract', 'ttl'), 'soon gone');
        for (const store of [writer, reader]) {
          for (const [key, value] of Object.entries(values)) {
            assert.deepEqual(await store.read('read-contract', key), value, key);
            assert.deepEqual(await store.read('read-contract', key), await ns.get(key), key);
          }
          assert.equal(await store.read('read-contract', 'absent'), undefined);
          assert.equal(await store.read('read-contract', 'only-here'), undefined, 'namespaces stay apart');
          assert.equal(await store.read('read-contract-unused', 'object'), undefined);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, setAt + 1100 - Date.now())));
        assert.equal(await writer.read('read-contract', 'ttl'), undefined);
        assert.equal(await reader.read('read-contract', 'ttl'), undefined);
        // The reader sees what is written after it opened, as another process would.
        await ns.set('later', 'seen');
        assert.equal(await reader.read('read-contract', 'later'), 'seen');
      } finally {
        await reader.close();
      }
    } finally {
      await writer.close();
    }
  });

  it('keeps values per namespace, with get/set/delete/has', async () => {
    const store = await open();
    try {
      const a = store.namespace('alpha');
      const b = store.namespace('beta');
      await a.set('k', { verdict: 'clean', rules: ['x'] });
      await b.set('k', 'other');
      assert.deepEqual(await a.get('k'), { verdict: 'clean', rules: ['x'] });
      assert.equal(await b.get('k'), 'other');
      assert.equal(await a.has('k'), true);
      assert.equal(await a.delete('k'), true);
      assert.equal(await a.get('k'), undefined);
      assert.equal(await b.get('k'), 'other');
    } finally {
      await store.close();
    }
  });

  it('clear() empties one namespace and leaves the others', async () => {
    const store = await open();
    try {
      const a = store.namespace('clear-a');
      const b = store.namespace('clear-b');
      await a.set('1', 1);
      await a.set('2', 2);
      await b.set('1', 'kept');
      await a.clear();
      assert.equal(await a.get('1'), undefined);
      assert.equal(await a.get('2'), undefined);
      assert.equal(await b.get('1'), 'kept');
    } finally {
      await store.close();
    }
  });

  it('expires values after their TTL', async () => {
    const store = await open();
    try {
      const ns = store.namespace('ttl');
      await ns.set('short', 'v', 60);
      await ns.set('long', 'v', 60_000);
      assert.equal(await ns.get('short'), 'v');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await ns.get('short'), undefined);
      assert.equal(await ns.get('long'), 'v');
    } finally {
      await store.close();
    }
  });

  it('is shared by two openings, as by two gatehouse processes', async () => {
    const first = await open();
    const second = await open();
    try {
      await first.namespace('shared').set('seen', 'yes');
      assert.equal(await second.namespace('shared').get('seen'), 'yes');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a lock has one holder at a time across openings, and only the owner releases it', async () => {
    const first = await open();
    const second = await open();
    try {
      const held = await first.locks.acquire('repo:app', { ttlMs: 10_000 });
      assert.ok(held);
      assert.equal(await second.locks.acquire('repo:app', { ttlMs: 10_000 }), null);
      // A different lock name is independent.
      const other = await second.locks.acquire('repo:other', { ttlMs: 10_000 });
      assert.ok(other);
      assert.equal(await other.release(), true);
      // A stranger's token cannot free it.
      const stranger = await second.locks.acquire('repo:app', { ttlMs: 10_000 });
      assert.equal(stranger, null);
      assert.equal(await held.release(), true);
      assert.equal(await held.release(), false, 'a second release is a no-op');
      const next = await second.locks.acquire('repo:app', { ttlMs: 10_000 });
      assert.ok(next);
      await next.release();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a lock whose holder died expires after its TTL, and the old owner cannot release or extend it', async () => {
    const first = await open();
    const second = await open();
    try {
      const stale = await first.locks.acquire('repo:ttl', { ttlMs: 80 });
      assert.ok(stale);
      const waited = await second.locks.acquire('repo:ttl', { ttlMs: 10_000, waitMs: 2_000, retryMs: 10 });
      assert.ok(waited, 'the waiter gets the lock once the TTL runs out');
      assert.equal(await stale.release(), false);
      assert.equal(await stale.extend(10_000), false);
      assert.equal(await stale.holds(), false, 'the fencing check fails for the holder whose lock moved on');
      assert.equal(await waited.holds(), true);
      assert.equal(await waited.extend(10_000), true);
      assert.equal(await waited.release(), true);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('withLock serialises concurrent critical sections', async () => {
    const stores = await Promise.all([open(), open(), open()]);
    try {
      let inside = 0;
      let maxInside = 0;
      const order: number[] = [];
      await Promise.all(
        stores.flatMap((store, s) =>
          [0, 1].map((i) =>
            store.locks.withLock('section', { ttlMs: 5_000, waitMs: 5_000, retryMs: 5 }, async () => {
              inside++;
              maxInside = Math.max(maxInside, inside);
              await new Promise((resolve) => setTimeout(resolve, 15));
              order.push(s * 10 + i);
              inside--;
            }),
          ),
        ),
      );
      assert.equal(maxInside, 1);
      assert.equal(order.length, 6);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a lease is renewed while its holder lives, frees when the heartbeat stops, and says when it is lost', async () => {
    const first = await open();
    const second = await open();
    try {
      // Leases long enough that a loaded machine renews them in time; the test waits on renewals, not on time.
      const leaseMs = 1500;
      const lock = await first.locks.acquire('repo:lease', { ttlMs: leaseMs });
      assert.ok(lock);
      // Count the heartbeat's renewals: three of them outlive the first lease.
      let renewals = 0;
      let renewed: () => void = () => {};
      const counted: Lock = { ...lock, extend: async (ttlMs) => {
        const held = await lock.extend(ttlMs);
        renewals++;
        renewed();
        return held;
      } };
      const lease = holdLease(counted, leaseMs);
      while (renewals < 3) await new Promise<void>((resolve) => (renewed = resolve));
      assert.equal(await second.locks.acquire('repo:lease', { ttlMs: leaseMs }), null, 'a renewed lease is still held');
      assert.equal(lease.lost.aborted, false);
      lease.stop();
      const next = await second.locks.acquire('repo:lease', { ttlMs: leaseMs, waitMs: 30_000, retryMs: 10 });
      assert.ok(next, 'a lease nobody renews frees');

      // A lease whose lock another holder took is lost at its next renewal.
      const taken = holdLease(next, leaseMs);
      const lost = new Promise<unknown>((resolve) => taken.lost.addEventListener('abort', () => resolve(taken.lost.reason)));
      assert.equal(await next.release(), true);
      const thief = await first.locks.acquire('repo:lease', { ttlMs: 10_000 });
      assert.ok(thief);
      assert.match(String(await lost), /lost the lock repo:lease/);
      taken.stop();
      await thief.release();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('audit trail: two openings append to one trail, in order, redacted, and a follower wakes for the other\'s entry', async () => {
    const [one, two] = [await open(), await open()];
    try {
      const start = await one.audit.newestId();
      await one.audit.append({ kind: 'push.refused', mirror: 'app', reason: 'secrets found', note: `token ${AUDIT_PLANT}` });
      await two.audit.append({ kind: 'push.accepted', mirror: 'app' });
      const seen = await two.audit.after(start, 0);
      assert.deepEqual(seen.map((e) => e.event.kind), ['push.refused', 'push.accepted']);
      assert.equal(JSON.stringify(seen).includes(AUDIT_PLANT), false, 'the trail holds no secret');
      assert.match(String(seen[0]!.event.note), /^token \S*REDACTED/);
      assert.deepEqual((await one.audit.latest(2)).map((e) => e.id), seen.map((e) => e.id));
      assert.ok(!Number.isNaN(Date.parse(seen[0]!.time)));

      const last = seen.at(-1)!.id;
      assert.deepEqual(await one.audit.after(last, 0), [], 'nothing after the newest');
      assert.equal(await one.audit.newestId(), last);
      const waiting = one.audit.after(last, 60_000);
      await two.audit.append({ kind: 'token.used', jti: 'j1' });
      const woke = await waiting;
      assert.deepEqual(woke.map((e) => e.event), [{ kind: 'token.used', jti: 'j1' }]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('increment: one total across openings, atomic under concurrency, and a fresh start after it expires', async () => {
    const [one, two] = [await open(), await open()];
    try {
      const name = `contract-${Date.now()}-${Math.random()}`;
      const totals = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).increment(name, 3, 60_000)));
      assert.deepEqual([...totals].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => 3 * (i + 1)), 'each increment saw its own total');
      assert.equal(await two.increment(name, 0, 60_000), 120);
      // A short-lived counter: once its expiry has passed (this machine's clock, which Redis here shares), it starts again.
      const brief = `${name}-brief`;
      assert.equal(await one.increment(brief, 5, 50), 5);
      const expiredAt = Date.now() + 80;
      while (Date.now() < expiredAt) await new Promise((resolve) => setTimeout(resolve, expiredAt - Date.now()));
      const again = await two.increment(brief, 1, 60_000);
      assert.equal(again, 1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
}
