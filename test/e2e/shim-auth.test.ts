// gatehouse shim client authentication: by default every request needs a gatehouse-signed shim
// token (x-gatehouse-token, stripped before forwarding) whose scopes name the route and method;
// expired or revoked: 401. Without tokens only a unix socket or --trust-loopback serves.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import {
  assertNoSecret,
  eventually,
  mintShimToken,
  readLog,
  request,
  route,
  shimSandbox,
  sleep,
  startShim,
  startUpstream,
  writeShimConfig,
  type RunningShim,
  type ShimSandbox,
  type Upstream,
} from '../helpers/shim.ts';

describe('shim client tokens', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let api: Upstream;
  let shim: RunningShim;

  const withToken = (path: string, token: string | null, method = 'GET') =>
    request(shim.url, path, { method, headers: token ? { 'x-gatehouse-token': token } : {}, ...(method === 'POST' ? { body: 'payload' } : {}) });
  const assertRefused = async (res: Awaited<ReturnType<typeof withToken>>, status: number, before: number) => {
    assert.equal(res.status, status, res.text);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.equal(typeof (JSON.parse(res.text) as { error: string }).error, 'string');
    assert.equal(api.seen.length, before, 'nothing reached the upstream');
  };

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    api = await startUpstream();
    writeShimConfig(box, [route('/api/', api.url), route('/other/', api.url), route('/key/', api.url, { auth: 'header:x-api-key' })].join('\n'));
    // Mint once before the shim starts, so the signing key exists before two processes want it.
    await mintShimToken(box, ['/api/']);
    shim = await startShim(box);
  });

  after(async () => {
    await shim?.stop();
    await api?.close();
    for (const fn of cleanups) fn();
  });

  it('no token: 401 JSON, nothing forwarded (loopback is not trusted by default)', async () => {
    await assertRefused(await withToken('/api/x', null), 401, api.seen.length);
  });

  it('without a valid token nothing about the routes is answered: unknown paths, /metrics and known routes alike are 401', async () => {
    const before = api.seen.length;
    for (const [path, method] of [['/nowhere/x', 'GET'], ['/metrics', 'GET'], ['/api/x', 'DELETE'], ['/api/app.git/info/refs?service=git-receive-pack', 'GET']] as const) {
      for (const token of [null, 'not-a-token']) {
        const res = await withToken(path, token, method);
        assert.equal(res.status, 401, `${method} ${path}: ${res.text}`);
        assert.ok(!res.text.includes('/api/') && !res.text.includes('/other/'), `${path} named a route: ${res.text}`);
        assert.doesNotMatch(res.text, /gatehouse_shim/);
      }
    }
    assert.equal(api.seen.length, before);
    assert.equal((await withToken('/healthz', null)).status, 200);
  });

  it('a valid token: an unknown path lists only the routes the token may use; /metrics needs a token for /metrics (or *)', async () => {
    const api = await mintShimToken(box, ['/api/']);
    const missing = await withToken('/nowhere/x', api.token);
    assert.equal(missing.status, 404);
    assert.deepEqual((JSON.parse(missing.text) as { routes: string[] }).routes, ['/api/']);
    const metrics = await withToken('/metrics', api.token);
    assert.equal(metrics.status, 403);
    assert.doesNotMatch(metrics.text, /gatehouse_shim/);
    for (const routes of [['/metrics'], ['*']]) {
      const { token } = await mintShimToken(box, routes);
      const allowed = await withToken('/metrics', token);
      assert.equal(allowed.status, 200, allowed.text);
      assert.match(allowed.text, /gatehouse_shim_requests_total/);
    }
    const all = await mintShimToken(box, ['*']);
    assert.deepEqual((JSON.parse((await withToken('/nowhere/x', all.token)).text) as { routes: string[] }).routes.sort(), ['/api/', '/key/', '/other/']);
  });

  it('a token that is not a gatehouse token, or signed by another key: 401', async () => {
    const before = api.seen.length;
    await assertRefused(await withToken('/api/x', 'not-a-token'), 401, before);
    const stranger = shimSandbox({ after: (fn) => cleanups.push(fn) });
    const foreign = await mintShimToken(stranger, ['/api/'], ['GET']);
    await assertRefused(await withToken('/api/x', foreign.token), 401, before);
  });

  it('a valid token: forwarded, and the token header does not reach the upstream', async () => {
    const { token } = await mintShimToken(box, ['/api/']);
    const res = await withToken('/api/x', token);
    assert.equal(res.status, 200);
    const seen = api.seen.at(-1)!;
    assert.equal(seen.headers['x-gatehouse-token'], undefined);
    assert.ok(!JSON.stringify(seen.rawHeaders).includes(token));
    assert.equal(seen.headers.authorization, `Bearer ${box.secret}`);
  });

  it('the token as Authorization: Bearer (for SDKs that only set an API key) is accepted, and never forwarded', async () => {
    const { token } = await mintShimToken(box, ['/api/']);
    const res = await request(shim.url, '/api/x', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, res.text);
    const seen = api.seen.at(-1)!;
    assert.equal(seen.headers.authorization, `Bearer ${box.secret}`);
    assert.ok(!JSON.stringify(seen.rawHeaders).includes(token), 'the client token reached the upstream');
    // Scopes still apply, and a bearer that is no token of ours is a 401.
    const before = api.seen.length;
    await assertRefused(await request(shim.url, '/other/x', { headers: { authorization: `Bearer ${token}` } }), 403, before);
    await assertRefused(await request(shim.url, '/api/x', { headers: { authorization: 'Bearer sk-not-ours' } }), 401, before);
    await assertRefused(await request(shim.url, '/api/x', { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } }), 401, before);
  });

  it('on a route whose credential goes in a header (auth = "header:x-api-key"), the token may come in that header', async () => {
    const { token } = await mintShimToken(box, ['/key/']);
    const res = await request(shim.url, '/key/v1/messages', { headers: { 'x-api-key': token } });
    assert.equal(res.status, 200, res.text);
    const seen = api.seen.at(-1)!;
    assert.equal(seen.headers['x-api-key'], box.secret);
    assert.ok(!JSON.stringify(seen.rawHeaders).includes(token), 'the client token reached the upstream');
    // Only on such a route: elsewhere x-api-key is no token.
    const before = api.seen.length;
    const { token: apiToken } = await mintShimToken(box, ['/api/']);
    await assertRefused(await request(shim.url, '/api/x', { headers: { 'x-api-key': apiToken } }), 401, before);
  });

  it('a token for another route: 403', async () => {
    const { token } = await mintShimToken(box, ['/other/']);
    await assertRefused(await withToken('/api/x', token), 403, api.seen.length);
    assert.equal((await withToken('/other/x', token)).status, 200);
  });

  it('a GET-only token used for POST: 403; a GET POST token may POST', async () => {
    const getOnly = await mintShimToken(box, ['/api/']);
    await assertRefused(await withToken('/api/x', getOnly.token, 'POST'), 403, api.seen.length);
    const both = await mintShimToken(box, ['/api/'], ['GET', 'POST']);
    const res = await withToken('/api/x', both.token, 'POST');
    assert.equal(res.status, 200);
    assert.equal(api.seen.at(-1)!.body.toString(), 'payload');
  });

  it('a token for every route ("*")', async () => {
    const { token } = await mintShimToken(box, ['*']);
    assert.equal((await withToken('/api/x', token)).status, 200);
    assert.equal((await withToken('/other/x', token)).status, 200);
  });

  it('a git (non-shim) token: 403', async () => {
    // Git tokens are minted only for a mirror that exists.
    const upstream = new TestRepo(join(box.root, 'upstream.git'), { bare: true });
    assert.equal((await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env: { ...GIT_ENV, ...box.env } })).code, 0);
    const git = await run(BINARY, ['token', 'mint', '--repo', 'app'], { env: box.env });
    assert.equal(git.code, 0, git.stderr);
    await assertRefused(await withToken('/api/x', git.stdout.trim()), 403, api.seen.length);
  });

  it('an expired token: 401', async () => {
    const { token } = await mintShimToken(box, ['/api/'], ['GET'], '1s');
    await sleep(2100);
    await assertRefused(await withToken('/api/x', token), 401, api.seen.length);
  });

  it('a token used while valid is refused once it expires (verified tokens are cached only until their expiry)', async () => {
    const { token } = await mintShimToken(box, ['/api/'], ['GET'], '4s');
    assert.equal((await withToken('/api/x', token)).status, 200);
    await sleep(4100);
    await assertRefused(await withToken('/api/x', token), 401, api.seen.length);
  });

  it('a revoked token: 401 from the next request on', async () => {
    const { token, jti } = await mintShimToken(box, ['/api/']);
    assert.equal((await withToken('/api/x', token)).status, 200);
    const revoked = await run(BINARY, ['token', 'revoke'], { env: box.env, input: token });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(jti));
    await assertRefused(await withToken('/api/x', token), 401, api.seen.length);
  });

  it('the audit log names the client token id, never the token', async () => {
    const { token, jti } = await mintShimToken(box, ['/api/']);
    assert.equal((await withToken('/api/audited', token)).status, 200);
    const line = await eventually(() => readLog(box).find((l) => l.msg === 'request' && l.path === '/api/audited'));
    assert.ok(line);
    assert.equal(line.token, jti);
    const text = JSON.stringify(readLog(box));
    assert.ok(!text.includes(token));
    assertNoSecret(box, text, 'the log file');
    assertNoSecret(box, shim.stderr(), 'stderr');
  });
});

describe('shim without client tokens: --trust-loopback, trust_loopback, --socket', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let api: Upstream;

  before(async () => {
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    api = await startUpstream();
    writeShimConfig(box, route('/api/', api.url));
  });

  after(async () => {
    await api?.close();
    for (const fn of cleanups) fn();
  });

  it('--trust-loopback: a loopback client needs no token; a token header it sends is still stripped', async () => {
    const shim = await startShim(box, ['--trust-loopback']);
    try {
      const res = await request(shim.url, '/api/x', { headers: { 'x-gatehouse-token': 'anything' } });
      assert.equal(res.status, 200);
      assert.equal(api.seen.at(-1)!.headers['x-gatehouse-token'], undefined);
      assert.equal(api.seen.at(-1)!.headers.authorization, `Bearer ${box.secret}`);
    } finally {
      await shim.stop();
    }
  });

  it('shim.trust_loopback = true in the config does the same; --no-trust-loopback overrides it', async () => {
    writeShimConfig(box, `[shim]\ntrust_loopback = true\n\n${route('/api/', api.url)}`);
    try {
      const trusting = await startShim(box);
      try {
        assert.equal((await request(trusting.url, '/api/x')).status, 200);
      } finally {
        await trusting.stop();
      }
      const strict = await startShim(box, ['--no-trust-loopback']);
      try {
        assert.equal((await request(strict.url, '/api/x')).status, 401);
      } finally {
        await strict.stop();
      }
    } finally {
      writeShimConfig(box, route('/api/', api.url));
    }
  });

  it('--trust-loopback does not trust a client on a non-loopback address', async (t) => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!address) return t.skip('no non-loopback IPv4 address on this machine');
    // Listen on this machine's own interface address; the connection stays on this host.
    const shim = await startShim(box, ['--trust-loopback', '--listen', address]);
    try {
      const before = api.seen.length;
      const res = await request(`http://${address}:${shim.port}`, '/api/x');
      assert.equal(res.status, 401);
      assert.equal(api.seen.length, before);
    } finally {
      await shim.stop();
    }
  });

  it('--socket: a unix socket (0600) serves without tokens, and no TCP port is opened', async () => {
    const socketPath = join(box.root, 'shim.sock');
    const shim = await startShim(box, ['--socket', socketPath]);
    try {
      assert.match(shim.stderr(), /listening on unix:/);
      assert.equal(statSync(socketPath).mode & 0o777, 0o600);
      const res = await request('http://localhost', '/api/over-socket', { socketPath, headers: { 'x-gatehouse-token': 'ignored' } });
      assert.equal(res.status, 200);
      const seen = api.seen.at(-1)!;
      assert.equal(seen.url, '/over-socket');
      assert.equal(seen.headers['x-gatehouse-token'], undefined);
      assert.equal(seen.headers.authorization, `Bearer ${box.secret}`);
      assert.equal((await request('http://localhost', '/healthz', { socketPath })).status, 200);
    } finally {
      await shim.stop();
    }
  });
});
