// The credential helper's logic for get, store and erase: the first matching rule answers a
// get from its source; store and erase touch only the encrypted store. The encrypted store is
// the last, implicit rule, so with no rule matching (or no rules) it behaves like git's
// credential-store over the encrypted store.
import type { LoadedConfig } from '../config/load.ts';
import { GatehouseError } from '../errors.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import type { Env } from '../config/paths.ts';
import type { Store } from '../store/factory.ts';
// The helper runs on every git operation: crypto, the store and the sources load only when a
// request needs them (import() below), so a get that no rule answers costs little more than a start.
import type { SecretBox } from './encryption.ts';
import type { CredentialStore } from './credential-store.ts';
import { describeTarget, type Credential } from './request.ts';
import type { SourceAnswer } from './sources.ts';
import type { MintOptions } from './minted-cache.ts';
import { ruleLabel } from './rule-label.ts';
import { matchRule, ruleMismatch } from './rule-match.ts';

export { matchRule };

export interface HelperContext {
  loaded: LoadedConfig;
  env: Env;
  /** readOnly: only Store#read will be used (see StoreOptions.readOnly). */
  openStore(options?: { readOnly?: boolean }): Promise<Store>;
  fetch?: typeof fetch;
  /**
   * Told why a get named a rule (GATEHOUSE_CREDENTIAL_RULE) and got no answer: the rule does not
   * cover the request. Never holds a secret.
   */
  refused?(reason: string): void | Promise<void>;
}

export interface Answer {
  username: string;
  password: string;
  passwordExpiryUtc?: string;
  oauthRefreshToken?: string;
  /** Which rule answered (for `credential test`); never sent to git. */
  rule: string;
}

async function secretBox(ctx: HelperContext, create: boolean): Promise<SecretBox | null> {
  const { createSecretBox, loadStoreKey } = await import('./encryption.ts');
  const c = ctx.loaded.config.credential;
  const key = loadStoreKey({ keyFile: c.key_file, keyEnv: c.key_env, stateDir: ctx.loaded.stateDir, env: ctx.env, create });
  return key ? createSecretBox(key) : null;
}

async function withCredentialStore<T>(ctx: HelperContext, create: boolean, fn: (store: CredentialStore) => Promise<T>): Promise<T | null> {
  const box = await secretBox(ctx, create);
  if (!box) return null; // nothing was ever stored
  const { CredentialStore } = await import('./credential-store.ts');
  return withStore(ctx, false, (store) => fn(new CredentialStore(store, box)));
}

async function withStore<T>(ctx: HelperContext, readOnly: boolean, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await ctx.openStore({ readOnly });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * A minted credential from the store's cache: first a read-only look (the usual case: no keyv,
 * no lock, nothing written), then, on a miss, the mint under the lock in a writable store.
 */
async function minted(ctx: HelperContext, cacheKey: string, options: MintOptions, mint: () => Promise<SourceAnswer>): Promise<SourceAnswer> {
  const box = (await secretBox(ctx, true))!;
  const { cachedMint, cachedMintHit } = await import('./minted-cache.ts');
  const hit = await withStore(ctx, true, (store) => cachedMintHit(store, box, cacheKey, options));
  return hit ?? withStore(ctx, false, (store) => cachedMint(store, box, cacheKey, options, mint));
}

/** The gate names the rule for a mirror's upstream (gatehouse.credential) through this variable. */
export const RULE_ENV = 'GATEHOUSE_CREDENTIAL_RULE';

export async function credentialGet(request: Credential, ctx: HelperContext): Promise<Answer | null> {
  const rules = ctx.loaded.config.credential.rule;
  const named = ctx.env[RULE_ENV];
  if (named) {
    const rule = rules.find((r) => r.name === named);
    if (!rule) throw new GatehouseError(`no credential rule named ${named}`, { hint: 'add [[credential.rule]] with that name to gatehouse.toml' });
    // Naming a rule picks it; it does not widen it. git asks for whatever host it is talking to,
    // and that may not be the upstream the rule was written for (a redirect, a rewritten URL).
    const mismatch = ruleMismatch(rule, request);
    if (mismatch) {
      await ctx.refused?.(`credential rule ${named} (named by ${RULE_ENV}) does not cover ${describeTarget(request)}: ${mismatch}; answering nothing`);
      return null;
    }
    // The gate sends the path (credential.useHttpPath) so the rule's path can be checked; the
    // store is asked as before, by host, since entries stored with `credential login` have none.
    if (rule.source === 'store') return storeAnswer({ ...request, path: '' }, ctx, rule);
    return sourceAnswer(rule, request, ctx);
  }
  // The encrypted store is the last, implicit rule: what `credential login` or git stored keeps
  // answering for hosts no rule covers.
  const rule = matchRule(rules, request);
  if (!rule || rule.source === 'store') return storeAnswer(request, ctx, rule);
  return sourceAnswer(rule, request, ctx);
}

/**
 * A rule's answer without matching it against a request: for callers that bind a rule to an
 * upstream in gatehouse's own config (a shim route), not for anything git asks.
 */
export async function answerFromRule(rule: CredentialRuleConfig, request: Credential, ctx: HelperContext): Promise<Answer | null> {
  if (rule.source === 'store') return storeAnswer(request, ctx, rule);
  return sourceAnswer(rule, request, ctx);
}

/** git credential-store ignores requests without a protocol and a host (or path): so do get, store and erase here. */
function addressable(request: Credential): boolean {
  return request.protocol !== '' && (request.host !== '' || request.path !== '');
}

async function storeAnswer(request: Credential, ctx: HelperContext, rule: CredentialRuleConfig | null): Promise<Answer | null> {
  if (!addressable(request)) return null;
  const box = await secretBox(ctx, false);
  if (!box) return null; // nothing was ever stored
  const { CredentialStore } = await import('./credential-store.ts');
  const entry = await withStore(ctx, true, (store) => new CredentialStore(store, box).find(request));
  if (!entry) return null;
  return {
    username: entry.username,
    password: entry.password,
    ...(entry.passwordExpiryUtc ? { passwordExpiryUtc: entry.passwordExpiryUtc } : {}),
    ...(entry.oauthRefreshToken ? { oauthRefreshToken: entry.oauthRefreshToken } : {}),
    rule: rule ? ruleLabel(rule) : ctx.loaded.config.credential.rule.length ? 'encrypted store (no rule matched)' : 'encrypted store (no rules configured)',
  };
}

async function sourceAnswer(rule: CredentialRuleConfig, request: Credential, ctx: HelperContext): Promise<Answer> {
  const answer = await fromSource(rule, request, ctx);
  return {
    username: rule.username || request.username || defaultUsername(rule),
    password: answer.password,
    ...(answer.expiresAt ? { passwordExpiryUtc: String(answer.expiresAt) } : {}),
    rule: ruleLabel(rule),
  };
}

function defaultUsername(rule: CredentialRuleConfig): string {
  return rule.source === 'gatehouse-token' ? 'gatehouse' : 'x-access-token';
}

async function fromSource(rule: CredentialRuleConfig, request: Credential, ctx: HelperContext): Promise<SourceAnswer> {
  switch (rule.source) {
    case 'env':
      return (await import('./sources.ts')).fromEnv(rule, ctx.env);
    case 'file':
      return (await import('./sources.ts')).fromFile(rule);
    case 'command':
      return (await import('./sources.ts')).fromCommand(rule, request, ctx.env);
    case 'github-app': {
      const { githubAppCacheKey, mintInstallationToken } = await import('./github-app.ts');
      const app = rule.github_app!;
      return minted(ctx, githubAppCacheKey(app), { refreshBeforeSeconds: 300 }, () => mintInstallationToken(app, ctx.fetch));
    }
    case 'lookup': {
      const { lookupSecret } = await import('./lookup.ts');
      return minted(ctx, `lookup:${rule.lookup!.url}`, { refreshBeforeSeconds: 0 }, () => lookupSecret(rule, ctx.env, ctx.fetch));
    }
    case 'gatehouse-token': {
      const { loadSigningKey, mintToken } = await import('./tokens.ts');
      const t = rule.token ?? { scope: 'read' as const, repo: '*', routes: [], ttl_seconds: 3600 };
      const kind = t.routes.length ? 'shim' : 'git';
      const minted = await mintToken(loadSigningKey(ctx.loaded, ctx.env), { kind, repo: t.repo, scope: t.scope, ...(t.routes.length ? { routes: t.routes } : {}) }, t.ttl_seconds);
      return { password: minted.token, expiresAt: minted.claims.exp };
    }
    case 'store':
      throw new Error('unreachable');
  }
}

/** store: only into the encrypted store, and only for requests the store answers. */
export async function credentialStore(request: Credential, ctx: HelperContext): Promise<boolean> {
  // git stores only a complete credential (both username= and password= sent) and never an ephemeral one.
  if (!addressable(request) || !request.present.username || !request.present.password || request.ephemeral) return false;
  // A rule with another source owns its hosts; anything else goes to the store (the last rule).
  const rule = matchRule(ctx.loaded.config.credential.rule, request);
  if (rule && rule.source !== 'store') return false;
  await withCredentialStore(ctx, true, (store) => store.save(request));
  return true;
}

/** erase: only from the encrypted store; minted credentials simply expire. */
export async function credentialErase(request: Credential, ctx: HelperContext): Promise<number> {
  // A blank pattern would match every entry: erase nothing, as git's credential-store does.
  if (!addressable(request)) return 0;
  const rule = matchRule(ctx.loaded.config.credential.rule, request);
  if (rule && rule.source !== 'store') return 0;
  return (await withCredentialStore(ctx, false, (store) => store.erase(request))) ?? 0;
}
