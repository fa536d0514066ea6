// The gate's forward when things go wrong after the pack may have left: the client's answer must
// be what the upstream did. The upstream is a real git http-backend served from this process
// (test/helpers/http-backend.ts), told to hold requests or responses; the tests act on its
// events, never on the clock. Pushes run with the async `run`: a synchronous git against a
// server in this process would block the server.
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { createGate, type Gate } from '../helpers/gate.ts';
import { freePort } from '../helpers/redis.ts';
import { startHttpGitServer, type HttpGitServer, type HttpGitServerOptions } from '../helpers/http-backend.ts';

const PASSWORD = 'upstream-' + 'pw-81c4e07a3f5b';

/**
 * A gate whose upstream is served over HTTP from this process. With auth, the upstream wants
 * basic auth that only the gate's credential helper can answer, so every git command the gate
 * runs against it (the forward, the ls-remote that settles it) must carry the gate's credential.
 */
async function httpGate(t: TestContext, options: { forwardSeconds: number; verifySeconds?: number; auth?: boolean } & HttpGitServerOptions): Promise<{ gate: Gate; server: HttpGitServer; needle: string }> {
  const credential = options.auth ? '\n[[credential.rule]]\nname = "upstream"\nprotocol = "http"\nhost = "127.0.0.1:*"\nusername = "gate-bot"\nsource = "env"\nenv = "UPSTREAM_PASSWORD"\n' : '';
  const gate = createGate(t, {
    configToml: `[log]\nlevel = "debug"\n\n[gate]\nforward_timeout_seconds = ${options.forwardSeconds}\nverify_timeout_seconds = ${options.verifySeconds ?? 10}\n${credential}`,
    env: options.auth ? { UPSTREAM_PASSWORD: PASSWORD } : {},
  });
  const server = await startHttpGitServer(gate.root, { ...options, ...(options.auth ? { user: 'gate-bot', password: PASSWORD } : {}) });
  t.after(() => server.close());
  gate.upstream.git('config', 'http.receivepack', 'true');
  gate.mirror.git('config', 'gatehouse.upstream', `${server.url}/upstream.git`);
  if (options.auth) gate.mirror.git('config', 'gatehouse.credential', 'upstream');
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
    .filter((l) => l.msg === 'forward started' || l.msg === 'reading upstream refs')
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

  it('the upstream applies the push but answers after the forward timeout: verified, accepted, mirror and upstream agree', async (t) => {
    const { gate, server, needle } = await httpGate(t, { forwardSeconds: 4, holdReceivePackResponse: true, auth: true });
    const applied = record(server.events, 'receive-pack-applied');
    const gone = record(server.events, 'client-gone');
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const x = 1;\n' });
    const push = await gate.pushAsync('origin', 'main');
    // Applied before the ls-remote was answered (the server orders reads after a push it is applying).
    assert.deepEqual(applied.seen, [0], `the upstream applied the pack (${push.output})`);
    assert.deepEqual(await gone.reached(1), ['POST /upstream.git/git-receive-pack'], 'the gate gave up on the held response');
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, /forwarded to upstream \(the upstream did not answer within 4 s, but the upstream's refs show it took the push\)/);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit);
    assert.equal(gate.mirror.ref('refs/heads/main'), commit, 'git updated the mirror to match');
    assert.equal(server.uploadPackRequests, 2, 'two reads of the upstream refs (what it holds, before the scan; whether it took the push, after), with the gate credential');
    assert.equal(push.output.includes(PASSWORD), false);
    assert.equal(readFileSync(join(gate.root, 'state/gatehouse/gate.log'), 'utf8').includes(PASSWORD), false);
    assert.deepEqual(liveProcesses(upstreamGitPids(gate), needle), []);
    const log = logLines(gate);
    assert.deepEqual(
      log.filter((l) => l.level !== 'debug').map((l) => l.msg).slice(-3),
      ['forwarding', "forward ended without the upstream's answer; reading the upstream refs", 'push forwarded (confirmed from the upstream refs)'],
    );
  });

  it('the forwarding git push is killed (SIGKILL) after the upstream received the pack: verified, accepted', async (t) => {
    const { gate, server, needle } = await httpGate(t, { forwardSeconds: 120, holdReceivePackResponse: true, auth: true });
    let killed = 0;
    server.events.once('receive-pack-applied', () => {
      // The gate logs the forward's pid (at debug) as soon as git push has started.
      killed = logLines(gate).find((l) => l.msg === 'forward started')!.pid!;
      process.kill(killed, 'SIGKILL');
    });
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const y = 2;\n' });
    const push = await gate.pushAsync('origin', 'main');
    assert.ok(killed > 0, 'the forward was killed while its response was held');
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, /git push was killed by SIGKILL, but the upstream's refs show it took the push/);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit);
    assert.equal(gate.mirror.ref('refs/heads/main'), commit);
    // git-remote-http outlived git push, holding the connection; the gate killed its group.
    assert.deepEqual(liveProcesses(upstreamGitPids(gate), needle), []);
  });

  it('a hook killed outright during the forward cannot answer; its "forwarding" record, with no outcome, shows the push', async (t) => {
    const { gate, server } = await httpGate(t, { forwardSeconds: 120, holdReceivePackResponse: true });
    let forward = 0;
    server.events.once('receive-pack-applied', () => {
      const log = logLines(gate);
      forward = log.find((l) => l.msg === 'forward started')!.pid!;
      const hook = Number(log.find((l) => l.msg === 'forwarding')!.push!.split('-')[0]);
      process.kill(hook, 'SIGKILL');
    });
    // The forward runs in its own process group, so it outlives the hook: end it with the test.
    t.after(() => {
      try {
        process.kill(-forward, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const v = 5;\n' });
    const push = await gate.pushAsync('origin', 'main');
    assert.ok(forward > 0);
    assert.equal(push.code, 1, push.output);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit, 'the upstream took it');
    assert.notEqual(gate.mirror.ref('refs/heads/main'), commit, 'the mirror did not: the next refresh brings it');
    const log = logLines(gate);
    const id = log.find((l) => l.msg === 'forwarding')!.push;
    assert.deepEqual(log.filter((l) => l.push === id && l.level !== 'debug').map((l) => l.msg).slice(-1), ['forwarding'], 'no outcome was recorded after it');
  });

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

  it('an upstream that never answers: refused after the timeouts, saying it could not confirm, with no process left', async (t) => {
    const { gate, server, needle } = await httpGate(t, { forwardSeconds: 2, verifySeconds: 2, hold: () => true });
    const held = record(server.events, 'held');
    const gone = record(server.events, 'client-gone');
    const before = gate.upstream.ref('refs/heads/main');
    gate.client.commit('feature', { 'src/feature.js': 'export const w = 4;\n' });
    const push = await gate.pushAsync('origin', 'main');
    // run() kills a push that outlives its own bound, which reads as code null.
    assert.equal(push.code, 1, push.output);
    assert.match(push.output, /push NOT CONFIRMED: the forward to the upstream failed \(the upstream did not answer within 2 s\) and the gate could not read the upstream's refs/);
    assert.match(push.output, /MAY HAVE TAKEN this push: the next fetch will show whether it did/);
    assert.match(push.output, /git ls-remote: the upstream did not answer within 2 s/);
    // The listing before the scan (given up after the verify timeout: the mirror's refs stand in), the forward, the check after it.
    assert.deepEqual(held.seen, ['GET /upstream.git/info/refs?service=git-upload-pack', 'GET /upstream.git/info/refs?service=git-receive-pack', 'GET /upstream.git/info/refs?service=git-upload-pack']);
    assert.deepEqual(await gone.reached(3), held.seen, 'the gate dropped every connection');
    assert.equal(gate.upstream.ref('refs/heads/main'), before);
    assert.equal(gate.mirror.ref('refs/heads/main'), before);
    const groups = upstreamGitPids(gate);
    assert.equal(groups.length, 3, 'the listing before the scan, the forward and the ls-remote after it');
    assert.deepEqual(liveProcesses(groups, needle), []);
    assert.ok(logLines(gate).some((l) => l.msg === 'ambiguous push: the upstream may have taken it'));
  });

  it('an upstream that cannot be reached at all is a plain refusal: nothing was sent, nothing to check', async (t) => {
    const gate = createGate(t, { configToml: '[log]\nlevel = "debug"\n' });
    gate.mirror.git('config', 'gatehouse.upstream', `http://127.0.0.1:${await freePort()}/upstream.git`);
    gate.client.commit('feature', { 'src/feature.js': 'export const u = 6;\n' });
    const push = await gate.pushAsync('origin', 'main');
    assert.equal(push.code, 1, push.output);
    assert.match(push.output, /push REJECTED: the upstream refused it/);
    assert.match(push.output, /unable to access/);
    assert.doesNotMatch(push.output, /NOT CONFIRMED/);
    // Only the listing before the scan read the upstream's refs; nothing was sent, so nothing to check after.
    assert.deepEqual(logLines(gate).filter((l) => l.msg === 'reading upstream refs').map((l) => (l as { why?: string }).why), ['what the upstream holds, before the scan']);
  });

  it('an upstream that refuses (lease no longer holds, or its own hook) is a refusal, as git said, with no second look', async (t) => {
    const { gate, server } = await httpGate(t, { forwardSeconds: 30 });
    // Someone pushes straight to the upstream: the mirror's value is stale, so the lease fails.
    gate.client.git('checkout', '-q', '-b', 'tmp');
    const theirs = gate.client.commit('theirs', { 'theirs.txt': 'theirs\n' });
    gate.client.git('push', '-q', gate.upstream.dir, 'tmp:main');
    gate.client.git('checkout', '-q', 'main');
    gate.client.git('branch', '-q', '-D', 'tmp');
    const ours = gate.client.commit('ours', { 'ours.txt': 'ours\n' });
    const stale = await gate.pushAsync('origin', 'main');
    assert.equal(stale.code, 1, stale.output);
    assert.match(stale.output, /push REJECTED: the upstream refused it/);
    assert.match(stale.output, /\[rejected\] \(stale info\)/);
    assert.equal(gate.upstream.ref('refs/heads/main'), theirs);
    assert.notEqual(gate.mirror.ref('refs/heads/main'), ours);
    // The upstream's own pre-receive declines a new branch.
    writeFileSync(join(gate.upstream.dir, 'hooks/pre-receive'), '#!/bin/sh\necho "upstream says no" >&2\nexit 1\n', { mode: 0o755 });
    const declined = await gate.pushAsync('origin', 'main:topic');
    assert.equal(declined.code, 1, declined.output);
    assert.match(declined.output, /\[remote rejected\] \(pre-receive hook declined\)/);
    assert.equal(gate.upstream.ref('refs/heads/topic'), null);
    assert.equal(server.uploadPackRequests, 2, 'one listing before each scan; git push answered for every ref: no ls-remote after');
  });
});
