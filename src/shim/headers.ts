// Header hygiene between client, shim and upstream: nothing the client sent about credentials,
// hops or cookies goes on, and nothing hop-specific comes back.

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);
// The shim answers Expect: 100-continue itself (Node's server does), so it is not passed on.
const ANSWERED_HERE = new Set(['expect']);
const FORWARDED = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip']);

export interface RequestHeaderPolicy {
  tokenHeader: string;
  stripCookies: boolean;
  forwarded: 'strip' | 'set';
}

/** Headers named in Connection are hop-by-hop for this message too (RFC 9110 7.6.1). */
function connectionNamed(connection: string | string[] | undefined): Set<string> {
  const value = Array.isArray(connection) ? connection.join(',') : (connection ?? '');
  return new Set(value.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
}

export function upstreamRequestHeaders(
  raw: string[],
  policy: RequestHeaderPolicy,
  upstream: URL,
  client: { ip: string; proto: string; host: string },
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') for (const n of connectionNamed(raw[i + 1])) named.add(n);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (HOP_BY_HOP.has(name) || named.has(name) || FORWARDED.has(name) || ANSWERED_HERE.has(name)) continue;
    if (name === 'authorization' || name === 'host' || name === policy.tokenHeader) continue;
    if (name === 'cookie' && policy.stripCookies) continue;
    if (name === '__proto__') continue; // not a header anyone needs, and not a key to assign
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  out.host = upstream.host;
  if (policy.forwarded === 'set') {
    out['x-forwarded-for'] = client.ip;
    out['x-forwarded-proto'] = client.proto;
    out['x-forwarded-host'] = client.host;
  }
  return out;
}

/** The upstream's response headers (as undici parses them: lower-case names) minus the hop-by-hop ones. */
export function clientResponseHeaders(parsed: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connection = parsed.connection;
  const named = connection === undefined ? null : connectionNamed(connection);
  for (const name of Object.keys(parsed)) {
    if (HOP_BY_HOP.has(name) || named?.has(name) || name === '__proto__') continue;
    const value = parsed[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * A redirect to the same upstream comes back through the shim (so the credential is injected
 * again); any other Location is passed on untouched and the shim never follows it.
 */
export function rewriteLocation(location: string, upstream: URL, prefix: string, shimOrigin: string): string {
  let target: URL;
  try {
    target = new URL(location, upstream);
  } catch {
    return location;
  }
  if (target.origin !== upstream.origin) return location;
  const base = upstream.pathname.replace(/\/$/, '');
  if (!target.pathname.startsWith(`${base}/`) && target.pathname !== base) return location;
  return `${shimOrigin}${prefix}${target.pathname.slice(base.length + 1)}${target.search}`;
}

/**
 * Request shapes used for smuggling, refused outright: Content-Length with Transfer-Encoding,
 * Content-Length given twice, Transfer-Encoding other than chunked, and raw header counts over the limit.
 */
export function smugglingProblem(raw: string[], maxHeaders: number): string | null {
  if (raw.length / 2 > maxHeaders) return `more than ${maxHeaders} headers`;
  let lengths = 0;
  let te: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'content-length') lengths++;
    if (name === 'transfer-encoding') te = te === null ? raw[i + 1]!.trim().toLowerCase() : 'repeated';
  }
  if (lengths > 1) return 'Content-Length given more than once';
  if (te !== null && lengths) return 'both Content-Length and Transfer-Encoding';
  if (te !== null && te !== 'chunked') return `Transfer-Encoding ${te} is not accepted`;
  return null;
}

/** Query values out of a logged path: names stay, values go. */
export function redactQuery(path: string): string {
  const q = path.indexOf('?');
  if (q === -1) return path;
  const params = path.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    return eq === -1 ? p : `${p.slice(0, eq)}=REDACTED`;
  });
  return `${path.slice(0, q)}?${params.join('&')}`;
}
