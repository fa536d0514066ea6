// The audit trail through real gates: pushes refused and accepted by `gatehouse daemon` show in
// `gatehouse audit tail`, redacted; with a Redis store, two gates (replicas) write to one trail
// and a follower on one sees the other's pushes as they happen.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { startGateDaemon } from '../helpers/gate-daemon.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { PLANT } from '../helpers/secrets.ts';

const cleanups: Array<() => void> = [];
const suite = { after: (fn: () => void) => void cleanups.push(fn) };

interface Entry {
  id: string;
  time: string;
  event: { kind: string; mirror: string; reason?: string; findings?: Array<{ rule: string; file: string }>; refs: Array<{ ref: string }> };
}

const entries = (stdout: string): Entry[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry);

describe('the audit trail', () => {
  let redis: RedisServer;
  before(async () => {
    assertBuilt();
    redis = await startRedis();
  });
  after(async () => {
    for (const fn of cleanups.splice(0)) fn();
    await redis?.stop();
  });

  it('audit tail shows a refused and an accepted push, with the finding named and the secret redacted', async () => {
    const gate = await startGateDaemon(suite);
    const planted = PLANT.github('audit-tail');
    const client = gate.clone('auditor');
    client.commit('add config', { 'config.env': `TOKEN=${planted}\n` });
    assert.notEqual(gate.push(client, 'origin', 'main').code, 0);
    client.git('reset', '-q', '--hard', 'HEAD~1');
    client.commit('docs', { 'docs.md': 'nothing secret\n' });
    const accepted = gate.push(client, 'origin', 'main');
    assert.equal(accepted.code, 0, accepted.output);

    const json = await run(BINARY, ['audit', 'tail', '--json', '-n', '10'], { env: gate.env });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.includes(planted), false, 'the trail shows the secret');
    const [refused, ok] = entries(json.stdout);
    assert.equal(entries(json.stdout).length, 2);
    assert.equal(refused!.event.kind, 'push.refused');
    assert.equal(refused!.event.reason, 'secrets found');
    assert.equal(refused!.event.mirror, 'app');
    assert.deepEqual(refused!.event.findings!.map((f) => [f.rule, f.file]), [['github-pat', 'config.env']]);
    assert.deepEqual(refused!.event.refs.map((r) => r.ref), ['refs/heads/main']);
    assert.equal(ok!.event.kind, 'push.accepted');
    assert.ok(Number(ok!.id) > Number(refused!.id));

    const text = await run(BINARY, ['audit', 'tail', '--kind', 'push.refused'], { env: { ...gate.env, NO_COLOR: '1' } });
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, 1, text.stdout);
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\S+Z push\.refused +app .*reason=secrets found .*"rule":"github-pat"/);

    const bad = await run(BINARY, ['audit', 'tail', '--kind', 'pushes'], { env: gate.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown audit kind "pushes"/);
  });

  it('two gates on one Redis write one trail; a follower on one sees the other\'s push as it happens', async () => {
    const shared = `[gate]\nfreshness_seconds = 0\n[store]\nurl = "${redis.url}"\nnamespace = "audit-replicas"\n`;
    const [one, two] = [await startGateDaemon(suite, { configToml: shared }), await startGateDaemon(suite, { configToml: shared })];
    const first = one.clone('one');
    first.commit('one', { 'one.md': 'one\n' });
    assert.equal(one.push(first, 'origin', 'main').code, 0);

    const follower = spawn(BINARY, ['audit', 'tail', '--follow', '--json', '-n', '5'], { env: one.env, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => follower.kill('SIGKILL'));
    let out = '';
    let err = '';
    const waiters: Array<() => void> = [];
    follower.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const wake of waiters.splice(0)) wake();
    });
    follower.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.once('exit', (code) => resolve(code)));
    const lines = async (count: number) => {
      while (out.split('\n').filter(Boolean).length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return entries(out);
    };
    assert.deepEqual((await lines(1)).map((e) => e.event.kind), ['push.accepted'], err);

    const second = two.clone('two');
    const planted = PLANT.aws('audit-replica');
    second.commit('two', { 'deploy.sh': `export AWS_ACCESS_KEY_ID=${planted}\n` });
    assert.notEqual(two.push(second, 'origin', 'main').code, 0);
    const seen = await lines(2);
    assert.deepEqual(seen.map((e) => e.event.kind), ['push.accepted', 'push.refused']);
    assert.equal(out.includes(planted), false);

    follower.kill('SIGTERM');
    assert.equal(await exited, 0, err);
  });
});
