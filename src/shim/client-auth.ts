// Who may use the shim: by default a gatehouse-signed shim token whose scopes name the route and
// method; on a unix socket, or for loopback clients with --trust-loopback, the socket itself.
import type { Store } from '../store/factory.ts';
import { TokenError, type TokenClaims } from '../credential/tokens.ts';
import { verifyGateToken } from '../gate/token-checks.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export async function authorizeClient(options: { token: string | undefined; store: Store; key: Uint8Array; prefix: string; method: string }): Promise<TokenClaims> {
  if (!options.token) throw new TokenError('a shim token is required (gatehouse token mint --shim --routes ...)', 401);
  // Expired and revoked tokens are both 401 here: the client must get a new one.
  let claims: TokenClaims;
  try {
    claims = await verifyGateToken(options.store, options.key, options.token);
  } catch (error) {
    if (error instanceof TokenError) throw new TokenError(error.message, 401);
    throw error;
  }
  if (claims.kind !== 'shim') throw new TokenError('not a shim token', 403);
  const routes = claims.routes ?? [];
  if (!routes.includes('*') && !routes.includes(options.prefix)) throw new TokenError(`token does not allow route ${options.prefix}`, 403);
  const methods = claims.methods ?? ['GET'];
  if (!methods.includes('*') && !methods.includes(options.method)) throw new TokenError(`token does not allow ${options.method}`, 403);
  return claims;
}
