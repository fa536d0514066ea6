// Tokens the gate signs itself (JWS, HS256, via jose): scoped to a repository and read/write
// for smart HTTP, to routes and methods for the shim, or one-time for an audited bypass.
// The signing key is gate.signing_key, else 32 random bytes in the state dir, 0600, made on first use.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { GatehouseError } from '../errors.ts';
import { assertPrivateFile, createPrivateFileOnce } from '../config/private-files.ts';
import { registerSecret } from '../log/redact.ts';
import type { Env } from '../config/paths.ts';
import { resolveSecretRef } from '../config/secret-ref.ts';

export const SIGNING_KEY_FILE = 'token-signing.key';
export const ISSUER = 'gatehouse';

/** peer: one gate replica fetching a mirror from another (peer-refresh.ts); minted only by gates. */
export type TokenKind = 'git' | 'shim' | 'bypass' | 'peer';

export interface TokenClaims {
  kind: TokenKind;
  /** git and bypass: the mirror name or a glob; shim: unused. */
  repo?: string;
  scope?: 'read' | 'write';
  routes?: string[];
  methods?: string[];
  reason?: string;
  jti: string;
  exp: number;
  iat: number;
}

/** What loadSigningKey needs of the loaded config. */
export interface SigningKeySource {
  stateDir: string;
  config: { gate: { signing_key: string } };
}

/**
 * The key the gate's tokens are signed and checked with: gate.signing_key (a secret reference,
 * so replicas behind one load balancer share one key), else 32 random bytes in the state dir,
 * 0600, made on first use.
 */
export function loadSigningKey(loaded: SigningKeySource, env: Env, create = true): Uint8Array {
  const reference = loaded.config.gate.signing_key;
  if (reference) {
    const key = Buffer.from(resolveSecretRef(reference, env, 'gate.signing_key').trim(), 'base64');
    if (key.length < 32) throw new GatehouseError('gate.signing_key: the key must be at least 32 bytes, base64-encoded', { hint: 'make one with: openssl rand -base64 32' });
    return key;
  }
  const file = join(loaded.stateDir, SIGNING_KEY_FILE);
  if (!existsSync(file)) {
    if (!create) throw new GatehouseError(`no token signing key at ${file}`, { hint: 'mint a token first (gatehouse token mint) to create it' });
    createPrivateFileOnce(file, `${randomBytes(32).toString('base64')}\n`);
  }
  assertPrivateFile(file, 'token signing key');
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export async function mintToken(key: Uint8Array, claims: Omit<TokenClaims, 'jti' | 'exp' | 'iat'>, ttlSeconds: number, now = Date.now()): Promise<{ token: string; claims: TokenClaims }> {
  const iat = Math.floor(now / 1000);
  const full: TokenClaims = { ...claims, jti: randomUUID(), iat, exp: iat + Math.max(1, Math.floor(ttlSeconds)) };
  const { jti, exp, iat: issued, ...custom } = full;
  const token = await new SignJWT(custom as Record<string, unknown>)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setJti(jti)
    .setIssuedAt(issued)
    .setExpirationTime(exp)
    .sign(key);
  registerSecret(token);
  return { token, claims: full };
}

export class TokenError extends Error {
  readonly status: 401 | 403;
  constructor(message: string, status: 401 | 403) {
    super(message);
    this.name = 'TokenError';
    this.status = status;
  }
}

/** Verifies signature, issuer and expiry; the caller checks kind and scope. */
export async function verifyToken(key: Uint8Array, token: string, now = Date.now()): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(now) });
    if (typeof payload.kind !== 'string' || typeof payload.jti !== 'string') throw new TokenError('token lacks kind or id', 401);
    return payload as unknown as TokenClaims;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new TokenError('token expired', 403);
    throw new TokenError('token invalid', 401);
  }
}

/** "30m", "2h", "7d", "90s" or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new GatehouseError(`invalid duration ${JSON.stringify(text)}`, { hint: 'use e.g. 90s, 30m, 2h or 7d' });
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as const)[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}
