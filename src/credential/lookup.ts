// A secret asked of an HTTPS endpoint at use time (a vault, a broker), with headers whose values
// come from other secret references.
import { GatehouseError } from '../errors.ts';
import type { Env } from '../config/paths.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import { registerSecret } from '../log/redact.ts';
import { headerValue, type SourceAnswer } from './sources.ts';
import { ruleLabel } from './rule-label.ts';

export async function lookupSecret(rule: CredentialRuleConfig, env: Env, fetchImpl: typeof fetch = fetch): Promise<SourceAnswer> {
  const lookup = rule.lookup!;
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'gatehouse' };
  for (const [name, value] of Object.entries(lookup.headers)) headers[name] = headerValue(value, env, `rule ${ruleLabel(rule)} lookup header ${name}`);
  let response: Response;
  try {
    response = await fetchImpl(lookup.url, { headers, signal: AbortSignal.timeout(rule.timeout_seconds * 1000) });
  } catch (error) {
    throw new GatehouseError(`rule ${ruleLabel(rule)}: lookup at ${new URL(lookup.url).host} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new GatehouseError(`rule ${ruleLabel(rule)}: lookup answered HTTP ${response.status}`);
  let secret = text.trim();
  let expiresAt: number | undefined;
  if (lookup.field) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new GatehouseError(`rule ${ruleLabel(rule)}: lookup did not answer JSON`);
    }
    secret = typeof data[lookup.field] === 'string' ? (data[lookup.field] as string) : '';
    if (typeof data.expires_at === 'string') expiresAt = Math.floor(Date.parse(data.expires_at) / 1000);
  }
  if (!secret) throw new GatehouseError(`rule ${ruleLabel(rule)}: lookup answer has no ${lookup.field || 'body'}`);
  registerSecret(secret);
  const ttlEnd = Math.floor(Date.now() / 1000) + lookup.ttl_seconds;
  return { password: secret, expiresAt: expiresAt === undefined ? ttlEnd : Math.min(expiresAt, ttlEnd) };
}
