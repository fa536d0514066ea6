// GitHub App installation tokens: sign the app's JWT (RS256) with its private key, and ask the
// API for an installation token narrowed to the configured repositories and permissions.
// jose and node:crypto load only to mint: a cached token (the usual get) needs neither.
import { readFileSync } from 'node:fs';
import { GatehouseError } from '../errors.ts';
import { assertPrivateFile } from '../config/private-files.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import { registerSecret } from '../log/redact.ts';
import type { SourceAnswer } from './sources.ts';

type AppConfig = NonNullable<CredentialRuleConfig['github_app']>;

/**
 * The mint cache's key: everything that narrows the token, in a canonical order. Plain text
 * rather than a hash, so a cache hit does not load node:crypto; none of it is secret.
 */
export function githubAppCacheKey(app: AppConfig): string {
  const permissions = Object.entries(app.permissions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `github-app:${JSON.stringify([String(app.app_id), app.installation_id, [...app.repositories].sort(), permissions, app.api_url])}`;
}

export async function appJwt(app: AppConfig, now = Date.now()): Promise<string> {
  assertPrivateFile(app.private_key_file, 'GitHub App private key');
  const pem = readFileSync(app.private_key_file, 'utf8');
  const [{ importPKCS8, SignJWT }, { createPrivateKey }] = await Promise.all([import('jose'), import('node:crypto')]);
  // GitHub hands out PKCS#1 ("BEGIN RSA PRIVATE KEY"); jose wants PKCS#8.
  const pkcs8 = createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString();
  const key = await importPKCS8(pkcs8, 'RS256');
  const iat = Math.floor(now / 1000) - 60; // GitHub allows for clock drift this way
  return new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(String(app.app_id)).setIssuedAt(iat).setExpirationTime(iat + 540).sign(key);
}

export async function mintInstallationToken(app: AppConfig, fetchImpl: typeof fetch = fetch): Promise<SourceAnswer> {
  const jwt = await appJwt(app);
  const body: Record<string, unknown> = {};
  if (app.repositories.length) body.repositories = app.repositories;
  if (Object.keys(app.permissions).length) body.permissions = app.permissions;
  const url = `${app.api_url.replace(/\/$/, '')}/app/installations/${app.installation_id}/access_tokens`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${jwt}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'Content-Type': 'application/json', 'User-Agent': 'gatehouse' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new GatehouseError(`GitHub App token request to ${new URL(url).host} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new GatehouseError(`GitHub App token request failed: HTTP ${response.status} ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
  const data = JSON.parse(text) as { token?: string; expires_at?: string };
  if (!data.token || !data.expires_at) throw new GatehouseError('GitHub App token response lacks token or expires_at');
  registerSecret(data.token);
  return { password: data.token, expiresAt: Math.floor(Date.parse(data.expires_at) / 1000) };
}
