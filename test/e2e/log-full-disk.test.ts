// A log on a full disk (/dev/full: every write fails with ENOSPC) must never stop the gate:
// gatehouse daemon and gatehouse serve keep serving clones and pushes, say the failure on stderr,
// and serve counts the lost lines in /metrics.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { startGateServer } from '../helpers/gate-server.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { freePort } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('a log on a full disk', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, () => {
  it('gatehouse daemon and gatehouse serve keep serving, say so on stderr, and count the lost lines', async (t) => {
    assertBuilt();
    const root = tempDir(t, 'gatehouse-full-log');
    const env = gatehouseEnv(root, '[log]\nfile = "/dev/full"\n[gate]\nfreshness_seconds = 0\n');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    const added = await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env });
    assert.equal(added.code, 0, added.stderr);
    const git = (cwd: string, extra: NodeJS.ProcessEnv, ...args: string[]) => run('git', args, { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0', ...extra } });

    // git daemon: a clone (the access hook refreshes and logs) and a push (the gate logs).
    const gitPort = await freePort();
    const daemon = await startGateServer(t, ['daemon', '--port', String(gitPort)], env, [gitPort]);
    const cloned = await git(root, {}, 'clone', '-q', `git://127.0.0.1:${gitPort}/app.git`, join(root, 'over-git'));
    assert.equal(cloned.code, 0, cloned.stderr);
    const client = TestRepo.open(join(root, 'over-git'));
    const work = client.commit('work', { 'work.txt': 'work\n' });
    const pushed = await git(client.dir, {}, 'push', 'origin', 'main');
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal(upstream.ref('refs/heads/main'), work);
    await daemon.waitForStderr(/cannot write the log \(ENOSPC\)/);
    assert.equal(daemon.child.exitCode, null, 'gatehouse daemon is still running');

    // smart HTTP: a clone with a token, then /metrics.
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', '--scope', 'read'], { env });
    assert.equal(minted.code, 0, minted.stderr);
    const httpPort = await freePort();
    const serve = await startGateServer(t, ['serve', '--http-port', String(httpPort)], env, [httpPort]);
    const bearer = { ...GIT_ENV, HOME: join(root, 'home'), GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${minted.stdout.trim()}` };
    const overHttp = await git(root, bearer, 'clone', '-q', `http://127.0.0.1:${httpPort}/git/app`, join(root, 'over-http'));
    assert.equal(overHttp.code, 0, overHttp.stderr);
    assert.equal(TestRepo.open(join(root, 'over-http')).ref('origin/main'), work);
    await serve.waitForStderr(/cannot write the log \(ENOSPC\)/);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const failures = /^gatehouse_log_write_failures_total (\d+)$/m.exec(metrics);
    assert.ok(failures, metrics);
    assert.ok(Number(failures[1]) > 0, metrics);
    assert.equal(serve.child.exitCode, null, 'gatehouse serve is still running');
  });
});
