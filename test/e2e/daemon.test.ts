// The gate as clients meet it: gatehouse daemon (real git daemon) over mirrors created with
// `gatehouse mirror add`, an upstream served by git http-backend, clones and pushes over git://.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer } from '../helpers/http-backend.ts';
import { freePort } from '../helpers/redis.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { waitForPort } from '../helpers/net.ts';

describe('gatehouse daemon', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let upstreamServer: HttpGitServer;
  let daemon: ChildProcess;
  let port: number;
  let upstreamRepo: TestRepo;
  const cleanups: Array<() => void> = [];

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-daemon');
    env = gatehouseEnv(root, '[gate]\nfreshness_seconds = 0\nfetch_timeout_seconds = 20\n');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    upstreamRepo = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    upstreamRepo.git('config', 'http.receivepack', 'true');
    seed.git('push', '-q', upstreamRepo.dir, 'main');
    upstreamServer = await startHttpGitServer(join(root, 'upstreams'));
    const added = await run(BINARY, ['mirror', 'add', 'app', `${upstreamServer.url}/app.git`], { env });
    assert.equal(added.code, 0, added.stderr);
    port = await freePort();
    daemon = spawn(BINARY, ['daemon', '--port', String(port), '--log-level', 'warn'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForPort(port);
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await upstreamServer?.close();
    for (const fn of cleanups) fn();
  });

  // Never spawnSync here: the upstream HTTP server runs in this process and must keep serving.
  const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env }).then((r) => ({ status: r.code, stdout: r.stdout, stderr: r.stderr }));

  it('clones through the gate, refreshing the mirror from upstream first', async () => {
    const fresh = new TestRepo(join(root, 'direct'));
    fresh.git('fetch', '-q', upstreamRepo.dir, 'main');
    fresh.git('checkout', '-q', 'FETCH_HEAD');
    const newer = fresh.commit('upstream moved', { 'upstream.txt': 'new\n' });
    fresh.git('push', '-q', upstreamRepo.dir, 'HEAD:main');
    const dest = join(root, 'clone1');
    const cloned = await git(root, 'clone', '-q', `git://127.0.0.1:${port}/app.git`, dest);
    assert.equal(cloned.status, 0, cloned.stderr);
    assert.equal(TestRepo.open(dest).ref('HEAD'), newer, 'the clone sees what the upstream had a moment ago');
  });

  it('forwards a clean push and refuses one with a secret', async () => {
    const dest = join(root, 'clone2');
    assert.equal((await git(root, 'clone', '-q', `git://127.0.0.1:${port}/app.git`, dest)).status, 0);
    const client = TestRepo.open(dest);
    const clean = client.commit('clean', { 'clean.txt': 'ok\n' });
    const pushed = await git(dest, 'push', '-q', 'origin', 'main');
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.equal(upstreamRepo.ref('refs/heads/main'), clean);
    client.commit('leak', { 'leak.env': `TOKEN=${FAKE.githubPat()}\n` });
    const refused = await git(dest, 'push', 'origin', 'main');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /remote: .*push REJECTED: secrets found/);
    assert.equal(refused.stderr.includes(FAKE.githubPat()), false);
    assert.equal(upstreamRepo.ref('refs/heads/main'), clean);
  });

  it('denies repositories that are not mirrors', async () => {
    const result = await git(root, 'ls-remote', `git://127.0.0.1:${port}/nope.git`);
    assert.notEqual(result.status, 0);
  });

  it('20 concurrent clones of one repository cause one upstream fetch', async () => {
    // Let the mirror age past freshness 0, then move the upstream so a refresh is due.
    const before = upstreamServer.uploadPackRequests;
    const clones = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise<number>((resolve) => {
          const child = spawn('git', ['clone', '-q', `git://127.0.0.1:${port}/app.git`, join(root, `many-${i}`)], { env, stdio: 'ignore' });
          child.on('close', (code) => resolve(code ?? -1));
        }),
      ),
    );
    assert.deepEqual(clones, Array(20).fill(0));
    const fetches = upstreamServer.uploadPackRequests - before;
    // ls-remote --symref for HEAD is a second upload-pack advertisement per refresh.
    assert.equal(fetches, 2, `20 clones caused ${fetches} upstream upload-pack requests (one refresh is a fetch and an ls-remote)`);
  });

  it('refuses clones when the upstream is down, and says why', async () => {
    renameSync(upstreamRepo.dir, `${upstreamRepo.dir}.away`);
    try {
      const result = await git(root, 'clone', '-q', `git://127.0.0.1:${port}/app.git`, join(root, 'down'));
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /cannot refresh app from its upstream/);
    } finally {
      renameSync(`${upstreamRepo.dir}.away`, upstreamRepo.dir);
    }
  });
});
