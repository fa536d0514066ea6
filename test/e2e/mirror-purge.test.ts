// What the upstream purges leaves the gate too: protocol v2's upload-pack hands out any object
// it has by id, reachable or not, so after a force-push over a leaked secret (or a deleted
// branch) the mirror must no longer hold those objects at all.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer } from '../helpers/http-backend.ts';
import { freePort, waitForPort } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gatehouseEnv } from '../helpers/gate.ts';

const LEAK_MAIN = 'ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9nA';
const LEAK_BRANCH = 'ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9nB';

describe('a purge upstream purges the mirror', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let upstreamServer: HttpGitServer;
  let daemon: ChildProcess;
  let port: number;
  let upstream: TestRepo;
  let mirror: TestRepo;
  let url: string;
  const cleanups: Array<() => void> = [];
  let daemonLog = '';
  const logWaiters: Array<() => void> = [];
  /** Resolves once the daemon's log holds `text`; the log line can trail the client's exit. */
  const daemonLogged = async (text: string, from: number) => {
    while (!daemonLog.includes(text, from)) {
      if (daemon.exitCode !== null) assert.fail(`the daemon exited before logging ${text}`);
      await new Promise<void>((resolve) => logWaiters.push(resolve));
    }
  };

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-purge');
    env = gatehouseEnv(root, '[gate]\nfreshness_seconds = 0\nfetch_timeout_seconds = 20\n');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    upstreamServer = await startHttpGitServer(join(root, 'upstreams'));
    const added = await run(BINARY, ['mirror', 'add', 'app', `${upstreamServer.url}/app.git`], { env });
    assert.equal(added.code, 0, added.stderr);
    mirror = TestRepo.open(join(root, 'state/gatehouse/mirrors/app.git'));
    port = await freePort();
    url = `git://127.0.0.1:${port}/app.git`;
    // At info level the daemon folds git daemon's own stderr into its log: upload-pack's refusals.
    daemon = spawn(BINARY, ['daemon', '--port', String(port), '--log-level', 'info'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr!.on('data', (chunk: Buffer) => {
      daemonLog += chunk.toString();
      for (const waiter of logWaiters.splice(0)) waiter();
    });
    await waitForPort(port);
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await upstreamServer?.close();
    for (const fn of cleanups) fn();
  });

  // Never spawnSync git at the gate: the upstream HTTP server runs in this process.
  const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env });
  let fetches = 0;
  /**
   * A client that has never seen the leak asks the gate for one object by id. anyWant: as if the
   * operator had set uploadpack.allowAnySHA1InWant, without which v0 clients do not even ask.
   */
  const fetchById = async (oid: string, protocol: 0 | 2, anyWant = false) => {
    const dir = join(root, `by-id-${++fetches}`);
    new TestRepo(dir);
    if (anyWant) mirror.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    try {
      return { dir, ...(await git(dir, '-c', `protocol.version=${protocol}`, 'fetch', '--no-tags', url, oid)) };
    } finally {
      if (anyWant) mirror.git('config', '--unset', 'uploadpack.allowAnySHA1InWant');
    }
  };
  const objectIn = (repo: TestRepo, oid: string) => {
    try {
      repo.git('cat-file', '-e', oid);
      return true;
    } catch {
      return false;
    }
  };

  it('after a force-push and a branch deletion upstream, the leaked objects cannot be fetched by id', async () => {
    // The upstream owner's working copy, pushing straight into the upstream (not through the gate,
    // which would refuse the secrets).
    const owner = TestRepo.open(join(root, 'owner'));
    await git(root, 'clone', '-q', upstream.dir, owner.dir);
    const clean = owner.head();
    const leakCommit = owner.commit('add deploy config', { 'deploy.env': `GITHUB_TOKEN=${LEAK_MAIN}\n` });
    const leakBlob = owner.git('rev-parse', 'HEAD:deploy.env').trim();
    owner.git('checkout', '-q', '-b', 'wip');
    const branchCommit = owner.commit('wip: debugging', { 'debug.env': `TOKEN=${LEAK_BRANCH}\n` });
    const branchBlob = owner.git('rev-parse', 'HEAD:debug.env').trim();
    owner.git('push', '-q', 'origin', 'main', 'wip');

    const client = join(root, 'client');
    const cloned = await git(root, 'clone', '-q', url, client);
    assert.equal(cloned.code, 0, cloned.stderr);
    const leaked = [leakCommit, leakBlob, branchCommit, branchBlob];
    for (const oid of leaked) assert.ok(objectIn(mirror, oid), `the mirror holds ${oid} once it was upstream`);
    // The checks below can fail: before the purge, both ways of asking get an object by id.
    for (const [protocol, anyWant] of [[2, false], [0, true]] as const) {
      const control = await fetchById(branchBlob, protocol, anyWant);
      assert.equal(control.code, 0, `v${protocol} serves a blob by id: ${control.stderr}`);
    }

    owner.git('push', '-q', '--force', 'origin', `${clean}:refs/heads/main`, ':refs/heads/wip');
    const refreshed = await git(client, 'fetch', '-q', '--prune', 'origin');
    assert.equal(refreshed.code, 0, refreshed.stderr);

    for (const oid of leaked) {
      assert.equal(objectIn(mirror, oid), false, `${oid} is gone from the mirror`);
      for (const [protocol, anyWant] of [[2, false], [0, false], [0, true]] as const) {
        const logFrom = daemonLog.length;
        const result = await fetchById(oid, protocol, anyWant);
        assert.notEqual(result.code, 0, `v${protocol}${anyWant ? ' (any want allowed)' : ''} must not serve ${oid}`);
        assert.equal(objectIn(TestRepo.open(result.dir), oid), false, `the fetch left no copy of ${oid}`);
        if (!anyWant && protocol === 0) {
          // A v0 client does not even ask for an object the server did not advertise.
          assert.match(result.stderr, /unadvertised object/);
          continue;
        }
        // The server refuses. Its ERR packet usually reaches the client, but upload-pack exits
        // with the rest of the request unread, so the client's socket may be reset first; the
        // daemon's log holds the refusal either way.
        if (!/not our ref/.test(result.stderr)) assert.match(result.stderr, /Connection reset by peer/);
        await daemonLogged(`not our ref ${oid}`, logFrom);
      }
    }

    // Everything still reachable is still served, and the mirror is whole.
    const fresh = join(root, 'after-purge');
    const again = await git(root, 'clone', '-q', url, fresh);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(TestRepo.open(fresh).head(), clean);
    const fsck = await git(mirror.dir, 'fsck', '--no-dangling');
    assert.equal(fsck.code, 0, fsck.stderr);
    assert.equal(fsck.stdout.trim(), '');
  });
});
