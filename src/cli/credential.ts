// gatehouse credential get|store|erase (the helper protocol), login, logout, list, test
import type { Argv } from 'yargs';
import { GatehouseError } from '../errors.ts';
import { createSecretBox, loadStoreKey } from '../credential/encryption.ts';
import { CredentialStore, entryMatches, listEntries } from '../credential/credential-store.ts';
import { credentialGet, matchRule, RULE_ENV, type HelperContext } from '../credential/helper.ts';
import { blankCredential, describeTarget, splitUrl } from '../credential/request.ts';
import { runCredentialRole } from '../credential/role.ts';
import { ruleLabel } from '../credential/rule-label.ts';
import { runGit } from '../git/run.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { writeJson, type CommandContext } from './context.ts';
import { promptLine } from './prompt.ts';

interface CredentialArgs {
  action: string;
  target?: string;
  username?: string;
  protocol: string;
  rule?: string;
  all: boolean;
}

export const credentialCommand = defineCommand<CredentialArgs>({
  command: 'credential <action> [target]',
  describe: 'the git credential helper (get/store/erase), and login, list, test for people',
  builder: (y: Argv) =>
    y
      // No choices list: as a credential helper it must ignore actions it does not know.
      .positional('action', { type: 'string', describe: 'get, store, erase (git credential protocol on stdin), login HOST|URL, logout|remove HOST|URL (or --all), list, test URL' })
      .positional('target', { type: 'string', describe: 'login, logout: host (host:port) or URL; test: URL' })
      .option('username', { type: 'string', describe: 'login: the username (prompted when absent); logout: only this user\'s entry' })
      .option('protocol', { type: 'string', default: 'https', describe: 'login, logout with a HOST: protocol' })
      .option('all', { type: 'boolean', default: false, describe: 'logout: every stored credential' })
      .option('rule', { type: 'string', describe: 'test: ask as the gate does for a mirror, with this rule named (GATEHOUSE_CREDENTIAL_RULE)' })
      .example('git config --global credential.helper gatehouse', 'use it for every host (git runs git-credential-gatehouse)')
      .example('$0 credential login git.example.com', 'store a password, encrypted, prompting without echo')
      .example('$0 credential logout git.example.com', 'remove what login stored for that host')
      .example('$0 credential test https://github.com/org/app.git', 'which rule and source would answer, without the secret')
      .example('$0 credential test https://github.com/org/app.git --rule github', 'whether the rule a mirror names covers this URL'),
  async run(ctx, args) {
    switch (args.action) {
      case 'get':
      case 'store':
      case 'erase':
        return runCredentialRole([args.action], ctx.io);
      case 'login':
        return login(ctx, args);
      case 'logout':
      case 'remove':
        return logout(ctx, args);
      case 'list':
        return list(ctx);
      case 'test':
        return test(ctx, args);
      default:
        // git may call helpers with operations added after this version: say nothing, succeed.
        // A person at a terminal gets a hint instead.
        if ((ctx.io.stdin as { isTTY?: boolean }).isTTY) ctx.io.stderr.write(`gatehouse credential: unknown action ${args.action}; try get, store, erase, login, logout, list or test\n`);
        return 0;
    }
  },
});

/**
 * What login stores under: a HOST (host:port) as given, or the protocol, host and username of a
 * URL, the way git itself asks (without the path). A password in the URL is refused: it would
 * sit in shell history and argv.
 */
export function loginTarget(target: string, protocol: string): { protocol: string; host: string; username?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const parts = splitUrl(target);
    if (parts.password !== undefined) throw new GatehouseError('the URL holds a password; it would stay in shell history and argv', { hint: 'give the URL without it; the password is prompted for' });
    if (!parts.host) throw new GatehouseError(`no host in ${target}`, { hint: 'gatehouse credential login https://git.example.com' });
    return { protocol: parts.protocol!, host: parts.host, ...(parts.username ? { username: parts.username } : {}) };
  }
  if (/[/@?#\s]/.test(target) || !target) {
    throw new GatehouseError(`${target} is not a host`, { hint: 'give a host (git.example.com, git.example.com:8443) or a URL (https://git.example.com/org/app.git)' });
  }
  return { protocol, host: target };
}

async function openCredentialStore(ctx: CommandContext, create: boolean) {
  const loaded = ctx.config();
  const c = loaded.config.credential;
  const key = loadStoreKey({ keyFile: c.key_file, keyEnv: c.key_env, stateDir: loaded.stateDir, env: ctx.io.env, create });
  if (!key) return null;
  const store = await openConfiguredStore(loaded, ctx.io.env);
  return { store, credentials: new CredentialStore(store, createSecretBox(key)) };
}

async function login(ctx: CommandContext, args: CredentialArgs): Promise<number> {
  if (!args.target) throw new GatehouseError('credential login needs a HOST or URL', { hint: 'gatehouse credential login git.example.com' });
  const target = loginTarget(args.target, args.protocol);
  const loaded = ctx.config();
  // What the helper would answer this host with instead, so "stored" is never a silent lie.
  const owner = matchRule(loaded.config.credential.rule, { protocol: target.protocol, host: target.host, path: '' });
  if (owner && owner.source !== 'store') {
    throw new GatehouseError(`credential rule ${ruleLabel(owner)} (source ${owner.source}) answers ${target.protocol}://${target.host}; a stored password would never be used`, {
      hint: 'remove or narrow that rule in gatehouse.toml, or set its source = "store"',
    });
  }
  const username = args.username ?? target.username ?? (await promptLine(ctx.io, `Username for ${target.protocol}://${target.host}: `, { secret: false }));
  const password = await promptLine(ctx.io, `Password or token for ${target.protocol}://${username}@${target.host}: `, { secret: true });
  if (!password) throw new GatehouseError('empty password; nothing was stored');
  const opened = (await openCredentialStore(ctx, true))!;
  try {
    await opened.credentials.save(blankCredential({ protocol: target.protocol, host: target.host, username, password }));
  } finally {
    await opened.store.close();
  }
  ctx.io.stdout.write(`stored ${username}@${target.host} (${target.protocol}), encrypted\n`);
  return 0;
}

async function logout(ctx: CommandContext, args: CredentialArgs): Promise<number> {
  if (!args.target && !args.all) throw new GatehouseError(`credential ${args.action} needs a HOST (or URL), or --all`, { hint: 'gatehouse credential logout git.example.com' });
  if (args.target && args.all) throw new GatehouseError('give a HOST or --all, not both');
  const opened = await openCredentialStore(ctx, false);
  let removed: string[] = [];
  if (opened) {
    try {
      const entries = await opened.credentials.list();
      const target = args.target ? loginTarget(args.target, args.protocol) : null;
      const pattern = target ? blankCredential({ protocol: target.protocol, host: target.host, username: args.username ?? target.username ?? '' }) : blankCredential();
      const matching = entries.filter((e) => entryMatches(pattern, e));
      for (const e of matching) {
        await opened.credentials.erase(blankCredential({ protocol: e.protocol, host: e.host, path: e.path, username: e.username }));
      }
      removed = matching.map((e) => `${e.protocol}://${e.username ? `${e.username}@` : ''}${e.host}${e.path ? `/${e.path}` : ''}`);
    } finally {
      await opened.store.close();
    }
  }
  if (!removed.length) ctx.io.stdout.write(`nothing stored for ${args.all ? 'any host' : args.target}\n`);
  for (const r of removed) ctx.io.stdout.write(`removed ${r}\n`);
  return 0;
}

async function list(ctx: CommandContext): Promise<number> {
  const loaded = ctx.config();
  const store = await openConfiguredStore(loaded, ctx.io.env, { readOnly: true });
  try {
    const entries = await listEntries(store);
    const rows = entries.map((e) => ({ protocol: e.protocol, host: e.host, path: e.path, username: e.username, expires: e.passwordExpiryUtc ? new Date(Number(e.passwordExpiryUtc) * 1000).toISOString() : null, stored: e.storedAt }));
    const rules = loaded.config.credential.rule.map((r) => ({ rule: ruleLabel(r), source: r.source }));
    if (ctx.flags.json) writeJson(ctx, { stored: rows, rules });
    else {
      if (!rows.length) ctx.io.stdout.write('no stored credentials\n');
      for (const r of rows) ctx.io.stdout.write(`${r.protocol}://${r.username ? `${r.username}@` : ''}${r.host}${r.path ? `/${r.path}` : ''}${r.expires ? `  expires ${r.expires}` : ''}\n`);
      for (const r of rules) ctx.io.stdout.write(`rule ${r.rule}: ${r.source}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

/** git config --get-urlmatch credential.useHttpPath URL, as git's credential code reads it. */
async function usesHttpPath(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const { stdout } = await runGit(['config', '--type=bool', '--get-urlmatch', 'credential.useHttpPath', url], { env });
    return stdout.trim() === 'true';
  } catch (error) {
    if ((error as { code?: number }).code === 1) return false; // not set
    throw error;
  }
}

async function test(ctx: CommandContext, args: CredentialArgs): Promise<number> {
  if (!args.target) throw new GatehouseError('credential test needs a URL', { hint: 'gatehouse credential test https://github.com/org/app.git' });
  const loaded = ctx.config();
  const env = args.rule ? { ...ctx.io.env, [RULE_ENV]: args.rule } : ctx.io.env;
  const named = env[RULE_ENV];
  const parts = splitUrl(args.target);
  if (!parts.protocol) throw new GatehouseError(`${args.target} is not a URL`, { hint: 'gatehouse credential test https://github.com/org/app.git' });
  // The request git would send: the gate keeps the path (it turns credential.useHttpPath on for
  // its upstreams); any other git drops it for http(s) unless useHttpPath is on for this URL.
  if (!named && /^https?$/i.test(parts.protocol) && !(await usesHttpPath(args.target, ctx.io.env))) parts.path = '';
  const request = blankCredential(parts);
  let refusal: string | null = null;
  const helperCtx: HelperContext = { loaded, env, openStore: (options) => openConfiguredStore(loaded, ctx.io.env, options), refused: (reason) => void (refusal = reason) };
  const rule = named ? (loaded.config.credential.rule.find((r) => r.name === named) ?? null) : matchRule(loaded.config.credential.rule, request);
  const target = describeTarget(request);
  let answer;
  try {
    answer = await credentialGet(request, helperCtx);
  } catch (error) {
    const result = { url: args.target, target, rule: rule ? ruleLabel(rule) : null, source: rule?.source ?? 'store', ok: false, error: (error as Error).message };
    if (ctx.flags.json) writeJson(ctx, result);
    else ctx.io.stdout.write(`${args.target}: rule ${result.rule ?? '(none)'} (${result.source}) ${ctx.out.red('FAILED')}: ${result.error}\n`);
    return 1;
  }
  const result = {
    url: args.target,
    target,
    rule: answer?.rule ?? (rule && !refusal ? ruleLabel(rule) : null),
    source: rule?.source ?? 'store',
    ok: Boolean(answer),
    ...(refusal ? { refused: refusal } : {}),
    username: answer?.username ?? null,
    expires: answer?.passwordExpiryUtc ?? null,
    secretLength: answer?.password.length ?? 0,
  };
  if (ctx.flags.json) writeJson(ctx, result);
  else if (refusal) ctx.io.stdout.write(`${args.target}: no answer: ${refusal}\n`);
  else if (!answer) ctx.io.stdout.write(`${args.target}: no rule or stored credential answers ${target} (git would prompt or try its next helper)\n`);
  else ctx.io.stdout.write(`${args.target}: answered by ${result.rule} (${result.source}) as ${result.username}; secret of ${result.secretLength} characters (not shown)${result.expires ? `, expires ${new Date(Number(result.expires) * 1000).toISOString()}` : ''}\n`);
  return answer ? 0 : 1;
}
