// gatehouse shim: request shapes refused outright (not a forward proxy, no tunnels, no request
// smuggling, bounded headers), each sent as raw bytes over a socket; upstream failures (502/504
// as short JSON without secrets or stacks); idle and request timeouts.
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { freePort } from '../helpers/redis.ts';
import {
  assertNoSecret,
  eventually,
  parseRaw,
  rawExchange,
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

const IDLE_SECONDS = 1.5;

describe('shim refusals', () => {
  const cleanups: Array<() => void> = [];
  const clientText: string[] = [];
  let box: ShimSandbox;
  let echo: Upstream;
  let elsewhere: Upstream;
  let hanging: Upstream;
  let trickle: Upstream;
  let garbage: TcpServer;
  let shim: RunningShim;
  let downPort: number;

  /** Raw bytes to the shim; returns the parsed response (status 0 when the connection just closed). */
  const raw = async (bytes: string, timeoutMs = 3000) => {
    const result = await rawExchange(shim.port, bytes, timeoutMs);
    clientText.push(result.text);
    return { ...parseRaw(result.text), ...result };
  };
  const upstreamRequests = () => echo.seen.length + elsewhere.seen.length;

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    echo = await startUpstream();
    elsewhere = await startUpstream();
    hanging = await startUpstream(() => new Promise<void>(() => {}));
    trickle = await startUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // 3.6 s in all, longer than the idle timeout, but never idle for long.
      for (let i = 0; i < 12; i++) {
        res.write(`tick ${i}\n`);
        await sleep(300);
      }
      res.end('done\n');
    });
    garbage = createTcpServer((s) => s.end('this is not HTTP at all\r\n\r\n'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    downPort = await freePort();
    writeShimConfig(
      box,
      [
        `[shim]\nidle_timeout_seconds = ${IDLE_SECONDS}\n`,
        route('/api/', `${echo.url}/v1/`),
        route('/git/', echo.url, { methods: ['GET', 'POST'] }),
        route('/down/', `http://127.0.0.1:${downPort}/`),
        route('/hang/', hanging.url),
        route('/trickle/', trickle.url),
        route('/garbage/', `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/`),
      ].join('\n'),
    );
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    for (const u of [echo, elsewhere, hanging, trickle]) await u?.close();
    garbage?.close();
    for (const fn of cleanups) fn();
  });

  it('absolute-form target for an upstream in the route table: 400, nothing forwarded', async () => {
    const before = upstreamRequests();
    const r = await raw(`GET ${echo.url}/v1/x HTTP/1.1\r\nHost: 127.0.0.1:${echo.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error, /absolute-form/);
    assert.equal(upstreamRequests(), before);
  });

  it('absolute-form target for a host not in the route table: 400, nothing forwarded', async () => {
    const before = upstreamRequests();
    const r = await raw(`GET ${elsewhere.url}/steal HTTP/1.1\r\nHost: 127.0.0.1:${elsewhere.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 400);
    assert.equal(upstreamRequests(), before);
  });

  it('asterisk-form and a scheme-relative target do not reach another host', async () => {
    const before = upstreamRequests();
    assert.equal((await raw('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 400);
    const r = await raw(`GET //127.0.0.1:${elsewhere.port}/steal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 404);
    assert.equal(elsewhere.seen.length, 0);
    assert.equal(upstreamRequests(), before);
  });

  it('CONNECT: refused, no tunnel opened', async () => {
    const before = elsewhere.connections;
    const r = await raw(`CONNECT 127.0.0.1:${elsewhere.port} HTTP/1.1\r\nHost: 127.0.0.1:${elsewhere.port}\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.ok(r.status === 405 || r.status === 403 || r.status === 400, `status ${r.status}`);
    assert.doesNotMatch(r.text, /^HTTP\/1\.1 200/m);
    assert.equal(elsewhere.connections, before);
  });

  it('an Upgrade request is not tunnelled', async () => {
    const r = await raw('GET /api/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n', 1500);
    assert.notEqual(r.status, 101);
    const seen = echo.seen.at(-1);
    if (seen?.url === '/v1/ws') assert.equal(seen.headers.upgrade, undefined);
  });

  it('Content-Length with Transfer-Encoding: 400, nothing forwarded', async () => {
    const before = upstreamRequests();
    const r = await raw('POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/smuggled HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(r.status, 400);
    await sleep(100);
    assert.equal(upstreamRequests(), before);
  });

  it('duplicate Content-Length (same or different values, or a list): 400, nothing forwarded', async () => {
    const before = upstreamRequests();
    for (const lengths of ['Content-Length: 5\r\nContent-Length: 5', 'Content-Length: 5\r\nContent-Length: 6', 'Content-Length: 5, 5']) {
      const r = await raw(`POST /api/x HTTP/1.1\r\nHost: x\r\n${lengths}\r\n\r\nhello!`);
      assert.equal(r.status, 400, lengths);
    }
    assert.equal(upstreamRequests(), before);
  });

  it('a Transfer-Encoding other than chunked, or given twice: 400', async () => {
    const before = upstreamRequests();
    for (const te of ['Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked', 'Transfer-Encoding: identity']) {
      const r = await raw(`POST /api/x HTTP/1.1\r\nHost: x\r\n${te}\r\nConnection: close\r\n\r\n0\r\n\r\n`);
      assert.equal(r.status, 400, te);
    }
    assert.equal(upstreamRequests(), before);
  });

  it('a request hidden in the body of a refused Transfer-Encoding request is not forwarded', async () => {
    const before = upstreamRequests();
    for (const te of ['identity', 'gzip', 'gzip, chunked']) {
      const hidden = 'GET /api/smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
      const body = te.endsWith('chunked') ? `${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n` : hidden;
      const r = await raw(`POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n${body}`, 1500);
      assert.equal(r.status, 400, te);
    }
    await sleep(100);
    assert.ok(!echo.seen.some((s) => s.url.includes('smuggled')), 'the hidden request reached the upstream');
    assert.equal(upstreamRequests(), before);
  });

  it('obs-fold (a header continued on the next line): 400, nothing forwarded', async () => {
    const before = upstreamRequests();
    const r = await raw('GET /api/x HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n second\r\n\r\n');
    assert.equal(r.status, 400);
    const tab = await raw('GET /api/x HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n\tsecond\r\n\r\n');
    assert.equal(tab.status, 400);
    assert.equal(upstreamRequests(), before);
  });

  it('headers over max_header_bytes (16 KiB): 431', async () => {
    const before = upstreamRequests();
    const r = await raw(`GET /api/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assert.equal(upstreamRequests(), before);
  });

  it('more headers than max_headers (100): refused; 90 are fine', async () => {
    const before = upstreamRequests();
    const headers = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');
    const r = await raw(`GET /api/x HTTP/1.1\r\nHost: x\r\n${headers(150)}Connection: close\r\n\r\n`);
    assert.ok(r.status === 400 || r.status === 431, `status ${r.status}`);
    assert.equal(upstreamRequests(), before);
    const ok = await raw(`GET /api/x HTTP/1.1\r\nHost: x\r\n${headers(90)}Connection: close\r\n\r\n`);
    assert.equal(ok.status, 200);
  });

  it('a request without Host (HTTP/1.1): 400', async () => {
    const before = upstreamRequests();
    const r = await raw('GET /api/x HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 400);
    assert.equal(upstreamRequests(), before);
  });

  it('git-receive-pack: 403 with a message, for the advertisement and the POST', async () => {
    const before = upstreamRequests();
    const adv = await raw('GET /git/app.git/info/refs?service=git-receive-pack HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(adv.status, 403);
    assert.match(adv.body, /git push is not allowed/);
    const post = await raw('POST /git/app.git/git-receive-pack HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\n0000');
    assert.equal(post.status, 403);
    assert.equal(upstreamRequests(), before);
  });

  it('upstream down: 502 with a short JSON error, no secret, no stack', async () => {
    const res = await request(shim.url, '/down/x?token=abc');
    assert.equal(res.status, 502);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    assert.equal(typeof body.error, 'string');
    assert.ok(res.text.length < 300, res.text);
    assert.doesNotMatch(res.text, /\bat .*\.(ts|js|cjs):\d+|ECONNREFUSED .*:\d+:\d+|Error:/);
    assertNoSecret(box, res.text + JSON.stringify(res.rawHeaders), 'the 502');
  });

  it('an upstream that answers with something not HTTP: 502 JSON', async () => {
    const res = await request(shim.url, '/garbage/x');
    assert.equal(res.status, 502);
    assert.equal(typeof (JSON.parse(res.text) as { error: string }).error, 'string');
    assertNoSecret(box, res.text, 'the 502');
  });

  it('a slow response that keeps moving outlives the idle timeout (and no whole-request limit cuts it)', async () => {
    const res = await request(shim.url, '/trickle/x', { timeoutMs: 15_000 });
    assert.equal(res.status, 200);
    assert.match(res.text, /tick 11\ndone\n$/);
  });

  it('a client that sends nothing is disconnected after the idle timeout', async () => {
    const started = Date.now();
    const r = await rawExchange(shim.port, 'GET /api/x HTTP/1.1\r\n', 10_000);
    assert.equal(r.closed, true, 'the shim closed the idle connection');
    const waited = (Date.now() - started) / 1000;
    assert.ok(waited >= IDLE_SECONDS - 0.2 && waited < IDLE_SECONDS + 3, `closed after ${waited}s`);
  });

  it(
    'an upstream that hangs past idle_timeout_seconds: 504 JSON',
    async () => {
      const started = Date.now();
      const res = await request(shim.url, '/hang/x', { timeoutMs: 10_000 });
      assert.equal(res.status, 504);
      assert.match((JSON.parse(res.text) as { error: string }).error, /time/);
      assert.ok(Date.now() - started < (IDLE_SECONDS + 3) * 1000);
    },
  );

  it(
    'the audit log does not record a success for a request the client never got an answer to',
    async () => {
      await Promise.all(['/hang/a1', '/hang/a2', '/hang/a3'].map((p) => request(shim.url, p, { timeoutMs: 10_000 }).catch(() => null)));
      const lines = await eventually(() => {
        const found = readLog(box).filter((l) => l.msg === 'request' && String(l.path).startsWith('/hang/a'));
        return found.length >= 3 ? found : null;
      }, 5000);
      assert.ok(lines, 'the hanging requests were logged');
      for (const l of lines) assert.notEqual(l.status, 200, JSON.stringify(l));
    },
  );

  it('the shim is still serving, and the secret never reached the client, stderr or the log', async () => {
    assert.equal((await request(shim.url, '/api/still-up')).status, 200);
    for (const t of clientText) assertNoSecret(box, t, 'a raw response');
    assertNoSecret(box, shim.stderr(), 'stderr');
    assertNoSecret(box, JSON.stringify(readLog(box)), 'the log file');
  });
});

describe('shim request timeout', () => {
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const fn of cleanups) fn();
  });

  it(
    'request_timeout_seconds = 2: the shim starts, and an upload still trickling after 2 s is cut with 408',
    async () => {
      const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
      const echo = await startUpstream();
      writeShimConfig(box, ['[shim]\nrequest_timeout_seconds = 2\n', route('/api/', echo.url)].join('\n'));
      let shim: RunningShim | undefined;
      try {
        shim = await startShim(box, ['--trust-loopback']);
        const head = 'POST /api/up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n';
        const started = Date.now();
        const r = await rawExchange(shim.port, head, 8000);
        assert.ok(Date.now() - started < 6000);
        assert.equal(parseRaw(r.text).status, 408);
      } finally {
        await shim?.stop();
        await echo.close();
      }
    },
  );
});
