// gatehouse shim streams both ways: server-sent events pass through as they are sent, a chunked
// request body reaches the upstream while the client is still sending, and a slow reader (or a
// slow upstream) holds the other side back instead of the shim buffering.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import {
  assertNoSecret,
  eventually,
  readLog,
  request,
  route,
  rssBytes,
  shimSandbox,
  sleep,
  startShim,
  startUpstream,
  writeShimConfig,
  type RunningShim,
  type ShimSandbox,
  type Upstream,
} from '../helpers/shim.ts';

const MiB = 1024 * 1024;

/** A deferred: a promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire(): void; fired: boolean } {
  let fire!: () => void;
  const s = { promise: new Promise<void>((r) => (fire = r)), fire: () => {}, fired: false };
  s.fire = () => {
    s.fired = true;
    fire();
  };
  return s;
}

/** Writes a chunk and waits for 'drain' when the stream asks for it. Returns false when the stream closed. */
async function writeWithBackpressure(stream: NodeJS.WritableStream & { destroyed?: boolean }, chunk: Buffer): Promise<boolean> {
  if (stream.destroyed) return false;
  if (stream.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
  return !stream.destroyed;
}

describe('shim streaming', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let shim: RunningShim;
  let upstream: Upstream;
  // Per-test hooks the upstream handler consults.
  let sseGate = signal();
  let sseResult: { gateWon: boolean; endedAt: number } | null = null;
  const uploadProgress = { bytes: 0, hash: '', firstChunkAt: 0, endAt: 0 };
  let bigFlushed = 0;
  let bigDone = false;
  let stalledUpload = { read: 0, release: signal() };

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    upstream = await startUpstream(
      async (req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path === '/sse') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          res.write('event: hello\ndata: first\n\n');
          // Wait for the client to have the first event, or give up after 5 s.
          let timer: NodeJS.Timeout | undefined;
          const won = await Promise.race([sseGate.promise.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000)))]);
          clearTimeout(timer);
          res.write('data: second\n\n');
          res.end('data: last\n\n');
          sseResult = { gateWon: won, endedAt: Date.now() };
          return;
        }
        if (path === '/upload') {
          const hash = createHash('sha256');
          uploadProgress.bytes = 0;
          for await (const c of req) {
            if (!uploadProgress.bytes) uploadProgress.firstChunkAt = Date.now();
            uploadProgress.bytes += (c as Buffer).length;
            hash.update(c as Buffer);
          }
          uploadProgress.hash = hash.digest('hex');
          uploadProgress.endAt = Date.now();
          res.writeHead(200).end(`${uploadProgress.bytes} ${uploadProgress.hash}`);
          return;
        }
        if (path === '/big') {
          // 64 MiB as fast as the shim will take it, counting what the socket accepted.
          bigFlushed = 0;
          bigDone = false;
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 64 * MiB });
          const chunk = Buffer.alloc(MiB / 4, 0x5a);
          for (let i = 0; i < 256; i++) {
            if (!(await writeWithBackpressure(res, chunk))) return;
            bigFlushed += chunk.length;
          }
          res.end();
          bigDone = true;
          return;
        }
        if (path === '/stalled-upload') {
          // Reads 1 MiB, then stops reading until released.
          for await (const c of req) {
            stalledUpload.read += (c as Buffer).length;
            if (stalledUpload.read >= MiB && !stalledUpload.release.fired) await stalledUpload.release.promise;
          }
          res.writeHead(200).end(String(stalledUpload.read));
          return;
        }
        if (path === '/no-content') return void res.writeHead(204).end();
        if (path === '/not-modified') return void res.writeHead(304, { etag: '"x"' }).end();
        if (path === '/head') return void res.writeHead(200, { 'content-length': 12345, 'content-type': 'application/octet-stream' }).end();
        res.writeHead(404).end();
      },
      { streaming: true },
    );
    writeShimConfig(box, route('/s/', upstream.url));
    shim = await startShim(box, ['--trust-loopback']);
  });

  after(async () => {
    await shim?.stop();
    await upstream?.close();
    for (const fn of cleanups) fn();
  });

  it('server-sent events pass through as they are sent: the first arrives before the upstream finishes', async () => {
    sseGate = signal();
    sseResult = null;
    let firstAt = 0;
    let text = '';
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: shim.port, path: '/s/sse', headers: { accept: 'text/event-stream' }, agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream');
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (!firstAt && text.includes('data: first\n\n')) {
          firstAt = Date.now();
          sseGate.fire();
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    // Set by the upstream handler meanwhile (TypeScript cannot see that through the closure).
    const result = sseResult as { gateWon: boolean; endedAt: number } | null;
    assert.ok(result, 'the upstream finished');
    assert.equal(result.gateWon, true, 'the first event reached the client only after the upstream had finished: buffered');
    assert.ok(firstAt <= result.endedAt);
    assert.equal(text, 'event: hello\ndata: first\n\ndata: second\n\ndata: last\n\n');
  });

  it('a chunked request body streams: the upstream has the first part while the client is still sending', async () => {
    const hash = createHash('sha256');
    let sent = 0;
    const req = httpRequest({ host: '127.0.0.1', port: shim.port, method: 'POST', path: '/s/upload', agent: false, headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/octet-stream' } });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    const part = (n: number) => Buffer.alloc(64 * 1024, n);
    for (let i = 0; i < 4; i++) {
      const c = part(i);
      hash.update(c);
      sent += c.length;
      await writeWithBackpressure(req, c);
    }
    // The client holds the rest back until the upstream has seen bytes.
    const arrived = await eventually(() => uploadProgress.bytes > 0, 5000);
    assert.equal(arrived, true, 'nothing reached the upstream while the client was mid-body');
    const midway = Date.now();
    for (let i = 4; i < 40; i++) {
      const c = part(i);
      hash.update(c);
      sent += c.length;
      await writeWithBackpressure(req, c);
    }
    req.end();
    const res = await response;
    assert.equal(res.status, 200);
    assert.equal(res.text, `${sent} ${hash.digest('hex')}`);
    assert.ok(uploadProgress.firstChunkAt <= midway);
    assert.equal(upstream.seen.at(-1)!.headers['transfer-encoding'], 'chunked');
  });

  it('a slow reader holds the upstream back (backpressure), then gets every byte', async () => {
    const rssBefore = rssBytes(shim.pid)!;
    const req = httpRequest({ host: '127.0.0.1', port: shim.port, path: '/s/big', agent: false });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.headers['content-length'], String(64 * MiB));
    let received = 0;
    const hash = createHash('sha256');
    const paused = signal();
    res.on('data', (c: Buffer) => {
      received += c.length;
      hash.update(c);
      if (received >= MiB && !paused.fired) {
        res.pause();
        paused.fire();
      }
    });
    await paused.promise;
    await sleep(1500);
    const flushedWhilePaused = bigFlushed;
    const peakWhilePaused = rssBytes(shim.pid)!;
    assert.equal(bigDone, false);
    // Socket buffers on two connections hold a few MiB at most; 64 MiB would mean the shim buffered it.
    assert.ok(flushedWhilePaused < 24 * MiB, `the upstream wrote ${(flushedWhilePaused / MiB).toFixed(1)} MiB while the client read 1`);
    assert.ok(peakWhilePaused - rssBefore < 48 * MiB, `shim RSS grew by ${((peakWhilePaused - rssBefore) / MiB).toFixed(1)} MiB`);
    const ended = new Promise<void>((resolve) => res.on('end', resolve));
    res.resume();
    await ended;
    assert.equal(received, 64 * MiB);
    assert.equal(hash.digest('hex'), createHash('sha256').update(Buffer.alloc(64 * MiB, 0x5a)).digest('hex'));
  });

  it('an upstream that stops reading holds the client back (backpressure on uploads)', async () => {
    stalledUpload = { read: 0, release: signal() };
    const req = httpRequest({ host: '127.0.0.1', port: shim.port, method: 'POST', path: '/s/stalled-upload', agent: false, headers: { 'content-length': String(64 * MiB) } });
    const response = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    let accepted = 0;
    const chunk = Buffer.alloc(MiB / 4, 1);
    const writer = (async () => {
      for (let i = 0; i < 256; i++) {
        await writeWithBackpressure(req, chunk);
        accepted += chunk.length;
      }
      req.end();
    })();
    await eventually(() => stalledUpload.read >= MiB, 5000);
    await sleep(1500);
    assert.ok(accepted < 24 * MiB, `the client could write ${(accepted / MiB).toFixed(1)} MiB while the upstream read ${(stalledUpload.read / MiB).toFixed(1)}`);
    stalledUpload.release.fire();
    await writer;
    assert.equal(await response, String(64 * MiB));
  });

  it('responses without a body: 204, 304, HEAD with Content-Length', async () => {
    const noContent = await request(shim.url, '/s/no-content');
    assert.equal(noContent.status, 204);
    assert.equal(noContent.body.length, 0);
    const notModified = await request(shim.url, '/s/not-modified', { headers: { 'if-none-match': '"x"' } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.etag, '"x"');
    const head = await request(shim.url, '/s/head', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '12345');
    assert.equal(head.body.length, 0);
  });

  it('the audit log counts the streamed bytes; no secret anywhere', async () => {
    const lines = await eventually(() => {
      const found = readLog(box).filter((l) => l.msg === 'request' && l.path === '/s/big');
      return found.length ? found : null;
    });
    assert.ok(lines);
    assert.equal(lines[0]!.bytesOut, 64 * MiB);
    const upload = readLog(box).find((l) => l.msg === 'request' && l.path === '/s/stalled-upload');
    assert.equal(upload?.bytesIn, 64 * MiB);
    assertNoSecret(box, shim.stderr(), 'stderr');
    assertNoSecret(box, JSON.stringify(readLog(box)), 'the log file');
  });
});
