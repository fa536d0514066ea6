// The shim: a reverse proxy that strips whatever auth a client sends and injects the route's
// real credential, streaming bodies both ways with backpressure (pipe), in the spirit of nginx in
// front of a service: explicit header rules, bounded headers, timeouts, no open-proxy shapes.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/factory.ts';
import { TokenError } from '../credential/tokens.ts';
import { authorizeClient, isLoopback } from './client-auth.ts';
import { clientResponseHeaders, redactQuery, rewriteLocation, smugglingProblem, upstreamRequestHeaders } from './headers.ts';
import { ShimMetrics } from './metrics.ts';
import type { Route, RouteTable } from './routes.ts';

export interface ShimOptions {
  loaded: LoadedConfig;
  table: RouteTable;
  store: Store;
  signingKey: Uint8Array;
  logger: Logger;
  /** Serving on a unix socket: the socket's permissions are the client check. */
  unixSocket: boolean;
}

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * A git push in any spelling the upstream would accept: the path percent-decoded (CGI decodes
 * PATH_INFO), and every service= value, since http-backend reads the last one and URLSearchParams.get the first.
 */
export function isGitPush(url: URL): boolean {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    return true; // undecodable: refuse rather than guess what the upstream would make of it
  }
  if (/\/git-receive-pack(\/|$)/i.test(path)) return true;
  return url.searchParams.getAll('service').some((s) => s.toLowerCase() === 'git-receive-pack');
}

const ACTIVE = Symbol('gatehouse.activeRequests');
type CountedSocket = Socket & { [ACTIVE]?: number };

export class ShimServer {
  readonly server: Server;
  readonly metrics = new ShimMetrics();
  private options: ShimOptions;
  private agents: Map<string, Agents> = new Map();
  private ca: Buffer | undefined;

  constructor(options: ShimOptions) {
    this.options = options;
    const shim = options.loaded.config.shim;
    this.ca = shim.ca_file ? readFileSync(shim.ca_file) : undefined;
    this.server = createServer(
      {
        maxHeaderSize: shim.max_header_bytes,
        requestTimeout: shim.request_timeout_seconds * 1000,
        // Node requires headersTimeout <= requestTimeout when the latter is set.
        headersTimeout: shim.request_timeout_seconds > 0 ? Math.min(30_000, shim.request_timeout_seconds * 1000) : 30_000,
        // How often Node looks for connections past those limits (its default, 30 s, would let a short limit run long).
        connectionsCheckingInterval: 1_000,
        keepAliveTimeout: 5_000,
        insecureHTTPParser: false,
        requireHostHeader: true,
        joinDuplicateHeaders: false,
      },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    // An idle client connection is closed; one waiting on the upstream is left to the upstream
    // timer, which answers 504.
    // (With a callback here Node leaves timed-out sockets to us instead of destroying them.)
    this.server.setTimeout(shim.idle_timeout_seconds * 1000, (socket: CountedSocket) => {
      if (!socket[ACTIVE]) socket.destroy();
    });
    // CONNECT would make this an open tunnel.
    this.server.on('connect', (_req: IncomingMessage, socket: Socket) => {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"CONNECT is not allowed"}\n');
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const [status, reason, message] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'headers too large']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout', 'request not received in time']
            : [400, 'Bad Request', 'malformed request'];
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"${message}"}\n`);
    });
  }

  /** Swaps in a new configuration; requests in flight finish with the old one. */
  reload(options: ShimOptions): void {
    const old = this.agents;
    this.options = options;
    this.agents = new Map();
    this.ca = options.loaded.config.shim.ca_file ? readFileSync(options.loaded.config.shim.ca_file) : undefined;
    // Let pooled connections of the old routes close once idle.
    setTimeout(() => {
      for (const a of old.values()) {
        a.http.destroy();
        a.https.destroy();
      }
    }, 60_000).unref();
  }

  private agentsFor(route: Route): Agents {
    let agents = this.agents.get(route.prefix);
    if (!agents) {
      const maxSockets = this.options.loaded.config.shim.upstream_connections;
      agents = {
        http: new HttpAgent({ keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 16) }),
        https: new HttpsAgent({ keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 16), ...(this.ca ? { ca: this.ca } : {}) }),
      };
      this.agents.set(route.prefix, agents);
    }
    return agents;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const options = this.options;
    const shim = options.loaded.config.shim;
    const requestId = randomUUID();
    let routeName = '(none)';
    let tokenId = '';
    let bytesIn = 0;
    let bytesOut = 0;
    let upstreamSeconds: number | null = null;
    this.metrics.inFlight++;
    const socket = req.socket as CountedSocket;
    socket[ACTIVE] = (socket[ACTIVE] ?? 0) + 1;
    res.on('close', () => {
      this.metrics.inFlight--;
      socket[ACTIVE] = (socket[ACTIVE] ?? 1) - 1;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A response that never started is logged as status 0 (the client got nothing), not 200.
      const status = res.headersSent ? res.statusCode : 0;
      this.metrics.record(routeName, status, bytesIn, bytesOut, upstreamSeconds);
      options.logger.info('request', {
        id: requestId,
        token: tokenId,
        route: routeName,
        method: req.method,
        path: redactQuery(req.url ?? ''),
        status,
        bytesIn,
        bytesOut,
        ms: Math.round(seconds * 1000),
      });
    });
    const fail = (status: number, error: string, extra: Record<string, unknown> = {}) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(status, { 'content-type': 'application/json', 'x-gatehouse-request': requestId }).end(`${JSON.stringify({ error, ...extra })}\n`);
    };

    const target = req.url ?? '';
    if (!target.startsWith('/')) return fail(400, 'absolute-form request targets are not accepted: this is not a forward proxy');
    const problem = smugglingProblem(req.rawHeaders, shim.max_headers);
    if (problem) return fail(400, `refused: ${problem}`);
    const url = new URL(target, 'http://shim.invalid');
    if (url.pathname === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (url.pathname === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metrics.render());

    const route = options.table.match(url.pathname);
    if (!route) return fail(404, 'no route for this path', { routes: options.table.routes.map((r) => r.prefix) });
    routeName = route.prefix;
    const method = req.method ?? 'GET';
    if (route.config.methods.length && !route.config.methods.includes(method)) return fail(405, `method ${method} is not allowed on ${route.prefix}`);
    if (!route.config.allow_push && isGitPush(url)) {
      return fail(403, 'git push is not allowed through the shim: push through the gatehouse gate (git://gate/... or /git/<name>) so it is scanned');
    }

    const trusted = options.unixSocket || (shim.trust_loopback && isLoopback(req.socket.remoteAddress));
    if (!trusted) {
      try {
        const header = req.headers[shim.token_header];
        const claims = await authorizeClient({ token: Array.isArray(header) ? header[0] : header, store: options.store, key: options.signingKey, prefix: route.prefix, method });
        tokenId = claims.jti;
      } catch (error) {
        if (error instanceof TokenError) return fail(error.status, error.message);
        throw error;
      }
    }

    let credential: [string, string] | null;
    try {
      credential = await route.credential();
    } catch (error) {
      options.logger.error('credential unavailable', { route: route.prefix, error: errorMessage(error) });
      return fail(502, 'the route credential is unavailable');
    }

    const upstream = route.upstream;
    const headers = upstreamRequestHeaders(req.rawHeaders, { tokenHeader: shim.token_header, stripCookies: shim.strip_cookies, forwarded: shim.forwarded }, upstream, {
      ip: req.socket.remoteAddress ?? '',
      proto: 'http',
      host: req.headers.host ?? '',
    });
    if (credential) headers[credential[0]] = credential[1];
    const base = upstream.pathname.replace(/\/$/, '');
    const rest = url.pathname.slice(route.prefix.length);
    const path = `${base}/${rest}${url.search}`;
    const secure = upstream.protocol === 'https:';
    const agents = this.agentsFor(route);
    const upstreamReq = (secure ? httpsRequest : httpRequest)({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port || (secure ? 443 : 80),
      method,
      path,
      headers,
      agent: secure ? agents.https : agents.http,
      servername: secure ? upstream.hostname : undefined,
    });
    upstreamReq.setTimeout(shim.idle_timeout_seconds * 1000, () => upstreamReq.destroy(Object.assign(new Error('upstream idle timeout'), { code: 'GATEHOUSE_UPSTREAM_TIMEOUT' })));
    upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
      options.logger.warn('upstream error', { route: route.prefix, error: error.code ?? error.message });
      if (error.code === 'GATEHOUSE_UPSTREAM_TIMEOUT' || error.code === 'ETIMEDOUT') fail(504, 'upstream timed out', { route: route.prefix });
      else fail(502, 'upstream unreachable', { route: route.prefix });
    });
    upstreamReq.on('response', (upstreamRes) => {
      upstreamSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const out = clientResponseHeaders(upstreamRes.rawHeaders);
      const location = out.location;
      if (typeof location === 'string') out.location = rewriteLocation(location, upstream, route.prefix, `http://${req.headers.host ?? 'localhost'}`);
      res.writeHead(upstreamRes.statusCode ?? 502, out);
      upstreamRes.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });
    req.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    req.pipe(upstreamReq);
    req.on('aborted', () => upstreamReq.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
  }
}
