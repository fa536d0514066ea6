// The refresh's purge with real git and a local upstream, no daemon: a fast-forward costs no
// repack, a rewrite removes what it orphaned, a purge that cannot finish fails closed and is
// retried, and a ref a racing push left incomplete is taken afresh from the upstream.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { readMirrorSettings } from '../../src/gate/mirror-settings.ts';
import { refreshMirror, type RefreshOutcome } from '../../src/gate/refresh.ts';
import { openStore } from '../../src/store/factory.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

async function setUp(t: TestContext) {
  const root = tempDir(t, 'gatehouse-purge');
  const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
  const owner = new TestRepo(join(root, 'owner'));
  owner.commit('initial', { 'README.md': '# app\n' });
  owner.git('push', '-q', upstream.dir, 'main');
  const mirror = new TestRepo(join(root, 'mirror.git'), { bare: true });
  mirror.git('config', 'gatehouse.name', 'app');
  mirror.git('config', 'gatehouse.upstream', upstream.dir);
  mirror.git('config', 'core.logAllRefUpdates', 'false');
  const store = await openStore({ url: 'sqlite', stateDir: join(root, 'state'), prefix: 'test' });
  t.after(() => store.close());
  const settings = await readMirrorSettings(mirror.dir, GIT_ENV);
  // Every refresh is due: a clock that moves a second per reading.
  let clock = 0;
  const refresh = () => refreshMirror(settings, store, GIT_ENV, { freshnessMs: 0, fetchTimeoutMs: 20_000, waitMs: 0, leaseMs: 10_000, replica: 'test', now: () => (clock += 1000) });
  const push = (...args: string[]) => owner.git('push', '-q', '--force', upstream.dir, ...args);
  const packs = () => readdirSync(join(mirror.dir, 'objects/pack')).filter((f) => f.endsWith('.pack')).sort();
  const has = (oid: string) => {
    try {
      mirror.git('cat-file', '-e', oid);
      return true;
    } catch {
      return false;
    }
  };
  const fetched = (outcome: RefreshOutcome) => {
    assert.equal(outcome.kind, 'fetched', outcome.kind === 'failed' ? outcome.error : '');
    return outcome as Extract<RefreshOutcome, { kind: 'fetched' }>;
  };
  assert.equal((await refresh()).kind, 'fetched');
  // The mirror's history in a pack, as after any clone of size: a repack would replace it.
  mirror.git('repack', '-a', '-d', '-q');
  return { root, upstream, owner, mirror, refresh, push, packs, has, fetched };
}

describe('refresh purges what the upstream no longer has', () => {
  it('a refresh that only moves refs forward runs no repack', async (t) => {
    const { owner, push, packs, refresh, fetched } = await setUp(t);
    const before = packs();
    assert.equal(before.length, 1);
    owner.git('checkout', '-q', '-b', 'topic');
    owner.commit('topic work', { 'topic.txt': 'topic\n' });
    push('topic');
    assert.equal(fetched(await refresh()).purged, 0);
    // main catches up with topic, and topic, now merged, is deleted: nothing is orphaned.
    owner.git('checkout', '-q', 'main');
    owner.git('merge', '-q', '--ff-only', 'topic');
    owner.commit('more', { 'more.txt': 'more\n' });
    push('main', ':topic');
    assert.equal(fetched(await refresh()).purged, 0);
    assert.deepEqual(packs(), before, 'the packs the mirror had are untouched');
  });

  it('a force-push and a branch deletion remove what they orphaned, packed or loose, and only that', async (t) => {
    const { owner, mirror, push, packs, refresh, has, fetched } = await setUp(t);
    const clean = owner.head();
    const leak = owner.commit('leak', { 'leak.env': 'TOKEN=x\n' });
    push('main');
    fetched(await refresh());
    mirror.git('repack', '-a', '-d', '-q'); // this leak packed with the rest
    const packed = packs();
    owner.git('checkout', '-q', '-b', 'wip', clean);
    const wip = owner.commit('wip', { 'wip.env': 'TOKEN=y\n' });
    push('wip');
    fetched(await refresh()); // this one loose, as small fetches are
    assert.ok(has(wip));
    owner.git('checkout', '-q', 'main');
    owner.git('reset', '-q', '--hard', clean);
    const fixed = owner.commit('config without the token', { 'config.txt': 'ok\n' });
    push('main', ':wip');
    const outcome = fetched(await refresh());
    assert.equal(outcome.purged, 6, 'each leak: the commit, its tree and the blob');
    assert.equal(has(leak), false);
    assert.equal(has(wip), false);
    assert.equal(has(fixed), true);
    assert.notDeepEqual(packs(), packed, 'the pack holding the leak was rewritten');
    assert.equal(mirror.git('fsck', '--no-dangling').trim(), '');
  });

  it('a purge that cannot finish fails the refresh, and the next one finishes it', async (t) => {
    const { owner, mirror, push, packs, refresh, has, fetched } = await setUp(t);
    const clean = owner.head();
    const leak = owner.commit('leak', { 'leak.env': 'TOKEN=x\n' });
    push('main');
    fetched(await refresh());
    mirror.git('repack', '-a', '-d', '-q');
    const keep = join(mirror.dir, 'objects/pack', packs()[0]!.replace(/\.pack$/, '.keep'));
    writeFileSync(keep, 'held by an operator\n');
    push(`${clean}:refs/heads/main`);
    const failed = await refresh();
    assert.equal(failed.kind, 'failed');
    assert.match(failed.kind === 'failed' ? failed.error : '', /still in the mirror after repacking/);
    assert.equal(has(leak), true);
    rmSync(keep);
    // The upstream has not moved since: only the purge left to do brings the leak up again.
    assert.ok(fetched(await refresh()).purged > 0);
    assert.equal(has(leak), false);
  });

  it('a ref a push left without its objects is taken afresh from the upstream', async (t) => {
    const { root, upstream, owner, mirror, refresh, has, fetched } = await setUp(t);
    // As if a purge had raced two pushes: receive-pack updated the refs, but of main's new commit
    // only the commit object is left, and feature's commit is gone altogether. The upstream has
    // both whole, since the gate forwarded the pushes before the mirror took them.
    const pusher = TestRepo.open(join(root, 'pusher'));
    owner.git('clone', '-q', upstream.dir, pusher.dir);
    const main = pusher.commit('pushed through the gate', { 'pushed.txt': 'pushed\n' });
    pusher.git('checkout', '-q', '-b', 'feature');
    const feature = pusher.commit('feature', { 'feature.txt': 'feature\n' });
    pusher.git('push', '-q', 'origin', 'main', 'feature');
    writeFileSync(join(root, 'commit'), pusher.git('cat-file', 'commit', main));
    assert.equal(mirror.git('hash-object', '-t', 'commit', '-w', join(root, 'commit')).trim(), main);
    mirror.git('update-ref', 'refs/heads/main', main);
    writeFileSync(join(mirror.dir, 'refs/heads/feature'), `${feature}\n`);
    assert.equal(has(`${main}^{tree}`), false);

    const outcome = fetched(await refresh());
    assert.deepEqual(outcome.repaired.sort(), ['refs/heads/feature', 'refs/heads/main']);
    assert.equal(mirror.git('rev-parse', 'refs/heads/main').trim(), main);
    assert.equal(mirror.git('rev-parse', 'refs/heads/feature').trim(), feature);
    assert.equal(mirror.git('fsck', '--no-dangling').trim(), '');
  });
});
