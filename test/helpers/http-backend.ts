// A real git smart-HTTP server for tests: node's http server on 127.0.0.1 running
// `git http-backend` as a CGI per request, with optional basic auth, counting requests; and a
// recorder that answers every request with a basic-auth challenge and keeps what it was sent.
import { runCgi } from '../../src/gate/cgi.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpGitServer {
  url: string;
  port: number;
  /** upload-pack advertisements served (one per clone or fetch). */
  uploadPackRequests: number;
  receivePackRequests: number;
  /** Authorization headers seen, for tests that check what a client sent. */
  authorizations: string[];
  /**
   * When set, every request is answered 302 to this base URL plus the request's path and query,
   * before any authentication: an upstream that redirects on the first request.
   */
  redirectTo: string | null;
  close(): Promise<void>;
}

export async function startHttpGitServer(projectRoot: string, options: { user?: string; password?: string; env?: NodeJS.ProcessEnv } = {}): Promise<HttpGitServer> {
  const state: HttpGitServer = { url: '', port: 0, uploadPackRequests: 0, receivePackRequests: 0, authorizations: [], redirectTo: null, close: async () => {} };
  const expected = options.user ? `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}` : null;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
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
    runCgi(req, res, 'git', ['http-backend'], {
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
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
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
