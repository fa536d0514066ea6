// Faults around a mirror's refresh, on a real gate: gatehouse daemon (git daemon and its access
// hook) over a mirror of an upstream served by git http-backend from this process, which holds
// requests until the test says go, so a refresh is caught mid-fetch deterministically.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { startGateServer } from '../helpers/gate-server.ts';
import { TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer, type HttpGitServerOptions } from '../helpers/http-backend.ts';
import { freePort } from '../helpers/net.ts';
import { listProcesses, waitForExit } from '../helpers/processes.ts';
import { tempDir } from '../helpers/tmp.ts';

interface RefreshGate {
  root: string;
  env: NodeJS.ProcessEnv;
  url: string;
  server: HttpGitServer;
  upstream: TestRepo;
  /** A working clone of the upstream, to move it directly (not through the gate). */
  author: TestRepo;
  mirror: TestRepo;
  /** git through the gate, never blocking this process (it serves the upstream). */
  git(cwd: string, ...args: string[]): Promise<{ code: number | null; output: string }>;
}

async function refreshGate(t: { after(fn: () => unknown): void }, configToml: string, hold?: HttpGitServerOptions['hold']): Promise<RefreshGate> {
  assertBuilt();
  const root = tempDir(t, 'gatehouse-refresh');
  const env = gatehouseEnv(root, configToml);
  mkdirSync(join(root, 'upstreams'));
  const upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
  upstream.git('config', 'http.receivepack', 'true');
  const author = new TestRepo(join(root, 'author'));
  author.commit('initial', { 'README.md': '# app\n' });
  author.git('push', '-q', upstream.dir, 'main');
  const server = await startHttpGitServer(join(root, 'upstreams'), { hold });
  t.after(() => server.close());
  const added = await run(BINARY, ['mirror', 'add', 'app', `${server.url}/app.git`], { env });
  assert.equal(added.code, 0, added.stderr);
  const port = await freePort();
  await startGateServer(t, ['daemon', '--port', String(port), '--log-level', 'warn'], env, [port]);
  return {
    root,
    env,
    url: `git://127.0.0.1:${port}/app.git`,
    server,
    upstream,
    author,
    mirror: TestRepo.open(join(root, 'state/gatehouse/mirrors/app.git')),
    git: async (cwd, ...args) => {
      const result = await run('git', args, { cwd, env, timeoutMs: 120_000 });
      return { code: result.code, output: `${result.stdout}${result.stderr}` };
    },
  };
}

describe('refresh faults', () => {
  it('a refresh killed mid-fetch frees the mirror after its lease, and what it left running cannot write', async (t) => {
    let armed = false;
    let posts = 0;
    const gate = await refreshGate(t, '[gate]\nfreshness_seconds = 0\nlock_lease_seconds = 3\nfetch_timeout_seconds = 60\n', (req) => {
      // Protocol v2 over HTTP: an ls-refs request, then the fetch request. Holding the second one
      // catches the refresh with the lock, mid-fetch, with the upstream's refs already read.
      if (!armed || req.method !== 'POST' || !req.url?.endsWith('/git-upload-pack')) return false;
      if (++posts < 2) return false;
      armed = false;
      return true;
    });
    const { author, upstream, mirror } = gate;
    // The upstream grows a branch the refresh will see advertised and then hang fetching.
    author.git('checkout', '-q', '-b', 'doomed');
    author.commit('doomed work', { 'doomed.txt': 'soon gone upstream\n' });
    author.git('push', '-q', upstream.dir, 'doomed');
    author.git('checkout', '-q', 'main');

    armed = true;
    const held = new Promise<() => void>((resolve) => gate.server.events.once('held', (_what: string, serve: () => void) => resolve(serve)));
    const firstClone = gate.git(gate.root, 'clone', '-q', gate.url, join(gate.root, 'first'));
    const serveHeld = await held;

    const processes = listProcesses();
    const hooks = processes.filter((p) => p.argv[0]?.endsWith('/gatehouse-access-hook') && p.argv.includes(mirror.dir));
    assert.equal(hooks.length, 1, `one access hook refreshing the mirror: ${JSON.stringify(hooks)}`);
    const hook = hooks[0]!;
    const fetches = processes.filter((p) => p.ppid === hook.pid && p.argv.includes('fetch'));
    assert.equal(fetches.length, 1, `the hook's git fetch: ${JSON.stringify(processes.filter((p) => p.ppid === hook.pid))}`);
    process.kill(hook.pid, 'SIGKILL');
    const first = await firstClone;
    assert.notEqual(first.code, 0, 'the clone whose refresh was killed is not served');

    // Meanwhile the upstream drops the branch and moves on.
    author.git('push', '-q', upstream.dir, ':doomed');
    const newer = author.commit('upstream moved', { 'newer.txt': 'newer\n' });
    author.git('push', '-q', upstream.dir, 'main');

    // The dead holder's lease runs out; the next clone refreshes and is served.
    const second = await gate.git(gate.root, 'clone', '-q', gate.url, join(gate.root, 'second'));
    assert.equal(second.code, 0, second.output);
    assert.equal(TestRepo.open(join(gate.root, 'second')).ref('origin/main'), newer);
    assert.equal(mirror.ref('refs/heads/doomed'), null);

    // The killed refresh's fetch, still running, now gets its pack: its ref updates are refused.
    serveHeld();
    await waitForExit(fetches[0]!.pid);
    assert.equal(mirror.ref('refs/heads/doomed'), null, 'a branch the upstream deleted came back from a refresh that had lost its lock');
    assert.equal(mirror.ref('refs/heads/main'), newer);
    const third = await gate.git(gate.root, 'clone', '-q', gate.url, join(gate.root, 'third'));
    assert.equal(third.code, 0, third.output);
    assert.equal(TestRepo.open(join(gate.root, 'third')).ref('origin/doomed'), null);
  });
});

describe('refreshes racing pushes', () => {
  it('a refresh whose fetch meets a push updating the same ref fetches again instead of refusing the clone', async (t) => {
    let armed = false;
    let posts = 0;
    const gate = await refreshGate(t, '[gate]\nfreshness_seconds = 0\nfetch_timeout_seconds = 60\n', (req) => {
      if (!armed || req.method !== 'POST' || !req.url?.endsWith('/git-upload-pack')) return false;
      if (++posts < 2) return false;
      armed = false;
      return true;
    });
    // The upstream stops in its reference-transaction hook once it has taken the forwarded push,
    // before it answers: the push is upstream and not yet in the mirror.
    const applied = join(gate.root, 'applied.fifo');
    const go = join(gate.root, 'go.fifo');
    for (const fifo of [applied, go]) execFileSync('mkfifo', [fifo]);
    writeFileSync(join(gate.upstream.dir, 'hooks/reference-transaction'), `#!/bin/sh\n[ "$1" = committed ] || exit 0\ncat >/dev/null\n[ -p '${applied}' ] || exit 0\necho applied > '${applied}'\nread go < '${go}'\n`, { mode: 0o755 });
    const pusher = TestRepo.open(join(gate.root, 'pusher'));
    gate.upstream.git('clone', '-q', gate.upstream.dir, pusher.dir);
    const pushedMain = pusher.commit('pushed', { 'pushed.txt': 'pushed through the gate\n' });

    // A fast-forward of a branch the mirror has: git fetch checks each such ref against the value it read.
    const push = gate.git(pusher.dir, 'push', gate.url, 'HEAD:refs/heads/main');
    await readFile(applied);
    rmSync(applied);
    // A clone's refresh reads the upstream's refs (main has moved) and the mirror's (it has not),
    // and is held before its pack arrives.
    armed = true;
    const held = new Promise<() => void>((resolve) => gate.server.events.once('held', (_what: string, serve: () => void) => resolve(serve)));
    const clone = gate.git(gate.root, 'clone', '-q', gate.url, join(gate.root, 'racer'));
    const serveHeld = await held;
    // The upstream answers; receive-pack moves main in the mirror.
    await writeFile(go, 'go\n');
    const pushed = await push;
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal(gate.mirror.ref('refs/heads/main'), pushedMain);
    // The refresh's fetch now finds main moved since it read it.
    serveHeld();
    const cloned = await clone;
    assert.equal(cloned.code, 0, cloned.output);
    assert.equal(TestRepo.open(join(gate.root, 'racer')).ref('origin/main'), pushedMain);
    assert.equal(gate.upstream.ref('refs/heads/main'), pushedMain);
  });
});
