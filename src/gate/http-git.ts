// Smart HTTP for the mirrors at /git/<name>: the real `git http-backend` behind bearer-token
// auth per repository and action. Tokens are gate-signed JWS (gatehouse token mint): none is
// 401; another repository, too little scope, expired or revoked is 403. Clones refresh the
// mirror first, as over git://; pushes meet the same pre-receive gate.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedConfig } from '../config/load.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { appendQuietly } from '../audit/trail.ts';
import { rateLimitsFromConfig, TokenRateLimiter, type Admission } from '../net/rate-limit.ts';
import type { Store } from '../store/factory.ts';
import { TokenError } from '../credential/tokens.ts';
import { decideAccess } from './access-hook.ts';
import { runCgi } from './cgi.ts';
import { isBareRepository } from './hooks.ts';
import { mirrorPath, mirrorsDir, validateMirrorName } from './mirrors.ts';
import { checkGitAccess, verifyGateToken } from './token-checks.ts';

export interface GitHttpOptions {
  loaded: LoadedConfig;
  store: Store;
  signingKey: Uint8Array;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  prefix: string;
}

const ROUTE = /^(.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export function tokenFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? null : decoded.slice(colon + 1) || null;
  }
  return null;
}

export function createGitHttpHandler(options: GitHttpOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const log = options.logger.child({ role: 'smart-http' });
  const limiter = new TokenRateLimiter(options.store, rateLimitsFromConfig(options.loaded.config.rate_limit));
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gate');
    const path = url.pathname.slice(options.prefix.length).replace(/^\/+/, '');
    const match = ROUTE.exec(path);
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(`${message}\n`);
    };
    // 503 and never 401: a 401 makes git ask for credentials and then say "Authentication failed".
    const storeUnreachable = (error: unknown) => {
      log.error('state store unreachable', { repo: match?.[1], error: errorMessage(error) });
      return fail(503, `gatehouse: the gate's state store (${options.store.location}) is unreachable; try again later`, { 'Retry-After': '5' });
    };
    if (!match) return fail(404, 'not found: smart HTTP lives at /git/<mirror>/info/refs');
    let name: string;
    try {
      name = validateMirrorName(match[1]!);
    } catch {
      return fail(404, 'not found');
    }
    const action = match[2]!;
    const service = action === 'info/refs' ? url.searchParams.get('service') : action;
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack') return fail(403, 'only smart HTTP (git-upload-pack, git-receive-pack) is served');
    if (action !== 'info/refs' && req.method !== 'POST') return fail(405, 'method not allowed');

    const token = tokenFromAuthorization(req.headers.authorization);
    if (!token) return fail(401, 'authentication required: a gatehouse token (gatehouse token mint --repo NAME)', { 'WWW-Authenticate': 'Basic realm="gatehouse"' });
    let jti = '';
    let peer = false;
    try {
      const claims = await verifyGateToken(options.store, options.signingKey, token);
      checkGitAccess(claims, name, service === 'git-receive-pack');
      jti = claims.jti;
      peer = claims.kind === 'peer';
    } catch (error) {
      // Anything but a TokenError came from the store (the revocation check): an outage, not a bad credential.
      if (!(error instanceof TokenError)) return storeUnreachable(error);
      log.warn('refused', { repo: name, service, status: error.status, reason: errorMessage(error) });
      await appendQuietly(options.store.audit, { kind: 'token.refused', mirror: name, service, status: error.status, why: errorMessage(error), ip: req.socket.remoteAddress ?? '' }, log);
      return fail(error.status, `gatehouse: ${errorMessage(error)}`, error.status === 401 ? { 'WWW-Authenticate': 'Basic realm="gatehouse"' } : {});
    }

    const gitDir = mirrorPath(options.loaded.stateDir, name);
    if (!isBareRepository(gitDir)) return fail(404, `gatehouse: no mirror named ${name}`);
    // A peer replica copies this mirror as it is: refreshing it first could wait on the lock that peer holds.
    if (action === 'info/refs' && service === 'git-upload-pack' && !peer) {
      let decision;
      try {
        decision = await decideAccess({ service: 'upload-pack', path: gitDir, host: '', ip: req.socket.remoteAddress ?? '' }, options.loaded, options.store, options.env, options.logger);
      } catch (error) {
        if (!(await options.store.ping().then(() => true, () => false))) return storeUnreachable(error);
        throw error;
      }
      if (!decision.allow) return fail(503, decision.message);
    }
    if (limiter.active) {
      let admission: Admission;
      try {
        admission = await limiter.admit(jti);
      } catch (error) {
        return storeUnreachable(error);
      }
      if (!admission.allowed) {
        log.warn('rate limited', { repo: name, service, token: jti, reason: admission.reason });
        await appendQuietly(options.store.audit, { kind: 'token.refused', mirror: name, service, status: 429, jti, why: admission.reason, ip: req.socket.remoteAddress ?? '' }, log);
        return fail(429, `gatehouse: rate limit: ${admission.reason}; retry in ${admission.retryAfterSeconds} s`, { 'Retry-After': String(admission.retryAfterSeconds) });
      }
      const socket = req.socket;
      const [readBefore, writtenBefore] = [socket.bytesRead, socket.bytesWritten];
      res.once('close', () => {
        const moved = socket.bytesRead - readBefore + (socket.bytesWritten - writtenBefore);
        limiter.charge(jti, moved).catch((error: unknown) => log.warn('rate limit: could not count bytes', { token: jti, error: errorMessage(error) }));
      });
    }
    log.info('serving', { repo: name, service, token: jti });
    // Written before the answer, so the trail never lags what a client saw.
    await appendQuietly(options.store.audit, { kind: 'token.used', mirror: name, service, jti, ip: req.socket.remoteAddress ?? '' }, log);
    runCgi(req, res, 'git', ['http-backend'], {
      ...options.env,
      GIT_PROJECT_ROOT: mirrorsDir(options.loaded.stateDir),
      PATH_INFO: `/${name}.git/${action}`,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: req.headers['content-length'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      // http-backend enables receive-pack for authenticated users.
      REMOTE_USER: `token:${jti}`,
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
    });
  };
}
