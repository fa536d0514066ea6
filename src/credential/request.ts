// A credential request or answer in git's terms, from and to the wire attributes.
import type { CredentialAttributes } from './protocol.ts';

export interface Credential {
  protocol: string;
  host: string;
  path: string;
  username: string;
  password: string;
  passwordExpiryUtc: string;
  oauthRefreshToken: string;
  wwwauth: string[];
  capability: string[];
  authtype: string;
  credential: string;
  ephemeral: boolean;
  state: string[];
}

/** Reads attributes as git does: url= is split into its parts; a later attribute wins over url's part. */
export function fromAttributes(attrs: CredentialAttributes): Credential {
  const one = (key: string) => attrs.get(key)?.at(-1) ?? '';
  const c: Credential = {
    protocol: '',
    host: '',
    path: '',
    username: '',
    password: '',
    passwordExpiryUtc: one('password_expiry_utc'),
    oauthRefreshToken: one('oauth_refresh_token'),
    wwwauth: attrs.get('wwwauth') ?? [],
    capability: attrs.get('capability') ?? [],
    authtype: one('authtype'),
    credential: one('credential'),
    ephemeral: one('ephemeral') === 'true' || one('ephemeral') === '1',
    state: attrs.get('state') ?? [],
  };
  // git applies attributes in order; url= sets several fields at once.
  for (const [key, values] of attrs) {
    for (const value of values) {
      if (key === 'url') Object.assign(c, splitUrl(value));
      else if (key === 'protocol') c.protocol = value;
      else if (key === 'host') c.host = value;
      else if (key === 'path') c.path = value;
      else if (key === 'username') c.username = value;
      else if (key === 'password') c.password = value;
    }
  }
  return c;
}

/** url=https://user:pass@host:port/path -> parts, as git's credential_from_url does. */
export function splitUrl(url: string): Partial<Credential> {
  const m = /^([^:/?#]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?/.exec(url);
  if (!m) return {};
  const out: Partial<Credential> = { protocol: m[1]!, host: decodeURIComponent(m[3] ?? ''), path: m[4] ? decodeURIComponent(m[4]) : '' };
  if (m[2] !== undefined) {
    const colon = m[2].indexOf(':');
    out.username = decodeURIComponent(colon === -1 ? m[2] : m[2].slice(0, colon));
    if (colon !== -1) out.password = decodeURIComponent(m[2].slice(colon + 1));
  }
  return out;
}

export function describeTarget(c: Pick<Credential, 'protocol' | 'host' | 'path'>): string {
  return `${c.protocol || '?'}://${c.host}${c.path ? `/${c.path}` : ''}`;
}
