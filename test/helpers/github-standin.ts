// A stand-in for GitHub's "create an installation access token" endpoint on 127.0.0.1: it
// verifies the app JWT (RS256, iss = the app id, exp no more than 10 minutes ahead) against the
// app's public key, records the narrowing asked for, and issues tokens with an expires_at.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

export interface AppKeys {
  /** PKCS#1 PEM, as GitHub hands it out. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateAppKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export function writePrivateKey(file: string, keys: AppKeys): string {
  writeFileSync(file, keys.privateKeyPem, { mode: 0o600 });
  return file;
}

export interface MintRequest {
  installationId: number;
  body: Record<string, unknown>;
  jwt: { iss: unknown; iat: unknown; exp: unknown };
  token: string;
  expiresAt: string;
}

export interface GithubStandIn {
  url: string;
  /** Successful mints, in order. */
  mints: MintRequest[];
  /** Requests refused, with why. */
  refusals: string[];
  /** Seconds from now that issued tokens expire in; may be negative. */
  tokenLifetimeSeconds: number;
  /** Delay before answering a mint, to widen races. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startGithubStandIn(options: { appId: number | string; installationId: number; publicKeyPem: string; tokenLifetimeSeconds?: number; delayMs?: number }): Promise<GithubStandIn> {
  const publicKey = await importSPKI(options.publicKeyPem, 'RS256');
  const state: GithubStandIn = {
    url: '',
    mints: [],
    refusals: [],
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    delayMs: options.delayMs ?? 0,
    close: async () => {},
  };
  const refuse = (res: import('node:http').ServerResponse, status: number, why: string) => {
    state.refusals.push(why);
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: why }));
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      void (async () => {
        const m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) return refuse(res, 404, `not found: ${req.method} ${req.url}`);
        if (Number(m[1]) !== options.installationId) return refuse(res, 404, `no installation ${m[1]}`);
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ')) return refuse(res, 401, 'no bearer JWT');
        let payload;
        try {
          ({ payload } = await jwtVerify(auth.slice(7), publicKey, { algorithms: ['RS256'], issuer: String(options.appId) }));
        } catch (error) {
          return refuse(res, 401, `JWT rejected: ${(error as Error).message}`);
        }
        const now = Math.floor(Date.now() / 1000);
        if (typeof payload.exp !== 'number' || payload.exp > now + 600) return refuse(res, 401, 'JWT exp is more than 10 minutes ahead');
        if (typeof payload.iat !== 'number' || payload.iat > now + 60) return refuse(res, 401, 'JWT iat is in the future');
        let body: Record<string, unknown>;
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          return refuse(res, 400, 'body is not JSON');
        }
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        const expiresAt = new Date((now + state.tokenLifetimeSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        state.mints.push({ installationId: Number(m[1]), body, jwt: { iss: payload.iss, iat: payload.iat, exp: payload.exp }, token, expiresAt });
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({ token, expires_at: expiresAt, permissions: body.permissions ?? { metadata: 'read' }, repository_selection: body.repositories ? 'selected' : 'all' }),
        );
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return state;
}

/** A [[credential.rule]] for the stand-in. */
export function githubAppRule(options: { host: string; appId: number | string; installationId: number; privateKeyFile: string; apiUrl: string; repositories?: string[]; permissions?: Record<string, string> }): string {
  const perms = Object.entries(options.permissions ?? {}).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
  return `[[credential.rule]]
host = ${JSON.stringify(options.host)}
source = "github-app"
[credential.rule.github_app]
app_id = ${typeof options.appId === 'number' ? options.appId : JSON.stringify(options.appId)}
private_key_file = ${JSON.stringify(options.privateKeyFile)}
installation_id = ${options.installationId}
repositories = ${JSON.stringify(options.repositories ?? [])}
permissions = { ${perms} }
api_url = ${JSON.stringify(options.apiUrl)}
`;
}
