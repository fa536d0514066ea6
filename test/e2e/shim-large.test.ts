// gatehouse shim with large bodies: a 1 GiB upload and a 1 GiB download through the shim, the
// bytes made on the fly (never held in memory), counted and hashed at both ends, while the shim
// process's RSS (VmRSS in /proc/<pid>/status) is sampled: it must stay flat (no upward trend over
// the transfer) and under a ceiling. The idle shim is already ~105 MB (~70 MB of it the binary's
// own file-backed pages); a transfer adds a plateau of ~80-100 MB of socket buffers awaiting GC,
// the same for 256 MiB as for 1 GiB, so peaks land around 185-205 MB: the ceiling is 256 MB.
// SHIM_LARGE_MIB overrides the size (default 1024), SHIM_RSS_LIMIT_MB the ceiling.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { assertNoSecret, eventually, readLog, route, sampleRss, shimSandbox, startShim, startUpstream, writeShimConfig, type RunningShim, type ShimSandbox, type Upstream } from '../helpers/shim.ts';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.SHIM_LARGE_MIB ?? 1024);
const TOTAL = SIZE_MIB * MiB;
const RSS_LIMIT = Number(process.env.SHIM_RSS_LIMIT_MB ?? 256) * 1000 * 1000;
const WALL_LIMIT_MS = 60_000;
// Four distinct 1 MiB blocks sent in turn: dropped, repeated or reordered blocks change the hash.
const BLOCKS = Array.from({ length: 4 }, () => randomBytes(MiB));

/** Writes TOTAL bytes to a stream with backpressure, hashing them; resolves with the digest. */
async function produce(stream: NodeJS.WritableStream & { destroyed?: boolean }): Promise<string> {
  const hash = createHash('sha256');
  for (let i = 0; i < SIZE_MIB; i++) {
    const block = BLOCKS[i % BLOCKS.length]!;
    hash.update(block);
    if (stream.destroyed) throw new Error(`stream closed after ${i} MiB`);
    if (!stream.write(block)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.removeListener('drain', done);
          stream.removeListener('close', done);
          resolve();
        };
        stream.once('drain', done);
        stream.once('close', done);
      });
    }
  }
  return hash.digest('hex');
}

/** Reads a stream to its end, counting and hashing. */
async function consume(stream: AsyncIterable<unknown>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const c of stream) {
    bytes += (c as Buffer).length;
    hash.update(c as Buffer);
  }
  return { bytes, sha256: hash.digest('hex') };
}

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

/** Flat memory: the peak over the last quarter of the samples is not above the first half's peak by more than 32 MB. */
function assertFlat(samples: number[], what: string): void {
  assert.ok(samples.length >= 8, `only ${samples.length} RSS samples`);
  const firstHalf = Math.max(...samples.slice(0, Math.floor(samples.length / 2)));
  const lastQuarter = Math.max(...samples.slice(Math.floor((samples.length * 3) / 4)));
  assert.ok(lastQuarter <= firstHalf + 32e6, `${what}: shim RSS still growing (first half peak ${mb(firstHalf)}, last quarter ${mb(lastQuarter)})`);
}

describe(`shim with ${SIZE_MIB} MiB bodies`, { timeout: 300_000 }, () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let upstream: Upstream;
  let shim: RunningShim;
  let uploadSeen: { bytes: number; sha256: string } | null = null;
  let downloadSent = '';

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    upstream = await startUpstream(
      async (req, res) => {
        if (req.url === '/upload') {
          uploadSeen = await consume(req);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(uploadSeen));
        } else if (req.url === '/download') {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL });
          downloadSent = await produce(res);
          res.end();
        } else res.writeHead(404).end();
      },
      { streaming: true },
    );
    writeShimConfig(box, route('/big/', upstream.url));
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    await upstream?.close();
    for (const fn of cleanups) fn();
  });

  it(`upload of ${SIZE_MIB} MiB: every byte arrives, shim RSS stays flat`, async (t) => {
    const rssAtStart = sampleRss(shim.pid).stop().peak;
    const rss = sampleRss(shim.pid);
    const started = Date.now();
    const req = httpRequest({ host: '127.0.0.1', port: shim.port, method: 'POST', path: '/big/upload', agent: false, headers: { 'content-length': String(TOTAL), 'content-type': 'application/octet-stream' } });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    const sent = await produce(req);
    req.end();
    const res = await response;
    let text = '';
    for await (const c of res) text += String(c);
    const body = JSON.parse(text) as { bytes: number; sha256: string };
    const ms = Date.now() - started;
    const { peak, samples } = rss.stop();
    t.diagnostic(`upload ${SIZE_MIB} MiB in ${(ms / 1000).toFixed(1)} s (${(TOTAL / MiB / (ms / 1000)).toFixed(0)} MiB/s); shim RSS ${mb(rssAtStart)} at start, peak ${mb(peak)}`);
    assert.equal(res.statusCode, 200);
    assert.equal(body.bytes, TOTAL);
    assert.equal(body.sha256, sent);
    assert.ok(peak < RSS_LIMIT, `shim RSS peaked at ${mb(peak)}`);
    assertFlat(samples, 'upload');
    assert.ok(ms < WALL_LIMIT_MS, `took ${ms} ms`);
  });

  it(`download of ${SIZE_MIB} MiB: every byte arrives, shim RSS stays flat`, async (t) => {
    const rss = sampleRss(shim.pid);
    const started = Date.now();
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: shim.port, path: '/big/download', agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-length'], String(TOTAL));
    const got = await consume(res);
    const ms = Date.now() - started;
    const { peak, samples } = rss.stop();
    t.diagnostic(`download ${SIZE_MIB} MiB in ${(ms / 1000).toFixed(1)} s (${(TOTAL / MiB / (ms / 1000)).toFixed(0)} MiB/s); shim RSS peak ${mb(peak)}`);
    assert.equal(got.bytes, TOTAL);
    assert.equal(got.sha256, downloadSent);
    assert.ok(peak < RSS_LIMIT, `shim RSS peaked at ${mb(peak)}`);
    assertFlat(samples, 'download');
    assert.ok(ms < WALL_LIMIT_MS, `took ${ms} ms`);
  });

  it('the audit log has both transfers with their byte counts; no secret in it', async () => {
    const lines = await eventually(() => {
      const found = readLog(box).filter((l) => l.msg === 'request');
      return found.length >= 2 ? found : null;
    });
    assert.ok(lines);
    assert.equal(lines.find((l) => l.path === '/big/upload')?.bytesIn, TOTAL);
    assert.equal(lines.find((l) => l.path === '/big/download')?.bytesOut, TOTAL);
    assertNoSecret(box, JSON.stringify(lines) + shim.stderr(), 'the log or stderr');
  });
});
