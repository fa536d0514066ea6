// gatehouse serve: smart HTTP at /git/<name> through the real git http-backend, with
// gate-signed tokens per repository and action.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { waitForPort } from '../helpers/net.ts';
import { freePort } from '../helpers/redis.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gatehouseEnv } from '../helpers/gate.ts';

describe('smart HTTP with tokens', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let upstream: TestRepo;
  let server: ChildProcess;
  let httpPort: number;
  const cleanups: Array<() => void> = [];

  const mint = async (...args: string[]) => {
    const result = await run(BINARY, ['token', 'mint', ...args], { env });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  };
  /** git with the token sent as a bearer header (through config in the environment, not argv). */
  const gitWith = (token: string | null, cwd: string, ...args: string[]) =>
    run('git', args, {
      cwd,
      env: {
        ...GIT_ENV,
        HOME: join(root, 'home'),
        GIT_TERMINAL_PROMPT: '0',
        ...(token ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${token}` } : {}),
      },
    });

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-http');
    env = gatehouseEnv(root);
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    assert.equal((await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env })).code, 0);
    httpPort = await freePort();
    // Smart HTTP only: serve runs no git:// unless given --git-protocol.
    server = spawn(BINARY, ['serve', '--http-port', String(httpPort)], { env, stdio: 'ignore' });
    await waitForPort(httpPort);
  });

  after(() => {
    server?.kill('SIGTERM');
    for (const fn of cleanups) fn();
  });

  const url = () => `http://127.0.0.1:${httpPort}/git/app`;

  it('without a token: 401', async () => {
    const result = await gitWith(null, root, 'ls-remote', url());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /fatal: could not read Username for 'http:\/\/127\.0\.0\.1:\d+': terminal prompts disabled/);
  });

  it('a read token clones; pushing with it is 403', async () => {
    const token = await mint('--repo', 'app', '--scope', 'read');
    const dest = join(root, 'read-clone');
    const clone = await gitWith(token, root, 'clone', '-q', url(), dest);
    assert.equal(clone.code, 0, clone.stderr);
    TestRepo.open(dest).commit('x', { 'x.txt': 'x\n' });
    const push = await gitWith(token, dest, 'push', 'origin', 'main');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /403/);
  });

  it('a write token pushes through the same gate: clean is forwarded, a secret refused', async () => {
    const token = await mint('--repo', 'app', '--scope', 'write');
    const dest = join(root, 'write-clone');
    assert.equal((await gitWith(token, root, 'clone', '-q', url(), dest)).code, 0);
    const client = TestRepo.open(dest);
    const clean = client.commit('clean', { 'ok.txt': 'ok\n' });
    const pushed = await gitWith(token, dest, 'push', 'origin', 'main');
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal(upstream.ref('refs/heads/main'), clean);
    client.commit('leak', { 'leak.txt': `${FAKE.githubPat()}\n` });
    const refused = await gitWith(token, dest, 'push', 'origin', 'main');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /push REJECTED: secrets found/);
    assert.equal(upstream.ref('refs/heads/main'), clean);
  });

  it('a token for another repository, an expired one, a revoked one: refused', async () => {
    // Tokens are minted only for mirrors that exist: another one, of the same upstream.
    assert.equal((await run(BINARY, ['mirror', 'add', 'other', upstream.dir], { env })).code, 0);
    const other = await mint('--repo', 'other', '--scope', 'write');
    assert.match((await gitWith(other, root, 'ls-remote', url())).stderr, /403/);
    const short = await mint('--repo', 'app', '--ttl', '1s');
    await new Promise((r) => setTimeout(r, 2100));
    assert.match((await gitWith(short, root, 'ls-remote', url())).stderr, /403/);
    const revoked = await mint('--repo', 'app');
    assert.equal((await gitWith(revoked, root, 'ls-remote', url())).code, 0);
    assert.equal((await run(BINARY, ['token', 'revoke'], { env, input: revoked })).code, 0);
    const after = await gitWith(revoked, root, 'ls-remote', url());
    assert.notEqual(after.code, 0);
  });
});
