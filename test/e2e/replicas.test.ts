// Several gates, one truth: three `gatehouse serve` replicas, each with its own state dir and
// mirrors, sharing one real redis-server and one signing key. A token minted on one works on
// all, a revocation on one holds on all, a rate limit counts across all, and the audit trail
// is one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { startGateServer } from '../helpers/gate-server.ts';
import { TestRepo } from '../helpers/git.ts';
import { freePort } from '../helpers/net.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';
import { startHttpGitServer } from '../helpers/http-backend.ts';
import { tempDir } from '../helpers/tmp.ts';
import { mintToken } from '../../src/credential/tokens.ts';

const cleanups: Array<() => unknown> = [];
const suite = { after: (fn: () => unknown) => void cleanups.push(fn) };

interface Replica {
  env: NodeJS.ProcessEnv;
  url: string;
}

describe('three serve replicas on one Redis', () => {
  let redis: RedisServer;
  let replicas: Replica[];
  let signingKey: string;
  const requestLimit = 4;

  before(async () => {
    assertBuilt();
    redis = await startRedis();
    const root = tempDir(suite, 'gatehouse-replicas');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    const upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    signingKey = randomBytes(32).toString('base64');
    const config =
      `[gate]\nfreshness_seconds = 60\nsigning_key = "env:GATEHOUSE_TEST_SIGNING_KEY"\n` +
      `[store]\nurl = "${redis.url}"\nnamespace = "replicas"\n` +
      `[rate_limit]\nrequests = ${requestLimit}\nwindow_seconds = 3600\n`;
    replicas = await Promise.all(
      [0, 1, 2].map(async (n) => {
        const env = gatehouseEnv(join(root, `replica-${n}`), config, { GATEHOUSE_TEST_SIGNING_KEY: signingKey });
        const added = await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env });
        assert.equal(added.code, 0, added.stderr);
        const port = await freePort();
        await startGateServer(suite, ['serve', '--http-port', String(port), '--log-level', 'warn'], env, [port]);
        return { env, url: `http://127.0.0.1:${port}` };
      }),
    );
  });

  after(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    await redis?.stop();
  });

  const mint = async (replica: Replica, ...args: string[]) => {
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', ...args], { env: replica.env });
    assert.equal(minted.code, 0, minted.stderr);
    return minted.stdout.trim();
  };
  /** One smart-HTTP request, as git's first one: the ref advertisement. */
  const infoRefs = (replica: Replica, token: string) =>
    fetch(`${replica.url}/git/app/info/refs?service=git-upload-pack`, { headers: { Authorization: `Basic ${Buffer.from(`gatehouse:${token}`).toString('base64')}` } });

  it('a token minted on one replica opens every replica; revoked on another, it opens none', async () => {
    const token = await mint(replicas[0]!, '--ttl', '1h');
    for (const replica of replicas) {
      const response = await infoRefs(replica, token);
      assert.equal(response.status, 200, `${replica.url}: ${await response.text()}`);
    }
    const revoked = await run(BINARY, ['token', 'revoke'], { env: replicas[1]!.env, input: `${token}\n` });
    assert.equal(revoked.code, 0, revoked.stderr);
    for (const replica of replicas) {
      const response = await infoRefs(replica, token);
      assert.equal(response.status, 401, replica.url);
      assert.match(await response.text(), /token revoked/);
    }
  });

  it(`the rate limit (${requestLimit} requests) counts across replicas: the next request is 429 on every one`, async () => {
    const token = await mint(replicas[2]!, '--ttl', '1h');
    for (let i = 0; i < requestLimit; i++) {
      const response = await infoRefs(replicas[i % replicas.length]!, token);
      assert.equal(response.status, 200, `request ${i + 1}: ${await response.text()}`);
    }
    for (const replica of replicas) {
      const response = await infoRefs(replica, token);
      assert.equal(response.status, 429, replica.url);
      assert.match(await response.text(), new RegExp(`rate limit: more than ${requestLimit} requests in 3600 s for this token; retry in \\d+ s`));
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
    }
    // Another token has its own count.
    const other = await mint(replicas[0]!, '--ttl', '1h');
    assert.equal((await infoRefs(replicas[1]!, other)).status, 200);
  });

  it('git itself is told about the limit, not asked for a password', async () => {
    const token = await mint(replicas[1]!, '--ttl', '1h');
    for (let i = 0; i < requestLimit; i++) assert.equal((await infoRefs(replicas[0]!, token)).status, 200);
    const dir = tempDir(suite, 'gatehouse-replica-client');
    const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`gatehouse:${token}`).toString('base64')}` };
    const cloned = await run('git', ['clone', '-q', `${replicas[2]!.url}/git/app`, join(dir, 'app')], { env: { ...replicas[2]!.env, ...header, GIT_TERMINAL_PROMPT: '0' } });
    assert.notEqual(cloned.code, 0);
    assert.match(cloned.stderr, /429/);
    assert.doesNotMatch(cloned.stderr, /Username|Password/);
  });

  it('a peer token (one replica copying another) reads its one mirror and nothing else: no push, no other mirror', async () => {
    const { token } = await mintToken(Buffer.from(signingKey, 'base64'), { kind: 'peer', repo: 'app' }, 120);
    const as = (path: string) => fetch(`${replicas[0]!.url}/git/${path}`, { headers: { Authorization: `Basic ${Buffer.from(`gatehouse-peer:${token}`).toString('base64')}` } });
    assert.equal((await as('app/info/refs?service=git-upload-pack')).status, 200);
    const push = await as('app/info/refs?service=git-receive-pack');
    assert.equal(push.status, 403);
    assert.match(await push.text(), /peer token is for reading app only/);
    const { token: other } = await mintToken(Buffer.from(signingKey, 'base64'), { kind: 'peer', repo: 'elsewhere' }, 120);
    const elsewhere = await fetch(`${replicas[0]!.url}/git/app/info/refs?service=git-upload-pack`, { headers: { Authorization: `Basic ${Buffer.from(`gatehouse-peer:${other}`).toString('base64')}` } });
    assert.equal(elsewhere.status, 403);
  });

  it('the audit trail is one: token use on every replica reads back from any of them', async () => {
    const tail = await run(BINARY, ['audit', 'tail', '--json', '-n', '200', '--kind', 'token'], { env: replicas[0]!.env });
    assert.equal(tail.code, 0, tail.stderr);
    const kinds = tail.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: { kind: string } }).event.kind);
    // Used: 3, then 4 and the other token's 1, then 4 before git's clone, then the peer's read.
    // Refused: 3 revoked, 3 over the limit, git's clone, the peer's push and other mirror.
    assert.equal(kinds.filter((k) => k === 'token.used').length, 3 + requestLimit + 1 + requestLimit + 1);
    assert.equal(kinds.filter((k) => k === 'token.refused').length, 3 + 3 + 1 + 2);
  });
});

describe('replicas share a refresh: one upstream fetch for a burst of clones over three', () => {
  let redis: RedisServer;
  before(async () => {
    assertBuilt();
    redis = await startRedis();
  });
  after(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    await redis?.stop();
  });

  it('60 concurrent clones spread over three replicas cost the upstream one fetch; every clone gets the upstream\'s newest commit', async () => {
    const root = tempDir(suite, 'gatehouse-peers');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    mkdirSync(join(root, 'upstreams'));
    const upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    const server = await startHttpGitServer(join(root, 'upstreams'));
    cleanups.push(() => server.close());
    const signingKey = randomBytes(32).toString('base64');
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const peers = await Promise.all(
      ports.map(async (port, n) => {
        const config =
          `[gate]\nfreshness_seconds = 600\nsigning_key = "env:GATEHOUSE_TEST_SIGNING_KEY"\npeer_url = "http://127.0.0.1:${port}"\n` +
          `[store]\nurl = "${redis.url}"\nnamespace = "peers"\n`;
        const env = gatehouseEnv(join(root, `replica-${n}`), config, { GATEHOUSE_TEST_SIGNING_KEY: signingKey });
        const added = await run(BINARY, ['mirror', 'add', 'app', `${server.url}/app.git`], { env });
        assert.equal(added.code, 0, added.stderr);
        await startGateServer(suite, ['serve', '--http-port', String(port), '--log-level', 'warn'], env, [port]);
        return { env, url: `http://127.0.0.1:${port}` };
      }),
    );
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', '--ttl', '1h'], { env: peers[0]!.env });
    assert.equal(minted.code, 0, minted.stderr);
    const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`gatehouse:${minted.stdout.trim()}`).toString('base64')}` };
    const writer = await run(BINARY, ['token', 'mint', '--repo', 'app', '--scope', 'write', '--ttl', '1h'], { env: peers[0]!.env });
    assert.equal(writer.code, 0, writer.stderr);
    const writeHeader = { ...header, GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`gatehouse:${writer.stdout.trim()}`).toString('base64')}` };
    const pushThrough = async (replica: Replica, work: TestRepo) => {
      const pushed = await run('git', ['push', '-q', `${replica.url}/git/app`, 'HEAD:main'], { cwd: work.dir, env: { ...replica.env, ...writeHeader, GIT_TERMINAL_PROMPT: '0' } });
      assert.equal(pushed.code, 0, pushed.stderr);
    };
    // Every replica's mirror was fetched by mirror add moments ago, so it is fresh for 600 s. A
    // push through replica 0 moves the upstream, and with it every replica's mirror is due.
    const newest = seed.commit('newer', { 'NEWS.md': 'news\n' });
    await pushThrough(peers[0]!, seed);
    assert.equal(upstream.ref('refs/heads/main'), newest);
    const before = server.uploadPackRequests;

    const clones = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const replica = peers[i % peers.length]!;
        const dir = join(root, `clones/${i}`);
        const cloned = await run('git', ['clone', '-q', `${replica.url}/git/app`, dir], { env: { ...replica.env, ...header, GIT_TERMINAL_PROMPT: '0' }, timeoutMs: 300_000 });
        return { i, cloned, head: cloned.code === 0 ? TestRepo.open(dir).head() : '' };
      }),
    );
    for (const { i, cloned, head } of clones) {
      assert.equal(cloned.code, 0, `clone ${i}: ${cloned.stderr}`);
      assert.equal(head, newest, `clone ${i} has the upstream's newest commit`);
    }
    // One refresh reaches the upstream twice: the fetch and the ls-remote for HEAD.
    assert.equal(server.uploadPackRequests - before, 2, 'one upstream fetch for the whole burst');

    const statuses = await Promise.all(
      peers.map(async (replica) => {
        const listed = await run(BINARY, ['mirror', 'list', '--json'], { env: replica.env });
        assert.equal(listed.code, 0, listed.stderr);
        return (JSON.parse(listed.stdout) as Array<{ status: { fetches: number; peerCopies?: number } }>)[0]!.status;
      }),
    );
    // Each replica counts mirror add's fetch, then the one refresh of the burst: one from the upstream, two copies.
    assert.deepEqual(statuses.map((s) => s.fetches - 1 + (s.peerCopies ?? 0)), [1, 1, 1], JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s.fetches === 2).length, 1, JSON.stringify(statuses));

    // Again through another replica: the next clone from every replica has it.
    const work = TestRepo.open(join(root, 'clones/2'));
    const pushedCommit = work.commit('through replica 2', { 'CHANGES.md': 'pushed through a replica\n' });
    await pushThrough(peers[2]!, work);
    assert.equal(upstream.ref('refs/heads/main'), pushedCommit);
    for (const [n, replica] of peers.entries()) {
      const dir = join(root, `after-push/${n}`);
      const cloned = await run('git', ['clone', '-q', `${replica.url}/git/app`, dir], { env: { ...replica.env, ...header, GIT_TERMINAL_PROMPT: '0' } });
      assert.equal(cloned.code, 0, cloned.stderr);
      assert.equal(TestRepo.open(dir).head(), pushedCommit, `replica ${n} serves the pushed commit`);
    }
  });
});
