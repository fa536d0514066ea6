// gatehouse shim: the route table (longest prefix, 404 listing the prefixes, per-route methods),
// errors at start naming the route, `shim check`, `shim routes --preset`, /healthz and /metrics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import {
  assertNoSecret,
  eventually,
  parseRaw,
  rawExchange,
  readLog,
  request,
  route,
  shimSandbox,
  startShim,
  startUpstream,
  writeShimConfig,
  type RunningShim,
  type ShimSandbox,
  type Upstream,
} from '../helpers/shim.ts';

describe('shim routes', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let api: Upstream;
  let apiV2: Upstream;
  let shim: RunningShim;

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    api = await startUpstream((req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ upstream: 'api', url: req.url })));
    apiV2 = await startUpstream((req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ upstream: 'v2', url: req.url })));
    writeShimConfig(
      box,
      [
        route('/api/', `${api.url}/base/`),
        route('/api/v2/', `${apiV2.url}/two`),
        route('/readonly/', api.url, { methods: ['GET', 'HEAD'] }),
      ].join('\n'),
    );
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    await api?.close();
    await apiV2?.close();
    for (const fn of cleanups) fn();
  });

  it('the longest prefix wins, and the rest of the path and the query go to the upstream base path', async () => {
    const a = await request(shim.url, '/api/repos/x?page=2');
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.text), { upstream: 'api', url: '/base/repos/x?page=2' });
    const b = await request(shim.url, '/api/v2/things?q=1');
    assert.deepEqual(JSON.parse(b.text), { upstream: 'v2', url: '/two/things?q=1' });
    // "/api/v2x" is not under "/api/v2/": the shorter prefix takes it.
    const c = await request(shim.url, '/api/v2x');
    assert.deepEqual(JSON.parse(c.text), { upstream: 'api', url: '/base/v2x' });
    // The prefix without its trailing slash still names the route.
    const d = await request(shim.url, '/api/v2');
    assert.deepEqual(JSON.parse(d.text), { upstream: 'v2', url: '/two/' });
  });

  it('a path under no route: 404 JSON listing the prefixes, nothing sent upstream', async () => {
    const before = api.seen.length + apiV2.seen.length;
    const res = await request(shim.url, '/nowhere/x');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const body = JSON.parse(res.text) as { error: string; routes: string[] };
    assert.deepEqual([...body.routes].sort(), ['/api/', '/api/v2/', '/readonly/']);
    assert.equal(api.seen.length + apiV2.seen.length, before);
  });

  it('dot segments, plain or percent-encoded, cannot climb out of a route', async () => {
    const before = api.seen.length + apiV2.seen.length;
    // node:http sends the path as given; the shim normalises it before matching.
    const plain = await request(shim.url, '/readonly/../api/v2/x');
    assert.equal(plain.status, 200);
    assert.deepEqual(JSON.parse(plain.text), { upstream: 'v2', url: '/two/x' });
    // A whole segment of %2e is a dot segment to the URL parser too: resolved, then under no route.
    const encoded = await request(shim.url, '/api/%2e%2e/%2e%2e/etc');
    assert.equal(encoded.status, 404);
    const out = await request(shim.url, '/api/../../etc/passwd');
    assert.equal(out.status, 404);
    // A backslash is a "/" to the URL parser: resolved the same way.
    const backslash = parseRaw((await rawExchange(shim.port, 'GET /api/..\\..\\etc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).text);
    assert.equal(backslash.status, 404);
    assert.equal(api.seen.length + apiV2.seen.length, before + 1);
  });

  it('a path an upstream could decode into leaving the route base: 400, nothing forwarded', async () => {
    const before = api.seen.length + apiV2.seen.length;
    for (const path of [
      '/api/x/%2e%2e%2f%2e%2e%2fsecret',
      '/api/%2E%2E%2Fsecret',
      '/api/x%2F..%2F..%2Fsecret',
      '/api/x/.%2e%2fsecret',
      '/api/%252e%252e/secret',
      '/api/%252e%252e%252fsecret',
      '/api/%25252e%25252e%25252fsecret',
      '/api/..%5csecret',
      '/api/%2e%2e%5Csecret',
      '/api/x/..;/..;/secret',
      '/api/x/%2e%2e%3b/secret',
      '/api/%2e%2e%2f%zz',
      '/api/%c0%2e%2e/x/%2e%2e%2f',
      '/api/a%00b',
      '/api/a%250d%250aInjected:%20x',
      `/api/${'%25'.repeat(1)}${'25'.repeat(9)}2e%2e/x`,
    ]) {
      const r = await rawExchange(shim.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const parsed = parseRaw(r.text);
      assert.equal(parsed.status, 400, `${path}: ${r.text}`);
      assert.match((JSON.parse(parsed.body) as { error: string }).error, /leave \/api\//, path);
    }
    assert.equal(api.seen.length + apiV2.seen.length, before, 'a refused path reached an upstream');
  });

  it('encoded slashes and percent signs that stay under the route are forwarded as sent', async () => {
    for (const [path, url] of [
      ['/api/projects/group%2Fapp/files', '/base/projects/group%2Fapp/files'],
      ['/api/file..txt', '/base/file..txt'],
      ['/api/100%25', '/base/100%25'],
      ['/api/.github/a%2520b', '/base/.github/a%2520b'],
    ]) {
      const r = await request(shim.url, path!);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assert.equal((JSON.parse(r.text) as { url: string }).url, url);
    }
  });

  it('a method the route does not allow: 405, not forwarded', async () => {
    const before = api.seen.length;
    const res = await request(shim.url, '/readonly/x', { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.match((JSON.parse(res.text) as { error: string }).error, /POST/);
    assert.equal(api.seen.length, before);
    assert.equal((await request(shim.url, '/readonly/x', { method: 'HEAD' })).status, 200);
  });

  it('/healthz answers without reaching an upstream', async () => {
    const before = api.seen.length;
    const res = await request(shim.url, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.text.trim(), 'ok');
    assert.equal(api.seen.length, before);
  });

  it('/metrics: Prometheus text counting requests by route and status, bytes and latency', async () => {
    const count = async (routeName: string, status: number) => {
      const text = (await request(shim.url, '/metrics')).text;
      const m = new RegExp(`^gatehouse_shim_requests_total\\{route="${routeName.replace(/[/]/g, '\\/')}",status="${status}"\\} (\\d+)$`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before200 = await count('/readonly/', 200);
    const before405 = await count('/readonly/', 405);
    for (let i = 0; i < 3; i++) assert.equal((await request(shim.url, '/readonly/m', { headers: { 'x-n': String(i) } })).status, 200);
    assert.equal((await request(shim.url, '/readonly/m', { method: 'DELETE' })).status, 405);
    // Counted when the response closes, which may be a moment after the client has it.
    assert.equal(await eventually(async () => (await count('/readonly/', 200)) === before200 + 3), true);
    assert.equal(await eventually(async () => (await count('/readonly/', 405)) === before405 + 1), true);
    const res = await request(shim.url, '/metrics');
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.text, /^# TYPE gatehouse_shim_requests_total counter$/m);
    assert.match(res.text, /^gatehouse_shim_bytes_total\{route="\/readonly\/",direction="out"\} \d+$/m);
    assert.match(res.text, /^gatehouse_shim_upstream_latency_seconds_count\{route="\/readonly\/"\} \d+$/m);
    assert.match(res.text, /^gatehouse_shim_upstream_latency_seconds_bucket\{route="\/readonly\/",le="\+Inf"\} \d+$/m);
    assert.match(res.text, /^gatehouse_shim_in_flight \d+$/m);
    assertNoSecret(box, res.text, '/metrics');
  });

  it('the secret never appeared in stderr or the log', () => {
    assertNoSecret(box, shim.stderr(), 'stderr');
    const log = readLog(box);
    assert.ok(log.some((l) => l.msg === 'request'));
    assertNoSecret(box, JSON.stringify(log), 'the log file');
  });
});

describe('shim start, check and presets', () => {
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const fn of cleanups) fn();
  });

  it('a route whose credential cannot be resolved stops the start, naming the route', async () => {
    const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    writeShimConfig(box, [route('/good/', 'http://127.0.0.1:9/'), route('/broken/', 'http://127.0.0.1:9/', { credential: 'env:NOT_SET_ANYWHERE' })].join('\n'), { logFile: false });
    const result = await run(BINARY, ['shim', '--port', '0', '--trust-loopback'], { env: box.env, timeoutMs: 15_000 });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\/broken\//);
    assert.match(result.stderr, /NOT_SET_ANYWHERE/);
    assert.doesNotMatch(result.stderr, /listening/);
  });

  it('a route naming a credential rule that does not exist stops the start, naming the route', async () => {
    const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    writeShimConfig(box, route('/norule/', 'http://127.0.0.1:9/', { credential: 'no-such-rule' }), { logFile: false });
    const result = await run(BINARY, ['shim', '--port', '0', '--trust-loopback'], { env: box.env, timeoutMs: 15_000 });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /\/norule\//);
  });

  it('shim check reports every route, ok or failing, without a secret; exit 1 when one fails', async () => {
    const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    writeShimConfig(
      box,
      [
        route('/one/', 'https://api.example.test/'),
        route('/two/', 'https://git.example.test/', { auth: 'basic', username: 'bot' }),
        route('/three/', 'https://x.example.test/', { credential: 'env:MISSING_SECRET_VAR' }),
        route('/four/', 'https://y.example.test/', { auth: 'none', credential: '' }),
      ].join('\n'),
      { logFile: false },
    );
    const text = await run(BINARY, ['shim', 'check'], { env: box.env });
    assert.equal(text.code, 1, text.stderr);
    for (const prefix of ['/one/', '/two/', '/three/', '/four/']) assert.match(text.stdout, new RegExp(`${prefix.replace(/\//g, '\\/')} -> `));
    assert.match(text.stdout, /FAIL\s+\/three\/.*MISSING_SECRET_VAR/);
    assert.match(text.stdout, /ok\s+\/one\//);
    assertNoSecret(box, text.stdout + text.stderr, 'shim check output', 'bot');

    const json = await run(BINARY, ['--json', 'shim', 'check'], { env: box.env });
    assert.equal(json.code, 1);
    const results = JSON.parse(json.stdout) as Array<{ prefix: string; ok: boolean; error?: string }>;
    assert.deepEqual(
      results.map((r) => [r.prefix, r.ok]),
      [
        ['/one/', true],
        ['/two/', true],
        ['/three/', false],
        ['/four/', true],
      ],
    );
    assertNoSecret(box, json.stdout + json.stderr, 'shim check --json output', 'bot');

    writeShimConfig(box, route('/one/', 'https://api.example.test/'), { logFile: false });
    assert.equal((await run(BINARY, ['shim', 'check'], { env: box.env })).code, 0);
  });

  for (const preset of ['github', 'gitea', 'anthropic', 'openai', 'npm']) {
    it(`shim routes --preset ${preset} prints routes that load and check`, async () => {
      const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
      const printed = await run(BINARY, ['shim', 'routes', '--preset', preset], { env: box.env });
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /\[\[shim\.route\]\]/);
      // Point every credential at the sandbox secret and every rule name at an env rule, then check.
      const toml = printed.stdout.replace(/credential = "[^"]*"/g, 'credential = "env:UPSTREAM_SECRET"');
      writeShimConfig(box, toml, { logFile: false });
      const check = await run(BINARY, ['--json', 'shim', 'check'], { env: box.env });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const results = JSON.parse(check.stdout) as Array<{ prefix: string; upstream: string; ok: boolean }>;
      assert.ok(results.length >= 1);
      for (const r of results) assert.match(r.upstream, /^https:\/\//);
    });
  }

  it('shim routes without --preset, or with an unknown one, fails', async () => {
    const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    assert.notEqual((await run(BINARY, ['shim', 'routes'], { env: box.env })).code, 0);
    assert.notEqual((await run(BINARY, ['shim', 'routes', '--preset', 'nope'], { env: box.env })).code, 0);
  });
});
