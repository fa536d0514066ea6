// gatehouse serve with its state in Redis, when Redis goes away and comes back: smart HTTP must
// say the gate's state store is unreachable (503), never answer 401 (git would ask for
// credentials and report "Authentication failed"), and serve again once Redis is back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { startGateServer } from '../helpers/gate-server.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { freePort } from '../helpers/net.ts';
import { startRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('serve when its Redis store is down', () => {
  it('answers 503 naming the state store, not a credential prompt, and serves again when Redis is back', async (t) => {
    assertBuilt();
    let redis = await startRedis();
    t.after(() => redis.stop());
    const root = tempDir(t, 'gatehouse-outage');
    const env = gatehouseEnv(root, `[store]\nurl = "${redis.url}"\n[gate]\nfreshness_seconds = 0\n`);
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    assert.equal((await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env })).code, 0);
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', '--scope', 'write'], { env });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    const httpPort = await freePort();
    const serve = await startGateServer(t, ['serve', '--http-port', String(httpPort)], env, [httpPort]);
    const url = `http://127.0.0.1:${httpPort}/git/app`;
    const git = (cwd: string, ...args: string[]) =>
      run('git', args, {
        cwd,
        env: { ...GIT_ENV, HOME: join(root, 'home'), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${token}` },
      });

    const first = await git(root, 'clone', '-q', url, join(root, 'first'));
    assert.equal(first.code, 0, first.stderr);
    const client = TestRepo.open(join(root, 'first'));
    client.commit('work', { 'work.txt': 'work\n' });

    await redis.stop();
    const refusedClone = await git(root, 'clone', '-q', url, join(root, 'during'));
    const refusedPush = await git(client.dir, 'push', 'origin', 'main');
    for (const refused of [refusedClone, refusedPush]) {
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /503/);
      assert.match(refused.stderr, /state store \(redis:\/\/127\.0\.0\.1:\d+\) is unreachable/);
      assert.doesNotMatch(refused.stderr, /Authentication failed|could not read Username|401/);
    }

    redis = await startRedis({ port: redis.port });
    await serve.waitForStderr(/state store reachable again/);
    const again = await git(root, 'clone', '-q', url, join(root, 'after'));
    assert.equal(again.code, 0, again.stderr);
    const pushed = await git(client.dir, 'push', 'origin', 'main');
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal(upstream.ref('refs/heads/main'), client.head());
  });
});
