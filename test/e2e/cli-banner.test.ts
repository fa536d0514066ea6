// serve and shim started in a terminal (a real pseudo-terminal, node-pty) say what they serve and
// what they run on; piped, their output stays the log lines it was.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as pty from 'node-pty';
import { assertBuilt, BINARY } from '../helpers/binary.ts';
import { freePort, waitForPort } from '../helpers/net.ts';
import { route, shimSandbox, writeShimConfig } from '../helpers/shim.ts';

/** Runs the binary in a pseudo-terminal until its output matches `until`, then stops it and returns what it showed. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv, until: RegExp): Promise<string> {
  const term = pty.spawn(BINARY, args, { name: 'xterm', cols: 200, rows: 40, env: env as Record<string, string> });
  let output = '';
  return new Promise((resolve, reject) => {
    term.onData((data) => {
      output += data;
      if (until.test(output)) term.kill('SIGTERM');
    });
    term.onExit(() => (until.test(output) ? resolve(output.replaceAll('\r', '').replace(/\x1b\[[0-9;]*m/g, '')) : reject(new Error(`exited showing ${JSON.stringify(output)}`))));
  });
}

/** Runs it with pipes until its port answers, then stops it: everything it wrote to stdout. */
async function piped(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<string> {
  const child = spawn(BINARY, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  const closed = new Promise((resolve) => child.on('close', resolve));
  await waitForPort(port);
  child.kill('SIGTERM');
  await closed;
  return stdout;
}

describe('banners on a terminal', () => {
  before(assertBuilt);

  it('serve: every URL, the config and the state dir; nothing extra on stdout when piped', async (t) => {
    const box = shimSandbox(t);
    const [httpPort, shimPort] = [await freePort(), await freePort()];
    const env = box.env;
    writeShimConfig(box, `[shim]\nport = ${shimPort}\n\n${route('/api/', 'http://127.0.0.1:9/', { auth: 'bearer', credential: 'env:UPSTREAM_SECRET' })}`, { logFile: false });
    const shown = await inTerminal(['serve', '--http-port', String(httpPort)], env, /Ctrl-C stops/);
    assert.match(shown, new RegExp(`smart HTTP +http://127\\.0\\.0\\.1:${httpPort}/git/<name>`));
    assert.match(shown, new RegExp(`health +http://127\\.0\\.0\\.1:${httpPort}/healthz`));
    assert.match(shown, new RegExp(`shim +http://127\\.0\\.0\\.1:${shimPort}/api/ +\\(-> http://127\\.0\\.0\\.1:9/`));
    assert.ok(shown.includes(`config`) && shown.includes(box.configFile), shown);
    assert.ok(shown.includes(join(box.root, 'state/gatehouse')), shown);
    assert.ok(!shown.includes(box.secret), 'no secret in the banner');

    const stdout = await piped(['serve', '--http-port', String(httpPort)], env, httpPort);
    assert.equal(stdout, '', 'piped, stdout carries no banner');
  });

  it('shim --socket: the socket, how to reach a route through it, the config and the state dir', async (t) => {
    const box = shimSandbox(t);
    writeShimConfig(box, route('/gh/', 'http://127.0.0.1:9/', { auth: 'bearer', credential: 'env:UPSTREAM_SECRET' }), { logFile: false });
    const socket = join(box.root, 'shim.sock');
    const shown = await inTerminal(['shim', '--socket', socket], box.env, /Ctrl-C stops/);
    assert.match(shown, new RegExp(`socket +${socket.replaceAll('/', '\\/')} +\\(curl --unix-socket`));
    assert.match(shown, /route +http:\/\/localhost\/gh\/ +\(-> http:\/\/127\.0\.0\.1:9\//);
    assert.ok(shown.includes(box.configFile) && shown.includes(join(box.root, 'state/gatehouse')), shown);
  });
});
