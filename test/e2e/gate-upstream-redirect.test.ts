// An upstream that answers with a redirect must not get the gate's upstream credential sent to
// the host it names. The upstream is a real `git http-backend` behind basic auth; in redirect
// mode it answers every request 302 to a recorder on another loopback address, which challenges
// for basic auth (so git would ask its credential helper for that host) and records every
// Authorization header. Whatever the gate does with that upstream (mirror add, refresh, the
// forward of a push, a clone through the gate), the recorder must see no credential, and in fact
// no request: the gate's git never follows a redirect.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, startRecorder, type HttpGitServer, type Recorder } from '../helpers/http-backend.ts';
import { freePort, waitForPort } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';

const PASSWORD = 'redirect-' + 'pw-8c1e4b7a2d9f';
const USER = 'gate-bot';
const RULES = `[gate]
freshness_seconds = 0

[[credential.rule]]
name = "upstream"
protocol = "http"
host = "127.0.0.1:*"
username = "${USER}"
source = "env"
env = "UPSTREAM_PASSWORD"

[[credential.rule]]
name = "one-repo"
protocol = "http"
host = "127.0.0.1:*"
path = "app.git"
username = "${USER}"
source = "env"
env = "UPSTREAM_PASSWORD"
`;

describe('gate with an upstream that redirects', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let upstream: HttpGitServer;
  let upstreamRepo: TestRepo;
  let recorder: Recorder;
  let daemon: ChildProcess;
  let port: number;
  const cleanups: Array<() => void> = [];
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-redirect');
    env = gatehouseEnv(root, RULES, { UPSTREAM_PASSWORD: PASSWORD });
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    upstreamRepo = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    upstreamRepo.git('config', 'http.receivepack', 'true');
    seed.git('push', '-q', upstreamRepo.dir, 'main');
    upstream = await startHttpGitServer(join(root, 'upstreams'), { user: USER, password: PASSWORD });
    recorder = await startRecorder('127.0.0.2');
    // A mirror added while the upstream behaves, for the refresh and push cases.
    const added = await run(BINARY, ['mirror', 'add', 'app', `${upstream.url}/app.git`, '--credential', 'upstream'], { env });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    assert.ok(upstream.authorizations.includes(basic), 'the upstream itself gets the credential');
    port = await freePort();
    daemon = spawn(BINARY, ['daemon', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    await waitForPort(port);
  });

  afterEach(() => {
    upstream.redirectTo = null;
    recorder.requests.length = 0;
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await upstream?.close();
    await recorder?.close();
    for (const fn of cleanups) fn();
  });

  /** The recorder never saw the credential, nor any request at all. */
  function assertRecorderUntouched(): void {
    assert.equal(recorder.requests.some((r) => r.authorization !== ''), false, `the recorder got a credential: ${JSON.stringify(recorder.requests.map((r) => r.path))}`);
    assert.deepEqual(recorder.requests, [], 'the gate followed the redirect to the recorder');
  }

  function assertNoSecret(text: string): void {
    assert.equal(text.includes(PASSWORD), false, 'the password is shown');
    assert.equal(text.includes(basic.slice('Basic '.length)), false, 'the encoded credential is shown');
  }

  it('mirror add of a redirecting upstream fails, naming the redirect; the other host gets nothing', async () => {
    upstream.redirectTo = recorder.url;
    const added = await run(BINARY, ['mirror', 'add', 'evil', `${upstream.url}/app.git`, '--credential', 'upstream'], { env });
    assert.equal(added.code, 2, added.stderr + added.stdout);
    assert.match(added.stderr, /redirect/i);
    assertNoSecret(added.stderr + added.stdout);
    assertRecorderUntouched();
    assert.equal(existsSync(join(root, 'state/gatehouse/mirrors/evil.git')), false, 'no half-made mirror is left');
  });

  it('a refresh (mirror sync) of an upstream that starts redirecting fails; the other host gets nothing', async () => {
    upstream.redirectTo = recorder.url;
    const synced = await run(BINARY, ['mirror', 'sync', 'app'], { env });
    assert.equal(synced.code, 2, synced.stderr + synced.stdout);
    assert.match(synced.stderr, /app: failed: .*redirect/i);
    assertNoSecret(synced.stderr + synced.stdout);
    assertRecorderUntouched();
  });

  it('a clone through the gate is refused while the upstream redirects; the other host gets nothing', async () => {
    upstream.redirectTo = recorder.url;
    const clientEnv = { ...GIT_ENV, HOME: join(root, 'home') };
    const clone = await run('git', ['clone', '-q', `git://127.0.0.1:${port}/app.git`, join(root, 'refused-clone')], { env: clientEnv });
    assert.notEqual(clone.code, 0);
    assert.match(clone.stderr, /cannot refresh app from its upstream .*redirect/i);
    assertNoSecret(clone.stderr);
    assertRecorderUntouched();
  });

  it('a push forwarded to an upstream that redirects is refused, here and upstream; the other host gets nothing', async () => {
    const clientEnv = { ...GIT_ENV, HOME: join(root, 'home') };
    const dest = join(root, 'client');
    const clone = await run('git', ['clone', '-q', `git://127.0.0.1:${port}/app.git`, dest], { env: clientEnv });
    assert.equal(clone.code, 0, clone.stderr);
    const client = TestRepo.open(dest);
    const before = upstreamRepo.ref('refs/heads/main');
    client.commit('feature', { 'feature.txt': 'x\n' });
    upstream.redirectTo = recorder.url;
    const push = await run('git', ['push', 'origin', 'main'], { env: clientEnv, cwd: dest });
    assert.notEqual(push.code, 0, push.stderr);
    assert.match(push.stderr, /upstream refused it/);
    assert.match(push.stderr, /redirect/i);
    assertNoSecret(push.stderr);
    assertRecorderUntouched();
    assert.equal(upstreamRepo.ref('refs/heads/main'), before, 'the upstream did not move');
    assert.equal(TestRepo.open(join(root, 'state/gatehouse/mirrors/app.git')).ref('refs/heads/main'), before, 'the mirror did not move');
    const log = readFileSync(join(root, 'state/gatehouse/gate.log'), 'utf8');
    assertNoSecret(log);
  });

  it('with the redirect gone, the same mirror refreshes and pushes again (the refusals were the redirect)', async () => {
    const synced = await run(BINARY, ['mirror', 'sync', 'app'], { env });
    assert.equal(synced.code, 0, synced.stderr);
    assertRecorderUntouched();
  });

  it('a named rule with a path covers the mirror: the gate sends git the repository path to check', async () => {
    const added = await run(BINARY, ['mirror', 'add', 'pathed', `${upstream.url}/app.git`, '--credential', 'one-repo'], { env });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const synced = await run(BINARY, ['mirror', 'sync', 'pathed'], { env });
    assert.equal(synced.code, 0, synced.stderr);
  });

  it('a config file that asks to follow redirects for this upstream is overruled', async () => {
    // The gate's own HOME: a global config saying "follow" for exactly this URL, the most
    // specific key a file can hold.
    const home = join(root, 'home-follow');
    mkdirSync(home, { recursive: true });
    const gitconfig = join(home, '.gitconfig');
    await run('git', ['config', '--file', gitconfig, `http.${upstream.url}/app.git.followRedirects`, 'true'], { env: GIT_ENV });
    await run('git', ['config', '--file', gitconfig, 'http.followRedirects', 'true'], { env: GIT_ENV });
    upstream.redirectTo = recorder.url;
    const synced = await run(BINARY, ['mirror', 'sync', 'app'], { env: { ...env, GIT_CONFIG_GLOBAL: gitconfig } });
    assert.equal(synced.code, 2, synced.stderr + synced.stdout);
    assertNoSecret(synced.stderr + synced.stdout);
    assertRecorderUntouched();
  });
});
