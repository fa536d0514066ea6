// The gate's forward when things go wrong after the pack may have left: the client's answer must
// be what the upstream did. The upstream is a real git http-backend served from this process
// (test/helpers/http-backend.ts), told to hold requests or responses; the tests act on its
// events, never on the clock. Pushes run with the async `run`: a synchronous git against a
// server in this process would block the server.
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { createGate, type Gate } from '../helpers/gate.ts';
import { startHttpGitServer, type HttpGitServer, type HttpGitServerOptions } from '../helpers/http-backend.ts';

/** A gate whose upstream is served over HTTP from this process. */
async function httpGate(t: TestContext, options: { forwardSeconds: number } & HttpGitServerOptions): Promise<{ gate: Gate; server: HttpGitServer; needle: string }> {
  const gate = createGate(t, { configToml: `[log]\nlevel = "debug"\n\n[gate]\nforward_timeout_seconds = ${options.forwardSeconds}\n` });
  const server = await startHttpGitServer(gate.root, options);
  t.after(() => server.close());
  gate.upstream.git('config', 'http.receivepack', 'true');
  gate.mirror.git('config', 'gatehouse.upstream', `${server.url}/upstream.git`);
  return { gate, server, needle: `127.0.0.1:${server.port}/` };
}

interface LogLine {
  msg: string;
  pid?: number;
  push?: string;
  [key: string]: unknown;
}

function logLines(gate: Gate): LogLine[] {
  return readFileSync(join(gate.root, 'state/gatehouse/gate.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
}

/** Pids (each its own process group) the gate logged for the git commands it ran against the upstream. */
function upstreamGitPids(gate: Gate): number[] {
  return logLines(gate)
    .filter((l) => l.msg === 'forward started')
    .map((l) => l.pid!);
}

/** Live processes (zombies are dead) in one of the process groups, or whose command line holds needle. */
function liveProcesses(groups: number[], needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (groups.includes(Number(pgrp)) || cmdline.includes(needle)) found.push(`${pid} (group ${pgrp}): ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

/** Records an event's first argument as it comes; reached(n) settles once n have come. */
function record(emitter: EventEmitter, name: string): { seen: unknown[]; reached(n: number): Promise<unknown[]> } {
  const seen: unknown[] = [];
  const waiting: Array<{ n: number; resolve(v: unknown[]): void }> = [];
  emitter.on(name, (value: unknown) => {
    seen.push(value);
    for (const w of waiting.filter((w) => seen.length >= w.n)) w.resolve(seen);
  });
  return {
    seen,
    reached: (n) => (seen.length >= n ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ n, resolve }))),
  };
}

// A bound on every test, should an awaited event never come.
describe('gate forward faults', { timeout: 180_000 }, () => {
  before(assertBuilt);

  it('a log that cannot be written (log.file on /dev/full) does not refuse a push, nor turn a forwarded one into a refusal', (t) => {
    const gate = createGate(t, { configToml: '[log]\nfile = "/dev/full"\n\n[scan]\nmax_file_size = 2000\n\n[gate]\nallow_unscannable = ["big/**"]\n' });
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const z = 3;\n' });
    const push = gate.push('origin', 'main');
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, /no secrets; forwarded to upstream\./);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit);
    assert.equal(gate.mirror.ref('refs/heads/main'), commit);
    // What lets content through unscanned must be on record first: without a log it is refused.
    gate.client.commit('big', { 'big/blob.bin': 'x'.repeat(5000) });
    const unscannable = gate.push('origin', 'main');
    assert.equal(unscannable.code, 1, unscannable.output);
    assert.match(unscannable.output, /push REJECTED: the gate could not check it \(ENOSPC/);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit, 'nothing was forwarded');
  });

  it('an upstream that never answers: refused after the forward timeout, with no process left', async (t) => {
    const { gate, server, needle } = await httpGate(t, { forwardSeconds: 2, hold: () => true });
    const held = record(server.events, 'held');
    const gone = record(server.events, 'client-gone');
    const before = gate.upstream.ref('refs/heads/main');
    gate.client.commit('feature', { 'src/feature.js': 'export const w = 4;\n' });
    const push = await gate.pushAsync('origin', 'main');
    // run() kills a push that outlives its own bound, which reads as code null: killing git push
    // alone left git-remote-http holding the pipes, and the hook waited for the upstream.
    assert.equal(push.code, 1, push.output);
    assert.match(push.output, /upstream did not answer within 2 s/);
    assert.deepEqual(held.seen, ['GET /upstream.git/info/refs?service=git-receive-pack']);
    assert.deepEqual(await gone.reached(1), held.seen, 'the gate dropped the connection');
    assert.equal(gate.upstream.ref('refs/heads/main'), before);
    assert.equal(gate.mirror.ref('refs/heads/main'), before);
    const groups = upstreamGitPids(gate);
    assert.equal(groups.length, 1);
    assert.deepEqual(liveProcesses(groups, needle), []);
  });
});
