// `gatehouse mirror` as an operator uses it right after setting up.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { TestRepo } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('gatehouse mirror', () => {
  before(assertBuilt);

  it('mirror list right after mirror add reports the fetch add made', async (t) => {
    const root = tempDir(t);
    const env = gatehouseEnv(root);
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    const before = Date.now();
    const added = await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env });
    assert.equal(added.code, 0, added.stderr);

    const listed = await run(BINARY, ['mirror', 'list', '--json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const [row] = JSON.parse(listed.stdout) as Array<{ name: string; status: { lastFetchAt: number | null; lastError: string | null; fetches: number } }>;
    assert.equal(row?.name, 'app');
    assert.equal(row.status.fetches, 1);
    assert.equal(row.status.lastError, null);
    assert.ok(row.status.lastFetchAt !== null && row.status.lastFetchAt >= before, JSON.stringify(row.status));

    const text = await run(BINARY, ['mirror', 'list'], { env });
    assert.match(text.stdout, /^ {2}refreshed \d+ s ago$/m);
    assert.doesNotMatch(text.stdout, /never refreshed/);
  });
});
