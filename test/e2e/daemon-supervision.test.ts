// gatehouse daemon and serve --git-protocol as a supervisor (systemd, a container runtime, a
// shell's Ctrl-C) treats them: a taken port is named and exits 2; however the parent is stopped,
// SIGTERM, SIGINT or SIGKILL, no git daemon is left serving the mirrors; a git daemon that keeps
// crashing is restarted a bounded number of times, then the parent gives up with exit 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { gitDaemonsOver, startGateServer } from '../helpers/gate-server.ts';
import { freePort } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Resolves when a process that is not our child has exited (tail --pid waits for it). */
function processGone(pid: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail = spawn('tail', ['--pid', String(pid), '-s', '0.1', '-f', '/dev/null'], { stdio: 'ignore' });
    tail.once('error', reject);
    tail.once('exit', () => resolve());
  });
}

async function holdPort(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

function setup(t: { after(fn: () => void): void }) {
  const root = tempDir(t, 'gatehouse-supervision');
  const env = gatehouseEnv(root);
  return { env, mirrors: join(root, 'state/gatehouse/mirrors') };
}

/** The git and git-daemon processes (not the sh wrapper) serving these mirrors. */
function gitDaemonProcesses(mirrors: string): number[] {
  return gitDaemonsOver(mirrors).filter((pid) => {
    try {
      return !readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/bin/sh\0');
    } catch {
      return false;
    }
  });
}

describe('supervising git daemon', { timeout: 120_000 }, () => {
  it('daemon: a taken port is named, exit 2, no stack trace, nothing left running', async (t) => {
    assertBuilt();
    const { env, mirrors } = setup(t);
    const port = await freePort();
    const holder = await holdPort(port);
    t.after(() => holder.close());
    const result = await run(BINARY, ['daemon', '--port', String(port)], { env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
    assert.doesNotMatch(result.stderr, /restarting|\n\s+at /);
    assert.deepEqual(gitDaemonsOver(mirrors), []);
  });

  it('serve: a taken HTTP port or git:// port is named, exit 2, and no git daemon is left behind', async (t) => {
    assertBuilt();
    const { env, mirrors } = setup(t);
    const [httpPort, gitPort] = [await freePort(), await freePort()];
    const holder = await holdPort(httpPort);
    const http = await run(BINARY, ['serve', '--http-port', String(httpPort), '--git-protocol', '--port', String(gitPort)], { env });
    await new Promise((resolve) => holder.close(resolve));
    assert.equal(http.code, 2, http.stderr);
    assert.match(http.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${httpPort}: address already in use`));
    assert.doesNotMatch(http.stderr, /\n\s+at /);
    assert.deepEqual(gitDaemonsOver(mirrors), []);

    const gitHolder = await holdPort(gitPort);
    t.after(() => gitHolder.close());
    const git = await run(BINARY, ['serve', '--http-port', String(httpPort), '--git-protocol', '--port', String(gitPort)], { env });
    assert.equal(git.code, 2, git.stderr);
    assert.match(git.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${gitPort}: address already in use`));
    assert.doesNotMatch(git.stderr, /\n\s+at /);
    assert.deepEqual(gitDaemonsOver(mirrors), []);
  });

  for (const command of ['daemon', 'serve'] as const) {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
      it(`${command}: ${signal} to the parent leaves no git daemon`, async (t) => {
        assertBuilt();
        const { env, mirrors } = setup(t);
        const gitPort = await freePort();
        const httpPort = await freePort();
        const args = command === 'daemon' ? ['daemon', '--port', String(gitPort)] : ['serve', '--git-protocol', '--git-push', '--port', String(gitPort), '--http-port', String(httpPort)];
        const server = await startGateServer(t, args, env, [gitPort]);
        await server.waitForStderr(/"msg":"git daemon listening"/);
        const children = gitDaemonsOver(mirrors);
        assert.ok(gitDaemonProcesses(mirrors).length > 0, 'git daemon runs while the parent does');
        const exited = new Promise<number | null>((resolve) => server.child.once('close', resolve));
        server.child.kill(signal);
        const code = await exited;
        if (signal !== 'SIGKILL') assert.equal(code, 0, server.stderr());
        await Promise.all(children.map(processGone));
        assert.deepEqual(gitDaemonsOver(mirrors), []);
      });
    }
  }

  it('a git daemon that keeps crashing is restarted with backoff, then the parent gives up with exit 2', async (t) => {
    assertBuilt();
    const { env, mirrors } = setup(t);
    const gitPort = await freePort();
    const server = await startGateServer(t, ['daemon', '--port', String(gitPort)], env, [gitPort]);
    for (let started = 1; ; started++) {
      await server.waitForStderr(new RegExp(`("msg":"git daemon listening"[^]*){${started}}`));
      for (const pid of gitDaemonProcesses(mirrors)) process.kill(pid, 'SIGKILL');
      const next = await Promise.race([
        server.waitForStderr(new RegExp(`("msg":"git daemon exited; restarting"[^]*){${started}}`)).then(() => 'restarting'),
        server.waitForStderr(/"msg":"git daemon keeps crashing; giving up"/).then(() => 'gave up'),
      ]);
      if (next === 'gave up') break;
      assert.match(server.stderr(), new RegExp(`"restart":${started},"of":5,"inMs":${500 * 2 ** (started - 1)}`));
    }
    // It exits by itself: wait for that (stop() would send a SIGTERM if it came first).
    const child = server.child;
    const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))));
    assert.equal(code, 2, server.stderr());
    await server.stop();
    assert.match(server.stderr(), /gatehouse: git daemon crashed 6 times in a row; giving up/);
    assert.equal((server.stderr().match(/"msg":"git daemon exited; restarting"/g) ?? []).length, 5);
    assert.deepEqual(gitDaemonsOver(mirrors), []);
  });
});
