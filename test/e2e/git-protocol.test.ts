// git:// has no authentication, so `gatehouse serve` does not open it beside token-checked smart
// HTTP unless asked (--git-protocol), and even then takes no pushes over it unless asked again
// (--git-push). `gatehouse daemon`, git:// by nature, says what that means when it starts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { gitDaemonsOver, startGateServer } from '../helpers/gate-server.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { freePort } from '../helpers/net.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const WARNING = /git:\/\/ has no authentication: anyone who can reach 127\.0\.0\.1:\d+ can read every mirror/;

/** Whether a TCP connection to the port is refused (nothing listens there). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

function jsonRecords(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('git:// beside smart HTTP', () => {
  const cleanups: Array<() => void> = [];
  let root: string;
  let env: NodeJS.ProcessEnv;
  let mirrors: string;
  const upstreams: Record<string, TestRepo> = {};

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-git-protocol');
    env = gatehouseEnv(root, '[gate]\nfreshness_seconds = 0\n');
    mirrors = join(root, 'state/gatehouse/mirrors');
    for (const name of ['app', 'private']) {
      const seed = new TestRepo(join(root, `seed-${name}`));
      seed.commit('initial', { 'README.md': `# ${name}\n` });
      upstreams[name] = new TestRepo(join(root, `${name}.git`), { bare: true });
      seed.git('push', '-q', upstreams[name].dir, 'main');
      const added = await run(BINARY, ['mirror', 'add', name, upstreams[name].dir], { env });
      assert.equal(added.code, 0, added.stderr);
    }
  });

  after(() => {
    for (const fn of cleanups) fn();
  });

  const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env });
  const gitWithToken = (token: string, cwd: string, ...args: string[]) =>
    run('git', args, {
      cwd,
      env: { ...GIT_ENV, HOME: join(root, 'home'), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${token}` },
    });
  let clones = 0;
  const cloneOver = async (url: string) => {
    const dest = join(root, `clients/c${clones++}`);
    const cloned = await git(root, 'clone', '-q', url, dest);
    assert.equal(cloned.code, 0, cloned.stderr);
    return TestRepo.open(dest);
  };

  it('serve, by default: smart HTTP with a token works, git:// is not there at all', async (t) => {
    const port = await freePort();
    const httpPort = await freePort();
    const server = await startGateServer(t, ['serve', '--port', String(port), '--http-port', String(httpPort)], env, [httpPort]);
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', '--scope', 'read'], { env });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    const over = await gitWithToken(token, root, 'clone', '-q', `http://127.0.0.1:${httpPort}/git/app`, join(root, 'http-clone'));
    assert.equal(over.code, 0, over.stderr);
    assert.match((await gitWithToken(token, root, 'ls-remote', `http://127.0.0.1:${httpPort}/git/private`)).stderr, /403/, 'the token is for app only');

    // The server logs 'smart HTTP listening' after it has (or has not) started git daemon.
    const log = jsonRecords(await server.waitForStderr(/"msg":"smart HTTP listening"/));
    assert.ok(log.some((r) => String(r.msg).startsWith('git:// is off')), server.stderr());
    assert.equal(log.some((r) => r.msg === 'git daemon listening'), false, server.stderr());
    assert.doesNotMatch(server.stderr(), WARNING);
    assert.deepEqual(gitDaemonsOver(mirrors), []);
    assert.equal(await refused(port), true, 'nothing listens on the git port');
    for (const name of ['app', 'private']) {
      const result = await git(root, 'ls-remote', `git://127.0.0.1:${port}/${name}.git`);
      assert.notEqual(result.code, 0, `git:// must not serve ${name}`);
    }
    assert.equal(await server.stop(), 0);
  });

  it('serve --git-protocol: clones over git://, but git daemon refuses pushes, whatever the mirror config says', async (t) => {
    const port = await freePort();
    const httpPort = await freePort();
    const server = await startGateServer(t, ['serve', '--git-protocol', '--port', String(port), '--http-port', String(httpPort)], env, [port, httpPort]);
    const printed = await server.waitForStderr(/"msg":"smart HTTP listening"/);
    const warnings = printed.split('\n').filter((l) => WARNING.test(l));
    assert.equal(warnings.filter((l) => l.startsWith('gatehouse: warning: ')).length, 1, server.stderr());
    assert.match(warnings[0]!, /pushes over git:\/\/ are off/);
    assert.ok(jsonRecords(printed).some((r) => r.level === 'warn' && WARNING.test(String(r.msg)) && r.push === false), 'and in the log');

    const client = await cloneOver(`git://127.0.0.1:${port}/app.git`);
    const start = upstreams.app!.ref('refs/heads/main');
    client.commit('clean', { 'ok.txt': 'ok\n' });
    const push = await git(client.dir, 'push', 'origin', 'main');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /service not enabled/);
    // A repository cannot turn receive-pack back on (git daemon --forbid-override).
    TestRepo.open(join(mirrors, 'app.git')).git('config', 'daemon.receivepack', 'true');
    const again = await git(client.dir, 'push', 'origin', 'main');
    TestRepo.open(join(mirrors, 'app.git')).git('config', '--unset', 'daemon.receivepack');
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /service not enabled/);
    assert.equal(upstreams.app!.ref('refs/heads/main'), start);

    assert.equal(await server.stop(), 0);
    assert.deepEqual(gitDaemonsOver(mirrors), [], 'no git daemon survives');
  });

  it('serve --git-protocol --git-push: pushes over git:// go through the gate', async (t) => {
    const port = await freePort();
    const httpPort = await freePort();
    const server = await startGateServer(t, ['serve', '--git-protocol', '--git-push', '--port', String(port), '--http-port', String(httpPort)], env, [port, httpPort]);
    assert.match(await server.waitForStderr(/"msg":"smart HTTP listening"/), /can read every mirror and push to it/);
    const client = await cloneOver(`git://127.0.0.1:${port}/app.git`);
    const clean = client.commit('clean', { 'clean.txt': 'ok\n' });
    const pushed = await git(client.dir, 'push', 'origin', 'main');
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal(upstreams.app!.ref('refs/heads/main'), clean);
    client.commit('leak', { 'leak.env': `TOKEN=${FAKE.githubPat()}\n` });
    const leak = await git(client.dir, 'push', 'origin', 'main');
    assert.notEqual(leak.code, 0);
    assert.match(leak.stderr, /push REJECTED: secrets found/);
    assert.equal(upstreams.app!.ref('refs/heads/main'), clean);

    assert.equal(await server.stop(), 0);
    assert.deepEqual(gitDaemonsOver(mirrors), [], 'no git daemon survives');
  });

  it('serve --git-push without --git-protocol is a usage error', async () => {
    const result = await run(BINARY, ['serve', '--git-push', '--http-port', String(await freePort())], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--git-push is for pushes over git:\/\/, which is off/);
    assert.match(result.stderr, /hint: add --git-protocol/);
  });

  it('daemon warns at start, on stderr and in the log; both commands say it in --help', async (t) => {
    const logDir = tempDir(t, 'gatehouse-daemon-log');
    const logFile = join(logDir, 'gate.jsonl');
    const config = join(logDir, 'gate.toml');
    writeFileSync(config, `[log]\nfile = "${logFile}"\n`);
    const port = await freePort();
    const server = await startGateServer(t, ['--config', config, 'daemon', '--port', String(port)], env, [port]);
    assert.equal(await server.stop(), 0);
    // With log.file set, the warning is all the daemon printed: one line.
    const lines = server.stderr().split('\n').filter(Boolean);
    assert.equal(lines.length, 1, server.stderr());
    assert.match(lines[0]!, /^gatehouse: warning: git:\/\/ has no authentication: .* read every mirror and push to it .*trusted network$/);
    assert.ok(jsonRecords(readFileSync(logFile, 'utf8')).some((r) => r.level === 'warn' && WARNING.test(String(r.msg))));
    assert.deepEqual(gitDaemonsOver(mirrors), [], 'no git daemon survives');

    for (const command of ['daemon', 'serve']) {
      const help = await run(BINARY, [command, '--help'], { env });
      assert.equal(help.code, 0);
      assert.match(help.stdout.replace(/\s+/g, ' '), /git:\/\/ has no authentication: anyone who can reach the port can clone every mirror/);
      assert.match(help.stdout.replace(/\s+/g, ' '), /only on a trusted network/);
    }
  });
});
