// A gate whose upstream needs credentials (HTTP basic auth through git http-backend): the
// gate's credential helper answers with the rule the mirror names; the client never holds the
// password, and the password appears in no command line, log or client output.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer } from '../helpers/http-backend.ts';
import { freePort } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { waitForPort } from '../helpers/net.ts';

const PASSWORD = 'upstream-' + 'pw-5f3a9c2e7b1d';

/** Every process command line on the machine that contains needle, sampled until stop() is called. */
function watchCommandLines(needle: string): { stop(): string[] } {
  const seen = new Set<string>();
  let running = true;
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (cmdline.includes(needle)) seen.add(cmdline);
      } catch {
        // gone
      }
    }
    if (running) setTimeout(sample, 2);
  };
  sample();
  return {
    stop() {
      running = false;
      return [...seen];
    },
  };
}

describe('gate with an authenticated upstream', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let upstream: HttpGitServer;
  let upstreamRepo: TestRepo;
  let daemon: ChildProcess;
  let port: number;
  const cleanups: Array<() => void> = [];

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-auth');
    env = gatehouseEnv(root, '[gate]\nfreshness_seconds = 0\n\n[[credential.rule]]\nname = "upstream"\nprotocol = "http"\nhost = "127.0.0.1:*"\nusername = "gate-bot"\nsource = "env"\nenv = "UPSTREAM_PASSWORD"\n\n[[credential.rule]]\nname = "tls-only"\nhost = "127.0.0.1:*"\nsource = "env"\nenv = "UPSTREAM_PASSWORD"\n', { UPSTREAM_PASSWORD: PASSWORD });
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    upstreamRepo = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    upstreamRepo.git('config', 'http.receivepack', 'true');
    seed.git('push', '-q', upstreamRepo.dir, 'main');
    upstream = await startHttpGitServer(join(root, 'upstreams'), { user: 'gate-bot', password: PASSWORD });
    const added = await run(BINARY, ['mirror', 'add', 'app', `${upstream.url}/app.git`, '--credential', 'upstream'], { env });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    port = await freePort();
    daemon = spawn(BINARY, ['daemon', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    await waitForPort(port);
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await upstream?.close();
    for (const fn of cleanups) fn();
  });

  it('refuses mirror add with a password in the URL', async () => {
    const result = await run(BINARY, ['mirror', 'add', 'leaky', `http://gate-bot:${PASSWORD}@127.0.0.1:1/app.git`], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /holds a password/);
    assert.equal(result.stderr.includes(PASSWORD), false);
  });

  it('refuses mirror add naming a rule that does not cover the upstream, before contacting it', async () => {
    const http = await run(BINARY, ['mirror', 'add', 'cleartext', 'http://127.0.0.1:1/app.git', '--credential', 'tls-only'], { env });
    assert.equal(http.code, 2, http.stderr);
    assert.match(http.stderr, /credential rule tls-only does not cover http:\/\/127\.0\.0\.1:1\/app\.git: protocol "http" is not https/);
    assert.match(http.stderr, /protocol = "http"/);
    const host = await run(BINARY, ['mirror', 'add', 'elsewhere', 'http://127.0.0.2:1/app.git', '--credential', 'upstream'], { env });
    assert.equal(host.code, 2, host.stderr);
    assert.match(host.stderr, /does not cover .*host "127\.0\.0\.2:1" does not match 127\.0\.0\.1:\*/);
    const missing = await run(BINARY, ['mirror', 'add', 'nameless', 'http://127.0.0.1:1/app.git', '--credential', 'no-such-rule'], { env });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /no credential rule named no-such-rule/);
    for (const r of [http, host, missing]) assert.equal(r.stderr.includes(PASSWORD), false);
  });

  it('clones and pushes through the gate with the upstream credential held by the gate only', async () => {
    const clientEnv = { ...GIT_ENV, HOME: join(root, 'home') }; // no UPSTREAM_PASSWORD for the client
    const dest = join(root, 'client');
    const clone = await run('git', ['clone', '-q', `git://127.0.0.1:${port}/app.git`, dest], { env: clientEnv });
    assert.equal(clone.code, 0, clone.stderr);
    const client = TestRepo.open(dest);
    const commit = client.commit('feature', { 'feature.txt': 'x\n' });
    const watcher = watchCommandLines(PASSWORD);
    const push = await run('git', ['push', 'origin', 'main'], { env: clientEnv, cwd: dest });
    const leakedInto = watcher.stop();
    assert.equal(push.code, 0, push.stderr);
    assert.equal(upstreamRepo.ref('refs/heads/main'), commit);
    const expected = `Basic ${Buffer.from(`gate-bot:${PASSWORD}`).toString('base64')}`;
    assert.ok(upstream.authorizations.includes(expected), 'the upstream saw the gate credential');
    assert.deepEqual(leakedInto, [], 'no process had the password in its command line');
    assert.equal(push.stderr.includes(PASSWORD), false);
    const log = readFileSync(join(root, 'state/gatehouse/gate.log'), 'utf8');
    assert.ok(log.length > 0);
    assert.equal(log.includes(PASSWORD), false, 'the gate log never holds the password');
    const config = readFileSync(join(root, 'state/gatehouse/mirrors/app.git/config'), 'utf8');
    assert.equal(config.includes(PASSWORD), false);
  });
});
