// gatehouse token mint | revoke | verify
import type { Argv } from 'yargs';
import { GatehouseError } from '../errors.ts';
import { loadSigningKey, mintToken, parseDuration, verifyToken, type TokenClaims, type TokenKind } from '../credential/tokens.ts';
import { listMirrors } from '../gate/mirrors.ts';
import { repoMatches, revokeToken, verifyGateToken } from '../gate/token-checks.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';

interface TokenArgs {
  action: 'mint' | 'revoke' | 'verify';
  token?: string;
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
      .positional('token', { type: 'string', describe: 'revoke/verify: the token (or - to read it from stdin)' })
      .option('repo', { type: 'string', describe: 'mint: mirror name or glob the token is for' })
      .option('scope', { choices: ['read', 'write'] as const, default: 'read' as const, describe: 'mint: read (clone, fetch) or write (also push)' })
      .option('ttl', { type: 'string', describe: 'mint: lifetime, e.g. 30m, 8h, 7d (default 1h; bypass 15m)' })
      .option('shim', { type: 'boolean', default: false, describe: 'mint a shim client token (with --routes, --methods)' })
      .option('routes', { type: 'string', array: true, describe: 'mint --shim: route prefixes allowed' })
      .option('methods', { type: 'string', array: true, describe: 'mint --shim: HTTP methods allowed (default GET)' })
      .option('bypass', { type: 'boolean', default: false, describe: 'mint a one-time scan bypass for --repo (git push -o gatehouse.bypass=TOKEN)' })
      .option('reason', { type: 'string', describe: 'mint --bypass: why (recorded in the audit log)' })
      .example('$0 token mint --repo app --scope write --ttl 8h', 'clone, fetch and push app over smart HTTP for 8 hours')
      .example('$0 token mint --bypass --repo app --reason "fake key in a test fixture"', 'one push skips the scan, audited'),
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
        loadSigningKey(loaded.stateDir),
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
    const token = args.token === '-' || !args.token ? (await readStdin(ctx.io.stdin)).trim() : args.token;
    if (!token) throw new GatehouseError('give the token as an argument or on stdin');
    const key = loadSigningKey(loaded.stateDir, false);
    const store = await openConfiguredStore(loaded, ctx.io.env);
    try {
      if (args.action === 'revoke') {
        const claims = await verifyToken(key, token);
        await revokeToken(store, claims.jti, claims.exp);
        ctx.io.stdout.write(`revoked ${claims.kind} token ${claims.jti}\n`);
        return 0;
      }
      const claims = await verifyGateToken(store, key, token);
      if (ctx.flags.json) writeJson(ctx, claims);
      else ctx.io.stdout.write(`valid ${claims.kind} token ${claims.jti}${claims.repo ? ` for ${claims.repo}` : ''}${claims.scope ? ` (${claims.scope})` : ''}, expires ${new Date(claims.exp * 1000).toISOString()}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});

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
