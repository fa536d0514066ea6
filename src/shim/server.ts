// The shim: a reverse proxy that strips whatever auth a client sends and injects the route's
// real credential, streaming bodies both ways with backpressure, in the spirit of nginx in front
// of a service: explicit header rules, bounded headers, timeouts, no open-proxy shapes. Node's
// http server takes the clients; undici (a pool per route) talks to the upstreams, since its
// dispatch path costs less CPU per request than http.request with an Agent.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Dispatcher, Pool } from 'undici';
import { errorMessage } from '../errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/factory.ts';
import { TokenError, type TokenClaims } from '../credential/tokens.ts';
import { allowsRoute, authenticateClient, checkScope, isLoopback, VerifiedTokens } from './client-auth.ts';
import { clientResponseHeaders, redactQuery, rewriteLocation, smugglingProblem, upstreamRequestHeaders } from './headers.ts';
import { ShimMetrics } from './metrics.ts';
import { decodedPath, pathProblem } from './paths.ts';
import { isGraphqlPath, readBounded, scanBody, scanReason } from './body-scan.ts';
import { isQueryOnly } from './graphql.ts';
import { buildScanner } from '../scan/run.ts';
import type { Scanner } from '../scan/scanner.ts';
import { gateRuleConfig } from '../gate/gate-rules.ts';
import { auditFindings, maskedFindings } from '../gate/push-report.ts';
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


/**
 * A git push in any spelling the upstream might accept: the path and the query percent-decoded as
 * many times as a server might, each name and value cut at a control character or ";" (a C
 * server reads "git-receive-pack%00" as git-receive-pack), case ignored, and every service=
 * value, since http-backend reads the last one and URLSearchParams.get the first.
 */
export function isGitPush(url: URL): boolean {
  const word = (text: string) => text.split(/[\x00-\x1f\x7f;]/)[0]!.trim().toLowerCase();
  if (decodedPath(url.pathname).split(/[/\\]/).some((segment) => word(segment) === 'git-receive-pack')) return true;
  for (const pair of url.search.slice(1).split(/[&;]/)) {
    const eq = pair.indexOf('=');
    const plus = (text: string) => text.replace(/\+/g, ' ');
    if (eq !== -1 && word(decodedPath(plus(pair.slice(0, eq)))) === 'service' && word(decodedPath(plus(pair.slice(eq + 1)))).includes('receive-pack')) return true;
  }
  return false;
}

/**
 * The client's shim token: the token header; else, for SDKs that can only set an API key,
 * `Authorization: Bearer <token>` or the header the route's own credential goes in
 * (auth = "header:NAME"). The shim replaces or drops both before forwarding, so the client's
 * value there is never needed upstream.
 */
function clientToken(req: IncomingMessage, tokenHeader: string, route: Route | null): string | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const explicit = first(req.headers[tokenHeader]);
  if (explicit) return explicit;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(first(req.headers.authorization) ?? '');
  if (bearer) return bearer[1];
  const auth = route?.config.auth ?? '';
  return auth.startsWith('header:') ? first(req.headers[auth.slice('header:'.length).toLowerCase()]) : undefined;
}

const ACTIVE = Symbol('gatehouse.activeRequests');
type CountedSocket = Socket & { [ACTIVE]?: number };

/** undici, loaded by the caller (`await import('undici')`): a chunk of its own in the binary. */
export type Undici = typeof import('undici');

export class ShimServer {
  readonly server: Server;
  private readonly undici: Undici;
  readonly metrics = new ShimMetrics();
  private options: ShimOptions;
  private pools: Map<string, Pool> = new Map();
  private ca: Buffer | undefined;
  private verified = new VerifiedTokens();
  /** The gate's scanner, built on the first body that needs it. */
  private scanner: Scanner | null = null;
  /** Request ids: a random prefix per process and a counter (unique, and cheaper than a UUID each). */
  private readonly idPrefix = randomBytes(6).toString('hex');
  private nextId = 0;

  constructor(options: ShimOptions, undici: Undici) {
    this.options = options;
    this.undici = undici;
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
        this.handle(req, res).catch((error: unknown) => {
          this.options.logger.error('request failed', { error: errorMessage(error) });
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal error"}\n');
          else res.destroy();
        });
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
    const old = this.pools;
    this.options = options;
    this.pools = new Map();
    this.verified = new VerifiedTokens();
    this.scanner = null;
    this.ca = options.loaded.config.shim.ca_file ? readFileSync(options.loaded.config.shim.ca_file) : undefined;
    // Let the old routes' requests finish and their pooled connections go.
    for (const pool of old.values()) void pool.close().catch(() => {});
    setTimeout(() => {
      for (const pool of old.values()) void pool.destroy().catch(() => {});
    }, 60_000).unref();
  }

  /** Closes every upstream pool (pending requests are cut). */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => {})));
  }

  private poolFor(route: Route): Pool {
    let pool = this.pools.get(route.prefix);
    if (!pool) {
      const shim = this.options.loaded.config.shim;
      const timeout = shim.idle_timeout_seconds * 1000;
      pool = new this.undici.Pool(route.upstream.origin, {
        connections: shim.upstream_connections,
        pipelining: 1,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        connectTimeout: Math.min(timeout, 10_000),
        // undici keeps an idle connection at most this long (or what the upstream's Keep-Alive says).
        keepAliveTimeout: 4_000,
        ...(route.upstream.protocol === 'https:' && this.ca ? { connect: { ca: this.ca } } : {}),
      });
      this.pools.set(route.prefix, pool);
    }
    return pool;
  }

  /**
   * Where clients reach the shim: shim.public_url, else the address it listens on; '' (a
   * path-only Location, resolved by the client against the URL it used) on a unix socket or a
   * wildcard address, which name no host.
   */
  private publicOrigin(): string {
    const configured = this.options.loaded.config.shim.public_url;
    if (configured) return configured.replace(/\/+$/, '');
    const bound = this.server.address();
    if (!bound || typeof bound === 'string' || bound.address === '0.0.0.0' || bound.address === '::') return '';
    return `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  }

  /** The gate's rules and limits: a body is scanned as a push of it would be. */
  private bodyScanner(): Scanner {
    const config = this.options.loaded.config;
    return (this.scanner ??= buildScanner({
      ruleConfig: gateRuleConfig(config.gate.rules, config.scan.rules),
      limits: { maxFileBytes: config.scan.max_file_size, maxRunMs: 0 },
      decodeDepth: config.scan.decode_depth,
      store: null,
    }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const options = this.options;
    const shim = options.loaded.config.shim;
    const requestId = `${this.idPrefix}-${(++this.nextId).toString(16)}`;
    const socket = req.socket as CountedSocket;
    // What the audit line and the metrics need, filled in as the request goes.
    const state = { route: '(none)', token: '', bytesIn: 0, bytesOut: 0, upstreamSeconds: null as number | null };
    this.metrics.inFlight++;
    socket[ACTIVE] = (socket[ACTIVE] ?? 0) + 1;
    let controller: Dispatcher.DispatchController | null = null;
    res.once('close', () => {
      this.metrics.inFlight--;
      socket[ACTIVE] = (socket[ACTIVE] ?? 1) - 1;
      // The client went away before the response was complete: stop the upstream exchange.
      if (controller && !res.writableFinished) controller.abort(new Error('client closed'));
      // A response that never started is logged as status 0 (the client got nothing), not 200.
      const status = res.headersSent ? res.statusCode : 0;
      this.metrics.record(state.route, status, state.bytesIn, state.bytesOut, state.upstreamSeconds);
      options.logger.info('request', {
        id: requestId,
        token: state.token,
        route: state.route,
        method: req.method,
        path: redactQuery(req.url ?? ''),
        status,
        bytesIn: state.bytesIn,
        bytesOut: state.bytesOut,
        ms: Math.round(performance.now() - started),
      });
    });
    const fail = (status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(status, { 'content-type': 'application/json', 'x-gatehouse-request': requestId, ...headers }).end(`${JSON.stringify({ error, ...extra })}\n`);
    };

    const target = req.url ?? '';
    if (!target.startsWith('/')) return fail(400, 'absolute-form request targets are not accepted: this is not a forward proxy');
    const problem = smugglingProblem(req.rawHeaders, shim.max_headers);
    if (problem) return fail(400, `refused: ${problem}`);
    // Parsed as a URL so dot segments (plain or percent-encoded) are resolved before routing.
    const url = new URL(target, 'http://shim.invalid');
    const pathname = url.pathname;
    if (pathname === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');

    // Who the client is, before anything about the routes is answered: an untrusted client
    // without a valid token learns nothing (not the route table, not whether a route exists).
    const trusted = options.unixSocket || (shim.trust_loopback && isLoopback(socket.remoteAddress));
    let claims: TokenClaims | null = null;
    if (!trusted) {
      try {
        const token = clientToken(req, shim.token_header, options.table.match(pathname));
        claims = await authenticateClient({ token, store: options.store, key: options.signingKey, verified: this.verified });
        state.token = claims.jti;
      } catch (error) {
        if (error instanceof TokenError) return fail(error.status, error.message);
        throw error;
      }
    }

    if (pathname === '/metrics') {
      if (claims && !allowsRoute(claims, '/metrics')) return fail(403, 'token does not allow /metrics (gatehouse token mint --shim --routes /metrics)');
      return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metrics.render());
    }

    const route = options.table.match(pathname);
    if (!route) {
      const visible = options.table.routes.map((r) => r.prefix).filter((prefix) => !claims || allowsRoute(claims, prefix));
      return fail(404, 'no route for this path', { routes: visible });
    }
    state.route = route.prefix;
    const method = req.method ?? 'GET';
    // The upstream may decode the path again (once or more, with backslashes as separators):
    // what it could read as climbing out of the route's base path is refused here.
    const encodedRest = pathname.slice(route.prefix.length);
    const climbs = pathProblem(encodedRest);
    if (climbs) return fail(400, `refused: the path ${climbs}, which could leave ${route.prefix} at the upstream`);
    const rest = decodedPath(encodedRest);
    // A GraphQL query is a read sent as POST: taken on a read-only route when its body proves it.
    let graphqlRead = false;
    if (route.config.methods.length && !route.config.methods.includes(method)) {
      if (route.config.graphql_queries && method === 'POST' && isGraphqlPath(rest)) graphqlRead = true;
      else return fail(405, `method ${method} is not allowed on ${route.prefix}`);
    }
    if (!route.config.allow_push && isGitPush(url)) {
      // text/plain, as git http-backend answers: git prints such a body as "remote: ..." lines.
      if (res.headersSent) return void res.destroy();
      return void res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'x-gatehouse-request': requestId })
        .end(`gatehouse: git push is not allowed through the shim: push through the gatehouse gate (git://gate/... or /git/<name>), where it is scanned.\n`);
    }
    if (claims) {
      try {
        checkScope(claims, route.prefix, graphqlRead ? 'GET' : method);
      } catch (error) {
        if (error instanceof TokenError) return fail(error.status, error.message);
        throw error;
      }
    }

    // A request has a body exactly when it says so (RFC 9112 6.3).
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    let body: Buffer | null = null;
    const why = graphqlRead ? 'GraphQL' : scanReason(method, rest, route.config.scan_bodies);
    if (why && (hasBody || graphqlRead)) {
      const limit = shim.max_scan_body_bytes;
      body = hasBody ? await readBounded(req, limit) : Buffer.alloc(0);
      if (!body) return fail(413, `request body over ${limit} bytes on a scanned request (${why}); shim.max_scan_body_bytes bounds it`, {}, { connection: 'close' });
      if (graphqlRead && !isQueryOnly(body)) return fail(403, `only GraphQL queries are allowed on ${route.prefix}: no mutation or subscription`);
      const scanned = scanBody(this.bodyScanner(), body, options.loaded.config.scan.max_file_size);
      if (scanned.findings.length) {
        options.logger.warn('request refused: secrets in the body', { id: requestId, route: route.prefix, findings: auditFindings(scanned.findings) });
        return fail(403, `refused: the request body holds secrets (${why}); nothing was sent upstream`, { findings: maskedFindings(scanned.findings) });
      }
      if (scanned.notScanned.length) {
        options.logger.warn('request refused: body not fully scanned', { id: requestId, route: route.prefix, notScanned: scanned.notScanned });
        return fail(403, `refused: part of the request body could not be scanned (${why}); nothing was sent upstream`, { notScanned: scanned.notScanned });
      }
    }

    let credential: [string, string] | null;
    try {
      credential = await route.credential();
    } catch (error) {
      options.logger.error('credential unavailable', { route: route.prefix, error: errorMessage(error) });
      return fail(502, 'the route credential is unavailable');
    }
    // The client left while the token or the credential was being checked.
    if (res.destroyed) return;

    const upstream = route.upstream;
    const headers = upstreamRequestHeaders(req.rawHeaders, { tokenHeader: shim.token_header, stripCookies: shim.strip_cookies, forwarded: shim.forwarded }, upstream, {
      ip: socket.remoteAddress ?? '',
      proto: 'http',
      host: req.headers.host ?? '',
    });
    if (credential) headers[credential[0]] = credential[1];
    const base = upstream.pathname.endsWith('/') ? upstream.pathname.slice(0, -1) : upstream.pathname;
    const path = `${base}/${pathname.slice(route.prefix.length)}${url.search}`;

    let waitingForDrain = false;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => {
        controller = c;
        if (res.destroyed) c.abort(new Error('client closed'));
      },
      // Counted as undici writes it upstream (a 'data' listener of our own would start the flow
      // before undici listens, and lose what came first).
      onBodySent: (chunk) => void (state.bytesIn += chunk.length),
      onResponseStart: (_c, statusCode, parsed) => {
        state.upstreamSeconds = (performance.now() - started) / 1000;
        const out = clientResponseHeaders(parsed as Record<string, string | string[]>);
        const location = out.location;
        // The shim's own address, never the client's Host header: a redirect must not send the client elsewhere.
        if (typeof location === 'string') out.location = rewriteLocation(location, upstream, route.prefix, this.publicOrigin());
        res.writeHead(statusCode, out);
      },
      onResponseData: (c, chunk) => {
        state.bytesOut += chunk.length;
        // Backpressure: a client that reads slowly holds the upstream back.
        if (!res.write(chunk) && !waitingForDrain) {
          waitingForDrain = true;
          c.pause();
          res.once('drain', () => {
            waitingForDrain = false;
            c.resume();
          });
        }
      },
      onResponseEnd: () => {
        res.end();
      },
      onResponseError: (_c, error: Error & { code?: string }) => {
        if (res.destroyed) return; // the client left first: nothing to answer
        options.logger.warn('upstream error', { route: route.prefix, error: error.code ?? error.message });
        if (TIMEOUTS.has(error.code ?? '')) fail(504, 'upstream timed out', { route: route.prefix });
        else fail(502, 'upstream unreachable', { route: route.prefix });
      },
    };
    try {
      this.poolFor(route).dispatch({ origin: upstream.origin, method, path, headers, body: body ?? (hasBody ? req : null) }, handler);
    } catch (error) {
      // undici refuses some requests before sending anything (a header it will not send, say).
      handler.onResponseError!(null as never, error as Error);
    }
  }
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
