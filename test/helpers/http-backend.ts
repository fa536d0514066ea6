// A real git smart-HTTP server for tests: node's http server on 127.0.0.1 running
// `git http-backend` as a CGI per request, with optional basic auth, counting requests; and a
// recorder that answers every request with a basic-auth challenge and keeps what it was sent.
//
// For fault tests it can misbehave the way real upstreams do, and says when through `events`:
// - `hold(req)`: the request is taken and not answered ('held', with a function that serves it
//   after all when the test says go); 'client-gone' when the client drops the connection;
// - `holdReceivePackResponse`: a push's POST runs git http-backend to completion, so the upstream
//   applies the push ('receive-pack-applied', with http-backend's exit code), and the response
//   is then never sent ('client-gone' as above).
// A request that comes in while a push is being applied waits for it, as on an upstream whose
// reads see its completed writes: what a client reads after a push was cut off is settled.
import { runCgi } from '../../src/gate/cgi.ts';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpGitServer {
  url: string;
  port: number;
  /** upload-pack advertisements served (one per clone, fetch or ls-remote). */
  uploadPackRequests: number;
  receivePackRequests: number;
  /** Authorization headers seen, for tests that check what a client sent. */
  authorizations: string[];
  /**
   * When set, every request is answered 302 to this base URL plus the request's path and query,
   * before any authentication: an upstream that redirects on the first request.
   */
  redirectTo: string | null;
  /** 'held' (what, serve), 'client-gone' (what), 'receive-pack-applied' (exit code); what is "METHOD /path?query". */
  events: EventEmitter;
  close(): Promise<void>;
}

export interface HttpGitServerOptions {
  user?: string;
  password?: string;
  env?: NodeJS.ProcessEnv;
  hold?: (req: IncomingMessage) => boolean;
  holdReceivePackResponse?: boolean;
}

export async function startHttpGitServer(projectRoot: string, options: HttpGitServerOptions = {}): Promise<HttpGitServer> {
  const state: HttpGitServer = { url: '', port: 0, uploadPackRequests: 0, receivePackRequests: 0, authorizations: [], redirectTo: null, events: new EventEmitter(), close: async () => {} };
  const expected = options.user ? `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}` : null;
  let applying: Promise<void> = Promise.resolve();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const what = `${req.method} ${url.pathname}${url.search}`;
    state.authorizations.push(req.headers.authorization ?? '');
    if (state.redirectTo) {
      res.writeHead(302, { Location: `${state.redirectTo}${url.pathname}${url.search}` }).end();
      return;
    }
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('authentication required\n');
      return;
    }
    if (url.searchParams.get('service') === 'git-upload-pack') state.uploadPackRequests++;
    if (url.searchParams.get('service') === 'git-receive-pack') state.receivePackRequests++;
    res.on('close', () => {
      if (!res.writableFinished) state.events.emit('client-gone', what);
    });
    const env: NodeJS.ProcessEnv = {
      ...options.env,
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: req.headers['content-length'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: options.user ?? 'anonymous',
      REMOTE_ADDR: '127.0.0.1',
    };
    const serve = () => void applying.then(() => runCgi(req, res, 'git', ['http-backend'], env));
    if (options.hold?.(req)) {
      state.events.emit('held', what, serve);
      return;
    }
    if (options.holdReceivePackResponse && req.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) {
      applying = applying.then(() => applyAndHold(req, env, state.events));
      return;
    }
    serve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await applying;
  };
  return state;
}

/** Runs git http-backend over the request to the end (a client that goes away does not stop it) and keeps its response. */
function applyAndHold(req: IncomingMessage, env: NodeJS.ProcessEnv, events: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.on('error', () => {});
    req.pipe(child.stdin);
    // A body cut short never ends: end http-backend's input so it fails instead of waiting.
    req.on('close', () => {
      if (!child.stdin.writableEnded) child.stdin.end();
    });
    child.on('close', (code) => {
      events.emit('receive-pack-applied', code);
      resolve();
    });
  });
}

export interface Recorder {
  url: string;
  /** Every request, in order: method, path with query, and its Authorization header ('' when none). */
  requests: Array<{ method: string; path: string; authorization: string }>;
  close(): Promise<void>;
}

/**
 * Another host as far as git is concerned (127.0.0.2 by default: same machine, other address):
 * it answers everything 401 with a basic-auth challenge, which makes git ask its credential
 * helper for this host, and records every request with what credential it carried.
 */
export async function startRecorder(host = '127.0.0.2'): Promise<Recorder> {
  const state: Recorder = { url: '', requests: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    state.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization ?? '' });
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="recorder"' }).end('authentication required\n');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}
