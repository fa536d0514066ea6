// Who may use the shim: by default a gatehouse-signed shim token whose scopes name the route and
// method; on a unix socket, or for loopback clients with --trust-loopback, the socket itself.
import type { Store } from '../store/factory.ts';
import { TokenError, verifyToken, type TokenClaims } from '../credential/tokens.ts';
import { REVOKED_NAMESPACE } from '../gate/token-checks.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Verified claims by the exact token string, until the token's own expiry. Checking a JWS
 * signature costs about 100 us of CPU (jose, through WebCrypto); a client sends the same token on
 * every request. Only tokens that verified are kept (a bad token is checked, and refused, each
 * time), at most `max` of them, least recently used out first. Revocation is not cached: the
 * store is asked on every request (about 10 us), so a revoked token is refused from the next
 * request on.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, TokenClaims>();
  private readonly max: number;
  private readonly now: () => number;

  constructor(max = 10_000, now: () => number = Date.now) {
    this.max = max;
    this.now = now;
  }

  get size(): number {
    return this.entries.size;
  }

  async verify(key: Uint8Array, token: string): Promise<TokenClaims> {
    const now = this.now();
    const cached = this.entries.get(token);
    if (cached) {
      this.entries.delete(token);
      // jose refuses a token at exp (exp <= now): the same bound here.
      if (cached.exp * 1000 > now) {
        this.entries.set(token, cached);
        return cached;
      }
    }
    const claims = await verifyToken(key, token, now);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
    return claims;
  }
}

/** Who the client is: a valid, unrevoked shim token (401 when there is none, 403 when it is not a shim token). */
export async function authenticateClient(options: { token: string | undefined; store: Store; key: Uint8Array; verified?: VerifiedTokens }): Promise<TokenClaims> {
  if (!options.token) throw new TokenError('a shim token is required (gatehouse token mint --shim --routes ...)', 401);
  // Expired and revoked tokens are both 401 here: the client must get a new one.
  let claims: TokenClaims;
  try {
    claims = options.verified ? await options.verified.verify(options.key, options.token) : await verifyToken(options.key, options.token);
  } catch (error) {
    if (error instanceof TokenError) throw new TokenError(error.message, 401);
    throw error;
  }
  if (await options.store.namespace(REVOKED_NAMESPACE).get(claims.jti)) throw new TokenError('token revoked', 401);
  if (claims.kind !== 'shim') throw new TokenError('not a shim token', 403);
  return claims;
}

/** The route prefixes a token may use ("*": all). */
export function allowsRoute(claims: TokenClaims, prefix: string): boolean {
  const routes = claims.routes ?? [];
  return routes.includes('*') || routes.includes(prefix);
}

/** What the token may do: 403 naming the route or method it does not allow. */
export function checkScope(claims: TokenClaims, prefix: string, method: string): void {
  if (!allowsRoute(claims, prefix)) throw new TokenError(`token does not allow route ${prefix}`, 403);
  const methods = claims.methods ?? ['GET'];
  if (!methods.includes('*') && !methods.includes(method)) throw new TokenError(`token does not allow ${method}`, 403);
}

export async function authorizeClient(options: {
  token: string | undefined;
  store: Store;
  key: Uint8Array;
  prefix: string;
  method: string;
  verified?: VerifiedTokens;
}): Promise<TokenClaims> {
  const claims = await authenticateClient(options);
  checkScope(claims, options.prefix, options.method);
  return claims;
}
