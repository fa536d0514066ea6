// A credential request or answer in git's terms, from and to the wire attributes.
import { CredentialProtocolError, type CredentialAttributes } from './protocol.ts';

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
  /** Whether username= and password= were sent at all (git stores nothing without both). */
  present: { username: boolean; password: boolean };
}

/** A credential with every field empty, then the given parts (for requests made inside gatehouse). */
export function blankCredential(parts: Partial<Credential> = {}): Credential {
  return {
    protocol: '', host: '', path: '', username: '', password: '', passwordExpiryUtc: '', oauthRefreshToken: '',
    wwwauth: [], capability: [], authtype: '', credential: '', ephemeral: false, state: [],
    present: { username: parts.username !== undefined, password: parts.password !== undefined },
    ...parts,
  };
}

/** git_config_bool's spellings. */
export function gitBool(value: string): boolean {
  return ['true', 'yes', 'on', '1'].includes(value.trim().toLowerCase());
}

/** Reads attributes as git does, in order: url= clears every field, then sets its parts; later lines win. */
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
    ephemeral: gitBool(one('ephemeral')),
    state: attrs.get('state') ?? [],
    present: { username: false, password: false },
  };
  for (const [key, value] of attrs.lines) {
    if (key === 'url') {
      const parts = splitUrl(value);
      if (parts.protocol === undefined) throw new CredentialProtocolError('url has no scheme');
      Object.assign(c, { protocol: '', host: '', path: '', username: '', password: '' }, parts);
      c.present = { username: parts.username !== undefined, password: parts.password !== undefined };
    } else if (key === 'protocol') c.protocol = value;
    else if (key === 'host') c.host = value;
    else if (key === 'path') c.path = value;
    else if (key === 'username') {
      c.username = value;
      c.present.username = true;
    } else if (key === 'password') {
      c.password = value;
      c.present.password = true;
    }
  }
  return c;
}

/** url=https://user:pass@host:port/path -> parts, as git's credential_from_url does. */
export function splitUrl(url: string): Partial<Credential> {
  const m = /^([^:/?#]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?/.exec(url);
  if (!m) return {};
  const out: Partial<Credential> = { protocol: m[1]!, host: decodeUrlPart(m[3] ?? '', 'host'), path: m[4] ? decodeUrlPart(m[4], 'path') : '' };
  if (m[2] !== undefined) {
    const colon = m[2].indexOf(':');
    out.username = decodeUrlPart(colon === -1 ? m[2] : m[2].slice(0, colon), 'username');
    if (colon !== -1) out.password = decodeUrlPart(m[2].slice(colon + 1), 'password');
  }
  return out;
}

/** Percent-decoding that refuses what would forge protocol lines (git's CVE-2020-5260 check). */
function decodeUrlPart(text: string, part: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw new CredentialProtocolError(`url has a malformed percent-encoding in its ${part}`);
  }
  if (/[\n\r\0]/.test(decoded)) throw new CredentialProtocolError(`url contains a newline or NUL in its ${part} component`);
  return decoded;
}

export function describeTarget(c: Pick<Credential, 'protocol' | 'host' | 'path'>): string {
  return `${c.protocol || '?'}://${c.host}${c.path ? `/${c.path}` : ''}`;
}
