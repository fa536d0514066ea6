// gatehouse token mint | revoke | verify. A token is read from stdin or --token-file, never from
// argv, where every user of the machine sees it (ps, /proc); revoke also takes a token id.
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { EXIT_POLICY, GatehouseError, errorMessage } from '../errors.ts';
import { loadSigningKey, mintToken, parseDuration, TokenError, verifyToken, type TokenClaims, type TokenKind } from '../credential/tokens.ts';
import { listMirrors } from '../gate/mirrors.ts';
import { repoMatches, revokeToken, verifyGateToken } from '../gate/token-checks.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';

interface TokenArgs {
  action: 'mint' | 'revoke' | 'verify';
  token?: string;
  'token-file'?: string;
  repo?: string;
  scope: 'read' | 'write';
  ttl?: string;
  shim: boolean;
  bypass: boolean;
  routes?: string[];
  methods?: string[];
  reason?: string;
}

export const tokenCommand = defineCommand<TokenArgs>({
  command: 'token <action> [token]',
  describe: 'mint, verify or revoke gate-signed tokens (smart HTTP access, shim clients, one-time bypass)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['mint', 'revoke', 'verify'] as const, describe: 'mint a token, or revoke or verify one' })
      .positional('token', { type: 'string', describe: 'revoke: a token id (jti); the token itself is read from stdin or --token-file' })
      .option('token-file', { type: 'string', describe: 'revoke/verify: read the token from this file instead of stdin' })
      .option('repo', { type: 'string', describe: 'mint: mirror name or glob the token is for' })
      .option('scope', { choices: ['read', 'write'] as const, default: 'read' as const, describe: 'mint: read (clone, fetch) or write (also push)' })
      .option('ttl', { type: 'string', describe: 'mint: lifetime, e.g. 30m, 8h, 7d (default 1h; bypass 15m)' })
      .option('shim', { type: 'boolean', default: false, describe: 'mint a shim client token (with --routes, --methods)' })
      .option('routes', { type: 'string', array: true, describe: 'mint --shim: route prefixes allowed' })
      .option('methods', { type: 'string', array: true, describe: 'mint --shim: HTTP methods allowed (default GET)' })
      .option('bypass', { type: 'boolean', default: false, describe: 'mint a one-time scan bypass for --repo (git push -o gatehouse.bypass=TOKEN)' })
      .option('reason', { type: 'string', describe: 'mint --bypass: why (recorded in the audit log)' })
      .example('$0 token mint --repo app --scope write --ttl 8h', 'clone, fetch and push app over smart HTTP for 8 hours')
      .example('$0 token mint --bypass --repo app --reason "fake key in a test fixture"', 'one push skips the scan, audited')
      .example('$0 token verify < token.txt', 'exit 0 valid, 1 revoked, expired or not ours')
      .example('$0 token revoke 0f9c...-uuid', 'by token id (from mint, verify or the logs)'),
  async run(ctx, args) {
    const loaded = ctx.config();
    if (args.action === 'mint') {
      let kind: TokenKind = 'git';
      if (args.shim && args.bypass) throw new GatehouseError('choose one of --shim and --bypass');
      if (args.shim) kind = 'shim';
      if (args.bypass) kind = 'bypass';
      if (kind !== 'shim' && !args.repo) throw new GatehouseError('--repo is needed', { hint: 'the mirror name the token opens, e.g. --repo app (globs like org/* work)' });
      if (kind === 'bypass' && !args.reason) throw new GatehouseError('--reason is needed for a bypass: it goes into the audit log');
      if (kind === 'shim' && !args.routes?.length) throw new GatehouseError('--routes is needed for a shim token', { hint: '--routes /github/ /npm/' });
      // Smart HTTP serves the mirrors in the state dir only; a bypass may be for a repository
      // gated by install-hooks, which no list holds.
      if (kind === 'git') await refuseUnknownMirror(loaded.stateDir, args.repo!, ctx.childEnv());
      const ttl = parseDuration(args.ttl ?? (kind === 'bypass' ? '15m' : '1h'));
      const maxTtl = parseDuration(loaded.config.gate.max_token_ttl);
      if (ttl > maxTtl) {
        throw new GatehouseError(`--ttl ${args.ttl} is longer than gate.max_token_ttl (${loaded.config.gate.max_token_ttl})`, {
          exitCode: 1,
          hint: 'mint a shorter-lived token, or raise gate.max_token_ttl in gatehouse.toml',
        });
      }
      const { token, claims } = await mintToken(
        loadSigningKey(loaded, ctx.io.env),
        {
          kind,
          ...(args.repo ? { repo: args.repo } : {}),
          ...(kind === 'git' ? { scope: args.scope } : {}),
          ...(kind === 'shim' ? { routes: args.routes!, methods: (args.methods ?? ['GET']).map((m) => m.toUpperCase()) } : {}),
          ...(kind === 'bypass' ? { reason: args.reason! } : {}),
        },
        ttl,
      );
      if (ctx.flags.json) writeJson(ctx, { token, claims });
      else {
        ctx.io.stdout.write(`${token}\n`);
        ctx.io.stderr.write(`${kind} token ${claims.jti}, expires ${new Date(claims.exp * 1000).toISOString()}\n`);
      }
      return 0;
    }
    const byId = args.token !== undefined && args.token !== '-' ? args.token : null;
    if (byId !== null && (args.action === 'verify' || !TOKEN_ID.test(byId))) {
      // Never echoed: it may be the token itself.
      throw new GatehouseError(`${args.action} reads the token from stdin or --token-file, never from an argument (every user sees argv)`, {
        hint: args.action === 'revoke' ? 'the argument of revoke is a token id (jti), e.g. from mint\'s output or the logs' : `gatehouse token ${args.action} < token.txt`,
      });
    }
    if (byId !== null && args['token-file']) throw new GatehouseError('give a token id or --token-file, not both');
    const key = loadSigningKey(loaded, ctx.io.env, false);
    const store = await openConfiguredStore(loaded, ctx.io.env);
    try {
      if (byId !== null) {
        await revokeToken(store, byId.toLowerCase(), null);
        ctx.io.stdout.write(`revoked token ${byId.toLowerCase()}\n`);
        return 0;
      }
      const token = await readToken(ctx.io.stdin, args['token-file']);
      let claims;
      try {
        claims = args.action === 'revoke' ? await verifyToken(key, token) : await verifyGateToken(store, key, token);
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        ctx.io.stderr.write(`gatehouse: ${args.action === 'revoke' ? 'nothing revoked: ' : ''}${errorMessage(error)}\n`);
        return EXIT_POLICY;
      }
      if (args.action === 'revoke') {
        await revokeToken(store, claims.jti, claims.exp);
        ctx.io.stdout.write(`revoked ${claims.kind} token ${claims.jti}\n`);
        return 0;
      }
      if (ctx.flags.json) writeJson(ctx, claims);
      else ctx.io.stdout.write(`valid ${claims.kind} token ${claims.jti}${claims.repo ? ` for ${claims.repo}` : ''}${claims.scope ? ` (${claims.scope})` : ''}, expires ${new Date(claims.exp * 1000).toISOString()}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});

/** A token id as mint makes them (a UUID). */
const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function readToken(stdin: NodeJS.ReadableStream, file: string | undefined): Promise<string> {
  let text: string;
  try {
    text = file ? readFileSync(file, 'utf8') : await readStdin(stdin);
  } catch (error) {
    throw new GatehouseError(`cannot read the token: ${errorMessage(error)}`);
  }
  const token = text.trim();
  if (!token) throw new GatehouseError(file ? `${file} holds no token` : 'nothing on stdin: the token was expected there', { hint: 'gatehouse token verify < token.txt, or --token-file token.txt' });
  return token;
}

/** A token for a mirror that does not exist (a typo, a glob matching none) would open nothing, or a mirror added later. */
async function refuseUnknownMirror(stateDir: string, repo: string, env: NodeJS.ProcessEnv): Promise<void> {
  const names = (await listMirrors(stateDir, env)).map((m) => m.name);
  if (names.some((name) => repoMatches({ repo } as TokenClaims, name))) return;
  throw new GatehouseError(`no mirror ${/[*?[]/.test(repo) ? 'matches' : 'named'} ${repo}`, {
    hint: names.length ? `mirrors: ${names.join(', ')} (gatehouse mirror list)` : 'add one first: gatehouse mirror add NAME UPSTREAM_URL',
  });
}

async function readStdin(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
