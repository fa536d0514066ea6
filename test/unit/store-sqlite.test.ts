import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/factory.ts';
import { storeContract } from '../helpers/store-contract.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('store: embedded SQLite', () => {
  const dir = tempDir({ after: (fn: () => void) => process.on('exit', fn) }, 'gatehouse-sqlite');
  storeContract((options) => openStore({ url: 'sqlite', stateDir: join(dir, 'state'), prefix: 'test', ...options }));

  it('a read-only opening of a store never written creates nothing and answers nothing', async (t) => {
    const stateDir = join(tempDir(t), 'state');
    const store = await openStore({ url: 'sqlite', stateDir, prefix: 'test', readOnly: true });
    assert.equal(await store.read('credentials', 'index'), undefined);
    await store.close();
    assert.equal(existsSync(stateDir), false);
  });

  it('a read-only opening of a store without tables yet answers nothing', async (t) => {
    const stateDir = join(tempDir(t), 'state');
    const writer = await openStore({ url: 'sqlite', stateDir, prefix: 'test' });
    await writer.close();
    const store = await openStore({ url: 'sqlite', stateDir, prefix: 'test', readOnly: true });
    assert.equal(await store.read('credentials', 'index'), undefined);
    await store.close();
  });

  it('a read-only opening refuses keyv views and locks, and writes nothing', async (t) => {
    const stateDir = join(tempDir(t), 'state');
    const writer = await openStore({ url: 'sqlite', stateDir, prefix: 'test' });
    await writer.namespace('n').set('k', 'v');
    await writer.close();
    const before = readFileSync(join(stateDir, SQLITE_FILE_NAME));
    const store = await openStore({ url: 'sqlite', stateDir, prefix: 'test', readOnly: true });
    assert.throws(() => store.namespace('n'), /read-only/);
    assert.throws(() => store.locks, /read-only/);
    assert.equal(await store.read('n', 'k'), 'v');
    await store.close();
    assert.deepEqual(readFileSync(join(stateDir, SQLITE_FILE_NAME)), before);
  });

  it('creates the state dir 0700 and the database 0600', async (t) => {
    const stateDir = join(tempDir(t), 'state');
    const store = await openStore({ url: 'sqlite', stateDir, prefix: 'test' });
    await store.namespace('x').set('k', 'v');
    await store.close();
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(stateDir, SQLITE_FILE_NAME)).mode & 0o777, 0o600);
  });

  it('takes an explicit sqlite:// path', async (t) => {
    const file = join(tempDir(t), 'elsewhere.db');
    const store = await openStore({ url: `sqlite://${file}`, stateDir: '/nonexistent', prefix: 'test' });
    assert.equal(store.location, file);
    await store.close();
  });

  it('fails with a clear error when the state dir cannot be written', async () => {
    await assert.rejects(openStore({ url: 'sqlite:///proc/gatehouse-cannot-write.db', stateDir: '/proc', prefix: 't' }), /cannot open the state store/);
  });

  it('one lock holder among separate OS processes', async (t) => {
    const stateDir = join(tempDir(t), 'state');
    // Each child takes the lock, holds it briefly, and prints when it had it.
    const script = `
      const { openStore } = await import(${JSON.stringify(new URL('../../src/store/factory.ts', import.meta.url).href)});
      const store = await openStore({ url: 'sqlite', stateDir: ${JSON.stringify(stateDir)}, prefix: 'p' });
      await store.locks.withLock('shared', { ttlMs: 10000, waitMs: 20000, retryMs: 5 }, async () => {
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 60));
        console.log(JSON.stringify({ start, end: Date.now() }));
      });
      await store.close();`;
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ start: number; end: number }>((resolve, reject) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (c: Buffer) => (out += c));
            child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
          }),
      ),
    );
    runs.sort((a, b) => a.start - b.start);
    for (let i = 1; i < runs.length; i++) {
      assert.ok(runs[i]!.start >= runs[i - 1]!.end, `critical sections overlapped: ${JSON.stringify(runs)}`);
    }
  });
});
