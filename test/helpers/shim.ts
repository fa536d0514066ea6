// Helpers for the shim tests: a sandbox (HOME, XDG dirs, config, a fake upstream secret in the
// environment), the built binary's `shim` as a child process, real upstream servers on 127.0.0.1
// (HTTP and HTTPS with a CA made here by openssl), client requests by node:http and raw bytes
// over net.Socket, and /proc readers for memory and command lines.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { BINARY, run } from './binary.ts';
import { waitForPort } from './net.ts';
import { tempDir } from './tmp.ts';

export interface ShimSandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  /** The upstream secret, in the shim's environment as UPSTREAM_SECRET; fake. */
  secret: string;
  configFile: string;
  logFile: string;
  /** Every form the secret could leak in: itself and inside a basic-auth header. */
  secretForms(username?: string): string[];
}

type Cleanup = { after(fn: () => void): void };

export function shimSandbox(t: Cleanup, label = 'gatehouse-shim'): ShimSandbox {
  const root = tempDir(t, label);
  for (const d of ['home', 'config/gatehouse', 'state']) mkdirSync(join(root, d), { recursive: true });
  // Not shaped like any known credential, so only the shim's own care keeps it out of output.
  const secret = `upstream-secret-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_STATE_HOME: join(root, 'state'),
    UPSTREAM_SECRET: secret,
  };
  return {
    root,
    env,
    secret,
    configFile: join(root, 'config/gatehouse/gatehouse.toml'),
    logFile: join(root, 'shim.log'),
    secretForms: (username = 'x-access-token') => [secret, Buffer.from(`${username}:${secret}`).toString('base64')],
  };
}

/** Writes gatehouse.toml: [log] file = the sandbox log, then the given TOML. */
export function writeShimConfig(box: ShimSandbox, toml: string, options: { logFile?: boolean } = {}): void {
  const log = options.logFile === false ? '' : `[log]\nfile = ${JSON.stringify(box.logFile)}\n\n`;
  writeFileSync(box.configFile, `${log}${toml}`);
}

export function route(prefix: string, upstream: string, extra: Record<string, string | boolean | string[]> = {}): string {
  const fields: Record<string, string | boolean | string[]> = { prefix, upstream, auth: 'bearer', credential: 'env:UPSTREAM_SECRET', ...extra };
  const lines = Object.entries(fields).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return `[[shim.route]]\n${lines.join('\n')}\n`;
}

export interface RunningShim {
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://HOST:PORT as the shim reported it (127.0.0.1 unless --listen says otherwise) */
  url: string;
  stderr(): string;
  stdout(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `gatehouse shim` on an ephemeral port (or the unix socket in args) and waits until it
 * accepts connections. Rejects with its stderr when it exits first.
 */
export async function startShim(box: ShimSandbox, args: string[] = [], options: { env?: NodeJS.ProcessEnv } = {}): Promise<RunningShim> {
  const socketIndex = args.indexOf('--socket');
  const child = spawn(BINARY, ['shim', ...(socketIndex === -1 && !args.includes('--port') ? ['--port', '0'] : []), ...args], {
    env: { ...box.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let port = 0;
  let host = '127.0.0.1';
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = /gatehouse shim listening on (?:http:\/\/([^:\s]+):(\d+)|unix:(\S+))/.exec(stderr);
    if (m) {
      port = Number(m[2] ?? 0);
      host = m[1] ?? host;
      break;
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`shim exited (${child.exitCode ?? child.signalCode}) before listening:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`shim never listened:\n${stderr}`);
    }
    await sleep(25);
  }
  if (port) {
    try {
      await waitForPort(port, 10_000, host);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }
  const shim: RunningShim = {
    child,
    pid: child.pid!,
    port,
    url: `http://${host}:${port}`,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return shim;
}

/** `gatehouse token mint --shim ...` through the binary; returns the token and its id. */
export async function mintShimToken(box: ShimSandbox, routes: string[], methods: string[] = ['GET'], ttl = '1h'): Promise<{ token: string; jti: string }> {
  const result = await run(BINARY, ['--json', 'token', 'mint', '--shim', '--routes', ...routes, '--methods', ...methods, '--ttl', ttl], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { token: string; claims: { jti: string } };
  return { token: parsed.token, jti: parsed.claims.jti };
}

// ---------------------------------------------------------------- upstreams

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  remotePort: number;
  body: Buffer;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface Upstream {
  url: string;
  port: number;
  server: Server;
  /** Every request that reached this upstream, in arrival order (bodies read in full). */
  seen: SeenRequest[];
  /** Requests being handled right now, and the most there ever were at once. */
  active: number;
  maxActive: number;
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/**
 * An upstream on 127.0.0.1 that reads each request body, records the request, then calls the
 * handler (default: 200 "ok"). With tls: HTTPS with the given key and certificate.
 * With streaming: the handler gets the request unread (body empty) and must consume it.
 */
export async function startUpstream(handler?: UpstreamHandler, options: { tls?: { key: string; cert: string }; streaming?: boolean } = {}): Promise<Upstream> {
  const state = { seen: [] as SeenRequest[], active: 0, maxActive: 0, connections: 0 };
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    res.on('close', () => state.active--);
    const chunks: Buffer[] = [];
    if (!options.streaming) for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, remotePort: req.socket.remotePort ?? 0, body });
    try {
      if (handler) await handler(req, res, body);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    }
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, (q, s) => void listener(q, s)) : createHttpServer((q, s) => void listener(q, s));
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    get seen() {
      return state.seen;
    },
    get active() {
      return state.active;
    },
    get maxActive() {
      return state.maxActive;
    },
    get connections() {
      return state.connections;
    },
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  } as Upstream;
}

/** A test CA and a server certificate for localhost and 127.0.0.1, made by openssl in dir. */
export async function makeTestCa(dir: string, name = 'ca'): Promise<{ caFile: string; key: string; cert: string }> {
  mkdirSync(dir, { recursive: true });
  const p = (f: string) => join(dir, `${name}-${f}`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const ok = async (args: string[]) => {
    const r = await run('openssl', args, { env, cwd: dir });
    assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  };
  writeFileSync(p('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await ok(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', `/CN=gatehouse test ${name}`]);
  await ok(['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  await ok(['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
  return { caFile: p('ca.pem'), key: readFileSync(p('server.key'), 'utf8'), cert: readFileSync(p('server.pem'), 'utf8') };
}

// ---------------------------------------------------------------- clients

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  socketPath?: string;
  timeoutMs?: number;
}

/** One request through node:http, no keep-alive, no redirects followed. */
export function request(base: string, path: string, options: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({
      ...(options.socketPath ? { socketPath: options.socketPath } : { hostname: url.hostname, port: url.port }),
      path,
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`request ${path} timed out`)), options.timeoutMs ?? 15_000);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString('utf8') });
      });
    });
    req.end(options.body);
  });
}

/**
 * Writes bytes on a raw TCP connection and returns everything read until the server closes it
 * (or timeoutMs passes; then what was read so far). For shapes node:http would not send.
 */
export function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<{ text: string; closed: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(true, e.code ?? e.message));
    socket.write(bytes);
  });
}

/** Status code and JSON body of a raw HTTP/1.1 response (chunked or not). */
export function parseRaw(text: string): { status: number; head: string; body: string } {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  let body = split === -1 ? '' : text.slice(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    let out = '';
    let rest = body;
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol === -1) break;
      const size = parseInt(rest.slice(0, eol), 16);
      if (!size) break;
      out += rest.slice(eol + 2, eol + 2 + size);
      rest = rest.slice(eol + 2 + size + 2);
    }
    body = out;
  }
  return { status, head, body };
}

// ---------------------------------------------------------------- /proc

/** VmRSS of a process in bytes, or null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every intervalMs until stopped; returns the peak and the samples. */
export function sampleRss(pid: number, intervalMs = 50): { stop(): { peak: number; samples: number[] } } {
  const samples: number[] = [];
  const take = () => {
    const v = rssBytes(pid);
    if (v !== null) samples.push(v);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak: Math.max(...samples), samples };
    },
  };
}

/** Command lines of every process on the machine right now (NUL-separated argv joined by spaces). */
export function allCommandLines(): string[] {
  const out: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push(readFileSync(`/proc/${d}/cmdline`).toString('utf8').replaceAll('\0', ' '));
    } catch {
      // gone
    }
  }
  return out;
}

export function readLog(box: ShimSandbox): Array<Record<string, unknown>> {
  if (!existsSync(box.logFile)) return [];
  return readFileSync(box.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls until check returns a truthy value or the time runs out (then returns the last value). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v || Date.now() > deadline) return v;
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asserts none of the forms of the secret appears in text. */
export function assertNoSecret(box: ShimSandbox, text: string, where: string, username?: string): void {
  for (const form of box.secretForms(username)) assert.ok(!text.includes(form), `the upstream secret appeared in ${where}`);
}
