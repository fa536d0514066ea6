// gatehouse shim over time: SIGHUP reloads the routes atomically (in-flight requests finish on
// the old set; a bad config keeps the old one and the log says why), SIGTERM drains and exits,
// and the audit log has one JSON line per request with query values redacted and no credential.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
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

/** An upstream that answers with its own name and the path it saw. */
const named = (name: string, delayMs = 0) =>
  startUpstream(async (req, res) => {
    if (delayMs) await sleep(delayMs);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${name} ${req.url}`);
  });

describe('shim SIGHUP reload', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let one: Upstream;
  let two: Upstream;
  let slowOne: Upstream;
  let shim: RunningShim;

  const configA = () => [route('/a/', one.url), route('/gone/', one.url), route('/slow/', slowOne.url)].join('\n');
  const configB = () => [route('/a/', two.url), route('/new/', two.url), route('/slow/', two.url)].join('\n');

  /** SIGHUP, then wait for the log line saying how the reload went. */
  const reload = async (): Promise<Record<string, unknown>> => {
    const before = readLog(box).filter((l) => /reload/.test(String(l.msg))).length;
    shim.child.kill('SIGHUP');
    const line = await eventually(() => readLog(box).filter((l) => /reload/.test(String(l.msg)))[before], 10_000);
    assert.ok(line, 'the reload was logged');
    return line;
  };
  const body = async (path: string) => {
    const res = await request(shim.url, path);
    return `${res.status} ${res.text}`;
  };

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    one = await named('one');
    two = await named('two');
    slowOne = await named('slow-one', 1500);
    writeShimConfig(box, configA());
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    for (const u of [one, two, slowOne]) await u?.close();
    for (const fn of cleanups) fn();
  });

  it('a changed route table takes effect; a request in flight finishes on the old one', async () => {
    assert.equal(await body('/a/x'), '200 one /x');
    assert.equal(await body('/gone/x'), '200 one /x');
    const inFlight = request(shim.url, '/slow/started-before');
    await eventually(() => slowOne.seen.length === 1);
    writeShimConfig(box, configB());
    const line = await reload();
    assert.equal(line.msg, 'shim reloaded');
    // The old request completes against the old upstream.
    const old = await inFlight;
    assert.equal(`${old.status} ${old.text}`, '200 slow-one /started-before');
    assert.equal(await body('/a/x'), '200 two /x');
    assert.equal(await body('/new/y'), '200 two /y');
    assert.equal(await body('/slow/z'), '200 two /z');
    const gone = await request(shim.url, '/gone/x');
    assert.equal(gone.status, 404);
    assert.deepEqual([...(JSON.parse(gone.text) as { routes: string[] }).routes].sort(), ['/a/', '/new/', '/slow/']);
  });

  it('a config that does not parse: the old routes keep working and the log says why', async () => {
    writeFileSync(box.configFile, '[shim\nthis is = not toml ]]]\n');
    const line = await reload();
    assert.equal(line.level, 'error');
    assert.match(String(line.msg), /reload failed/);
    assert.ok(String(line.error ?? '').length > 0, JSON.stringify(line));
    assert.equal(await body('/a/x'), '200 two /x');
    assert.equal(await body('/new/y'), '200 two /y');
  });

  it('a route whose credential cannot be resolved: the old routes keep working and the log names the route', async () => {
    writeShimConfig(box, [route('/a/', one.url), route('/broken/', one.url, { credential: 'env:NOT_SET_FOR_RELOAD' })].join('\n'));
    const line = await reload();
    assert.match(String(line.msg), /reload failed/);
    assert.match(String(line.error), /\/broken\//);
    assert.equal(await body('/a/x'), '200 two /x');
    assert.equal((await request(shim.url, '/broken/x')).status, 404);
  });

  it('a config the schema refuses: old routes kept', async () => {
    writeShimConfig(box, '[[shim.route]]\nprefix = "no-slashes"\nupstream = "ftp://x"\n');
    const line = await reload();
    assert.match(String(line.msg), /reload failed/);
    assert.equal(await body('/a/x'), '200 two /x');
  });

  it('requests keep being answered while reloads come and go', async () => {
    let stop = false;
    const statuses: number[] = [];
    // Wait on answers, not on the clock: after each reload, at least two more requests are answered.
    const waiting = { count: Infinity, resolve: () => {} };
    const answered = (count: number) => new Promise<void>((resolve) => Object.assign(waiting, { count, resolve }));
    const load = (async () => {
      while (!stop) {
        statuses.push((await request(shim.url, '/a/loop')).status);
        if (statuses.length >= waiting.count) waiting.resolve();
      }
    })();
    for (let i = 0; i < 6; i++) {
      writeShimConfig(box, i % 2 ? configA() : configB());
      await reload();
      await answered(statuses.length + 2);
    }
    stop = true;
    await load;
    assert.ok(statuses.length >= 12, `${statuses.length} requests`);
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  it('the secret never reached stderr or the log', () => {
    assertNoSecret(box, shim.stderr(), 'stderr');
    assertNoSecret(box, JSON.stringify(readLog(box)), 'the log file');
  });
});

describe('shim SIGTERM', () => {
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const fn of cleanups) fn();
  });

  it('drains: a slow response in flight completes, new connections are refused, then it exits 0', async () => {
    const box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    const slow = await startUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 10; i++) {
        res.write(`part ${i}\n`);
        await sleep(200);
      }
      res.end('end\n');
    });
    writeShimConfig(box, route('/slow/', slow.url));
    const shim = await startShim(box, ['--trust-loopback']);
    try {
      const inFlight = request(shim.url, '/slow/download', { timeoutMs: 20_000 });
      await eventually(() => slow.seen.length === 1);
      await sleep(100);
      shim.child.kill('SIGTERM');
      // New connections are refused once the listener is closed.
      const refused = await eventually(async () => {
        try {
          await request(shim.url, '/healthz', { timeoutMs: 1000 });
          return false;
        } catch (error) {
          return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
        }
      }, 3000);
      assert.equal(refused, true, 'new connections still accepted after SIGTERM');
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.equal(res.text, `${Array.from({ length: 10 }, (_, i) => `part ${i}\n`).join('')}end\n`);
      const exitedAt = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([shim.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 15_000)))]);
      clearTimeout(timer);
      assert.ok(result, 'the shim did not exit after draining');
      assert.equal(result.code, 0);
      assert.ok(Date.now() - exitedAt < 10_000);
      const line = readLog(box).find((l) => l.msg === 'request' && l.path === '/slow/download');
      assert.ok(line, 'the drained request was logged');
      assert.equal(line.status, 200);
    } finally {
      await shim.stop('SIGKILL');
      await slow.close();
    }
  });
});

describe('shim audit log', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let api: Upstream;
  let shim: RunningShim;

  before(async () => {
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    api = await startUpstream((_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(567, 7)));
    writeShimConfig(box, [route('/api/', `${api.url}/v1/`, { auth: 'basic', username: 'bot' })].join('\n'));
    shim = await startShim(box);
  });

  after(async () => {
    await shim?.stop();
    await api?.close();
    for (const fn of cleanups) fn();
  });

  it('one JSON line per request: time, token id, route, method, redacted path, status, bytes each way, duration', async () => {
    const { token, jti } = await mintShimToken(box, ['/api/'], ['POST']);
    const started = Date.now();
    const res = await request(shim.url, '/api/upload/thing?access_token=QUERYVALUE1&page=QUERYVALUE2&flag', {
      method: 'POST',
      body: Buffer.alloc(1234, 1),
      headers: { 'x-gatehouse-token': token, authorization: 'Bearer client-side-credential', cookie: 'sid=cookievalue' },
    });
    assert.equal(res.status, 200);
    const lines = await eventually(() => {
      const found = readLog(box).filter((l) => l.msg === 'request');
      return found.length ? found : null;
    });
    assert.ok(lines);
    assert.equal(lines.length, 1, 'exactly one line for the one request');
    const line = lines[0]!;
    assert.ok(Math.abs(Date.parse(String(line.time)) - started) < 10_000, String(line.time));
    assert.equal(line.token, jti);
    assert.equal(line.route, '/api/');
    assert.equal(line.method, 'POST');
    assert.equal(line.status, 200);
    assert.equal(line.bytesIn, 1234);
    assert.equal(line.bytesOut, 567);
    assert.equal(typeof line.ms, 'number');
    const path = String(line.path);
    assert.match(path, /^\/api\/upload\/thing\?/);
    assert.match(path, /access_token=/);
    assert.match(path, /page=/);
    assert.match(path, /flag/);
    assert.ok(!path.includes('QUERYVALUE1') && !path.includes('QUERYVALUE2'), path);
    const text = JSON.stringify(readLog(box));
    for (const never of ['QUERYVALUE', token, 'client-side-credential', 'cookievalue']) assert.ok(!text.includes(never), `${never} in the log`);
    assertNoSecret(box, text, 'the log file', 'bot');
  });

  it('refused requests are logged too', async () => {
    const { token } = await mintShimToken(box, ['/api/']);
    await request(shim.url, '/api/no-token?secret=QUERYVALUE3');
    // Without a token an unknown path is a 401 too (nothing about routes is answered); with one, a 404.
    await request(shim.url, '/nowhere');
    await request(shim.url, '/nowhere', { headers: { 'x-gatehouse-token': token } });
    const lines = await eventually(() => {
      const found = readLog(box).filter((l) => l.msg === 'request');
      return found.length >= 4 ? found : null;
    });
    assert.ok(lines);
    assert.deepEqual(
      lines.slice(-3).map((l) => [l.status, String(l.path).split('?')[0]]),
      [
        [401, '/api/no-token'],
        [401, '/nowhere'],
        [404, '/nowhere'],
      ],
    );
    assert.ok(!JSON.stringify(lines).includes('QUERYVALUE3'));
    assertNoSecret(box, shim.stderr(), 'stderr', 'bot');
  });
});
