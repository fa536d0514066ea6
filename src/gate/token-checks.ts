// Checks of gate-signed tokens beyond the signature: revocation, the repository and scope a
// smart-HTTP request needs, and one-time use of a bypass token.
import type { Store } from '../store/factory.ts';
import { globMatches } from '../config/glob.ts';
import { TokenError, verifyToken, type TokenClaims } from '../credential/tokens.ts';

export const REVOKED_NAMESPACE = 'revoked-tokens';

/** Revoked until the token's expiry; with no expiry known (revoked by id alone), for good. */
export async function revokeToken(store: Store, jti: string, exp: number | null): Promise<void> {
  const revoked = store.namespace(REVOKED_NAMESPACE);
  if (exp === null) await revoked.set(jti, true);
  else await revoked.set(jti, true, Math.max(1000, exp * 1000 - Date.now()));
}

export async function verifyGateToken(store: Store, key: Uint8Array, token: string): Promise<TokenClaims> {
  const claims = await verifyToken(key, token);
  if (await store.namespace(REVOKED_NAMESPACE).get(claims.jti)) throw new TokenError('token revoked', 401);
  return claims;
}

export function repoMatches(claims: TokenClaims, repo: string): boolean {
  const pattern = claims.repo ?? '';
  return pattern === '*' || pattern === repo || globMatches(pattern, repo);
}

/** For smart HTTP: the token must be a git token for this repository with enough scope. */
export function checkGitAccess(claims: TokenClaims, repo: string, write: boolean): void {
  if (claims.kind === 'peer') {
    // Another replica copying this mirror: read only, that mirror only.
    if (write || claims.repo !== repo) throw new TokenError(`peer token is for reading ${claims.repo ?? '?'} only`, 403);
    return;
  }
  if (claims.kind !== 'git') throw new TokenError('not a git access token', 403);
  if (!repoMatches(claims, repo)) throw new TokenError(`token is not valid for ${repo}`, 403);
  if (write && claims.scope !== 'write') throw new TokenError('token is read-only; pushing needs a write token', 403);
}

/** A bypass token works once: the first use takes a lock that lives until the token expires. */
export async function claimBypass(store: Store, claims: TokenClaims, repo: string): Promise<void> {
  if (claims.kind !== 'bypass') throw new TokenError('not a bypass token', 403);
  if (!repoMatches(claims, repo)) throw new TokenError(`bypass token is not valid for ${repo}`, 403);
  const ttlMs = claims.exp * 1000 - Date.now();
  const lock = await store.locks.acquire(`bypass-used:${claims.jti}`, { ttlMs: Math.max(1000, ttlMs) });
  if (!lock) throw new TokenError('bypass token was already used', 403);
}
