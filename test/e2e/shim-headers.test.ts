// gatehouse shim: what reaches the upstream and what comes back. Real upstreams on 127.0.0.1
// record every header that arrived (they never echo the credential back to the client); HTTPS
// upstreams use a CA made here by openssl and given to the shim as shim.ca_file.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { assertBuilt } from '../helpers/binary.ts';
import {
  assertNoSecret,
  makeTestCa,
  mintShimToken,
  readLog,
  request,
  route,
  shimSandbox,
  sleep,
  startShim,
  startUpstream,
  writeShimConfig,
  type RequestOptions,
  type Response,
  type RunningShim,
  type ShimSandbox,
  type Upstream,
} from '../helpers/shim.ts';

describe('shim header hygiene, redirects, TLS upstreams, pooling', () => {
  const cleanups: Array<() => void> = [];
  const responses: Response[] = [];
  let box: ShimSandbox;
  let echo: Upstream;
  let other: Upstream;
  let redirector: Upstream;
  let tls: Upstream;
  let untrusted: Upstream;
  let slow: Upstream;
  let shim: RunningShim;
  let token: string;
  const gz = gzipSync(Buffer.from('compressed body '.repeat(200)));

  /** A request through the shim with the client token; every response is kept for the leak check. */
  const call = async (path: string, options: RequestOptions = {}, base?: string) => {
    const res = await request(base ?? shim.url, path, { ...options, headers: { 'x-gatehouse-token': token, ...options.headers } });
    responses.push(res);
    return res;
  };

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    echo = await startUpstream((req, res) => {
      if (req.url?.endsWith('/gzip')) return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': gz.length }).end(gz);
      if (req.url?.endsWith('/hop')) {
        return void res
          .writeHead(200, { connection: 'keep-alive, X-Resp-Hop', 'x-resp-hop': 'drop me', 'proxy-authenticate': 'Basic realm="x"', 'keep-alive': 'timeout=3', 'x-kept': 'kept', 'set-cookie': 'k=v' })
          .end('hop\n');
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('echoed\n');
    });
    other = await startUpstream();
    redirector = await startUpstream((req, res) => {
      const to: Record<string, string> = {
        '/base/same-absolute': `${redirector.url}/base/next?page=2`,
        '/base/same-relative': '/base/rel/target',
        '/base/other-host': `${other.url}/steal?x=1`,
        '/base/other-scheme': `https://127.0.0.1:${redirector.port}/base/next`,
        '/base/outside-base': `${redirector.url}/elsewhere`,
      };
      const location = to[req.url ?? ''];
      if (location) return void res.writeHead(302, { location }).end();
      res.writeHead(200).end('target\n');
    });
    const ca = await makeTestCa(join(box.root, 'tls'), 'trusted');
    const rogue = await makeTestCa(join(box.root, 'tls'), 'rogue');
    tls = await startUpstream((req, res) => void res.writeHead(200).end(`tls ${req.url}\n`), { tls: { key: ca.key, cert: ca.cert } });
    untrusted = await startUpstream(undefined, { tls: { key: rogue.key, cert: rogue.cert } });
    slow = await startUpstream(async (_req, res) => {
      await sleep(300);
      res.writeHead(200).end('slow\n');
    });
    writeShimConfig(
      box,
      [
        `[shim]\nca_file = ${JSON.stringify(ca.caFile)}\nupstream_connections = 2\n`,
        route('/echo/', `${echo.url}/e/`),
        route('/redir/', `${redirector.url}/base/`),
        route('/tls-name/', `https://localhost:${tls.port}/`),
        route('/tls-ip/', `https://127.0.0.1:${tls.port}/`),
        route('/untrusted/', untrusted.url),
        route('/slow/', slow.url),
        route('/basic/', `${echo.url}/b/`, { auth: 'basic', username: 'bot' }),
        route('/custom/', `${echo.url}/c/`, { auth: 'header:x-api-key' }),
        route('/tok/', `${echo.url}/t/`, { auth: 'token' }),
      ].join('\n'),
    );
    token = (await mintShimToken(box, ['/echo/', '/redir/', '/tls-name/', '/tls-ip/', '/untrusted/', '/slow/', '/basic/', '/custom/', '/tok/'], ['GET', 'POST', 'HEAD'])).token;
    shim = await startShim(box);
  });

  after(async () => {
    await shim?.stop();
    for (const u of [echo, other, redirector, tls, untrusted, slow]) await u?.close();
    for (const fn of cleanups) fn();
  });

  it('the upstream sees exactly: its own Host, the injected credential, the end-to-end headers', async () => {
    const res = await call('/echo/path?x=1', {
      headers: {
        host: `127.0.0.1:${other.port}`,
        authorization: 'Bearer client-own-credential',
        'proxy-authorization': 'Basic Y2xpZW50OnByb3h5',
        cookie: 'session=client-cookie',
        connection: 'keep-alive, X-Hop-Named, x-other-named',
        'x-hop-named': 'hop',
        'x-other-named': 'hop2',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-host': 'spoofed.example.test',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.9',
        'x-real-ip': '203.0.113.9',
        'x-custom': 'kept',
        accept: 'application/json',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(other.seen.length, 0, 'the client Host header must not pick the upstream');
    const seen = echo.seen.at(-1)!;
    assert.equal(seen.url, '/e/path?x=1');
    assert.equal(seen.headers.host, `127.0.0.1:${echo.port}`);
    assert.equal(seen.headers.authorization, `Bearer ${box.secret}`);
    assert.equal(seen.headers['x-custom'], 'kept');
    assert.equal(seen.headers.accept, 'application/json');
    const names = new Set<string>();
    for (let i = 0; i < seen.rawHeaders.length; i += 2) names.add(seen.rawHeaders[i]!.toLowerCase());
    assert.deepEqual([...names].sort(), ['accept', 'authorization', 'connection', 'host', 'x-custom']);
    assert.equal(seen.rawHeaders.filter((_, i) => i % 2 === 0 && /^authorization$/i.test(seen.rawHeaders[i]!)).length, 1, 'exactly one Authorization');
    // The connection header on the upstream hop is the shim's own.
    assert.doesNotMatch(String(seen.headers.connection), /x-hop-named|x-other-named/i);
  });

  it('every auth style is injected as configured: basic with the username, token, a custom header', async () => {
    await call('/basic/x', { headers: { authorization: 'Basic Y2xpZW50OmNsaWVudA==' } });
    assert.equal(echo.seen.at(-1)!.headers.authorization, `Basic ${Buffer.from(`bot:${box.secret}`).toString('base64')}`);
    await call('/tok/x');
    assert.equal(echo.seen.at(-1)!.headers.authorization, `token ${box.secret}`);
    await call('/custom/x', { headers: { 'x-api-key': 'client-key' } });
    const seen = echo.seen.at(-1)!;
    assert.equal(seen.headers['x-api-key'], box.secret);
    assert.equal(seen.headers.authorization, undefined);
  });

  it('response hop-by-hop headers, and those named in Connection, stay with the shim', async () => {
    const res = await call('/echo/hop');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-kept'], 'kept');
    assert.equal(res.headers['x-resp-hop'], undefined);
    assert.equal(res.headers['proxy-authenticate'], undefined);
    assert.notEqual(res.headers['keep-alive'], 'timeout=3');
  });

  it('Content-Encoding passes untouched both ways', async () => {
    const down = await call('/echo/gzip', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(down.headers['content-encoding'], 'gzip');
    assert.ok(down.body.equals(gz), 'the compressed bytes arrive as the upstream sent them');
    const upBody = gzipSync(Buffer.from('request body '.repeat(100)));
    await call('/echo/upload', { method: 'POST', body: upBody, headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' } });
    const seen = echo.seen.at(-1)!;
    assert.equal(seen.headers['content-encoding'], 'gzip');
    assert.ok(seen.body.equals(upBody));
  });

  it('a redirect to the same upstream comes back through the shim prefix, at the shim\'s own address whatever Host the client sent', async () => {
    const abs = await call('/redir/same-absolute', { headers: { host: 'evil.example:8443' } });
    assert.equal(abs.status, 302);
    assert.equal(abs.headers.location, `http://127.0.0.1:${shim.port}/redir/next?page=2`);
    const rel = await call('/redir/same-relative', { headers: { host: `127.0.0.1:${shim.port}` } });
    assert.equal(rel.headers.location, `http://127.0.0.1:${shim.port}/redir/rel/target`);
    const hostless = await call('/redir/same-absolute', { headers: { host: '' } });
    assert.equal(hostless.headers.location, `http://127.0.0.1:${shim.port}/redir/next?page=2`);
    // Following it works and injects the credential again.
    const followed = await call(new URL(abs.headers.location!).pathname + new URL(abs.headers.location!).search);
    assert.equal(followed.text, 'target\n');
    assert.equal(redirector.seen.at(-1)!.url, '/base/next?page=2');
    assert.equal(redirector.seen.at(-1)!.headers.authorization, `Bearer ${box.secret}`);
  });

  it('shim.public_url sets the redirect origin; on a unix socket the Location is a path', async () => {
    const local = shimSandbox({ after: (fn) => cleanups.push(fn) });
    writeShimConfig(local, `[shim]\npublic_url = "https://shim.example.test/gh/"\ntrust_loopback = true\n\n${route('/redir/', `${redirector.url}/base/`)}`);
    const named = await startShim(local);
    try {
      const res = await request(named.url, '/redir/same-absolute', { headers: { host: 'evil.example' } });
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, 'https://shim.example.test/gh/redir/next?page=2');
    } finally {
      await named.stop();
    }
    writeShimConfig(local, route('/redir/', `${redirector.url}/base/`));
    const socketPath = join(local.root, 'shim.sock');
    const onSocket = await startShim(local, ['--socket', socketPath]);
    try {
      const res = await request('http://localhost', '/redir/same-absolute', { socketPath, headers: { host: 'evil.example' } });
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, '/redir/next?page=2');
    } finally {
      await onSocket.stop();
    }
  });

  it('a redirect to another host is passed on untouched and never followed: the credential never goes there', async () => {
    const before = redirector.seen.length;
    const res = await call('/redir/other-host');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, `${other.url}/steal?x=1`);
    const scheme = await call('/redir/other-scheme');
    assert.equal(scheme.headers.location, `https://127.0.0.1:${redirector.port}/base/next`);
    const outside = await call('/redir/outside-base');
    assert.equal(outside.headers.location, `${redirector.url}/elsewhere`);
    await sleep(100);
    assert.equal(other.seen.length, 0, 'the other host got no request');
    assert.equal(redirector.seen.length, before + 3, 'one upstream request per client request: nothing followed');
  });

  it('HTTPS upstreams verified with shim.ca_file, by name and by address', async () => {
    const byName = await call('/tls-name/a?b=c');
    assert.equal(byName.status, 200, byName.text);
    assert.equal(byName.text, 'tls /a?b=c\n');
    assert.equal(tls.seen.at(-1)!.headers.host, `localhost:${tls.port}`);
    assert.equal(tls.seen.at(-1)!.headers.authorization, `Bearer ${box.secret}`);
    const byIp = await call('/tls-ip/z');
    assert.equal(byIp.status, 200, byIp.text);
    assert.equal(tls.seen.at(-1)!.headers.host, `127.0.0.1:${tls.port}`);
  });

  it('an HTTPS upstream whose certificate the CA did not sign: 502, and no request (so no credential) reached it', async () => {
    const res = await call('/untrusted/x');
    assert.equal(res.status, 502);
    const body = JSON.parse(res.text) as { error: string };
    assert.equal(typeof body.error, 'string');
    assert.equal(untrusted.seen.length, 0);
  });

  it('upstream connections are capped (upstream_connections = 2) and kept alive between requests', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => call(`/slow/${i}`)));
    for (const r of results) assert.equal(r.status, 200);
    assert.ok(slow.maxActive <= 2, `the upstream saw ${slow.maxActive} requests at once`);
    assert.ok(slow.connections <= 2, `the upstream accepted ${slow.connections} connections`);
    const connectionsBefore = echo.connections;
    for (let i = 0; i < 5; i++) await call(`/echo/seq${i}`);
    assert.ok(echo.connections - connectionsBefore <= 1, `sequential requests opened ${echo.connections - connectionsBefore} new upstream connections`);
  });

  it('the secret never reached the client, stderr or the log', () => {
    for (const r of responses) assertNoSecret(box, r.text + JSON.stringify(r.rawHeaders), 'a response to the client', 'bot');
    assertNoSecret(box, shim.stderr(), 'stderr', 'bot');
    assertNoSecret(box, JSON.stringify(readLog(box)), 'the log file', 'bot');
  });
});

describe('shim header policy: forwarded = "set", strip_cookies = false', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let echo: Upstream;
  let shim: RunningShim;

  before(async () => {
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    echo = await startUpstream();
    writeShimConfig(box, [`[shim]\nforwarded = "set"\nstrip_cookies = false\ntoken_header = "x-client-key"\n`, route('/echo/', echo.url)].join('\n'));
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    await echo?.close();
    for (const fn of cleanups) fn();
  });

  it('X-Forwarded-* are replaced with the shim view; Cookie passes; the configured token header is still stripped', async () => {
    const res = await request(shim.url, '/echo/x', {
      headers: {
        host: 'shim.example.test',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'spoofed.example.test',
        forwarded: 'for=203.0.113.9',
        cookie: 'session=abc',
        'x-client-key': 'whatever',
        authorization: 'Bearer client',
      },
    });
    assert.equal(res.status, 200);
    const h = echo.seen.at(-1)!.headers;
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'shim.example.test');
    assert.equal(h.forwarded, undefined);
    assert.equal(h.cookie, 'session=abc');
    assert.equal(h['x-client-key'], undefined);
    assert.equal(h.authorization, `Bearer ${box.secret}`);
  });
});
