// gatehouse credential get|store|erase (the helper protocol), login, list, test
import type { Argv } from 'yargs';
import { GatehouseError } from '../errors.ts';
import { createSecretBox, loadStoreKey } from '../credential/encryption.ts';
import { CredentialStore, listEntries } from '../credential/credential-store.ts';
import { credentialGet, matchRule, RULE_ENV, type HelperContext } from '../credential/helper.ts';
import { blankCredential, describeTarget, splitUrl } from '../credential/request.ts';
import { runCredentialRole } from '../credential/role.ts';
import { ruleLabel } from '../credential/rule-label.ts';
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
}

export const credentialCommand = defineCommand<CredentialArgs>({
  command: 'credential <action> [target]',
  describe: 'the git credential helper (get/store/erase), and login, list, test for people',
  builder: (y: Argv) =>
    y
      // No choices list: as a credential helper it must ignore actions it does not know.
      .positional('action', { type: 'string', describe: 'get, store, erase (git credential protocol on stdin), login HOST, list, test URL' })
      .positional('target', { type: 'string', describe: 'login: host (host:port); test: URL' })
      .option('username', { type: 'string', describe: 'login: the username (prompted when absent)' })
      .option('protocol', { type: 'string', default: 'https', describe: 'login: protocol' })
      .option('rule', { type: 'string', describe: 'test: ask as the gate does for a mirror, with this rule named (GATEHOUSE_CREDENTIAL_RULE)' })
      .example('git config --global credential.helper gatehouse', 'use it for every host (git runs git-credential-gatehouse)')
      .example('$0 credential login git.example.com', 'store a password, encrypted, prompting without echo')
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
      case 'list':
        return list(ctx);
      case 'test':
        return test(ctx, args);
      default:
        // git may call helpers with operations added after this version: say nothing, succeed.
        // A person at a terminal gets a hint instead.
        if ((ctx.io.stdin as { isTTY?: boolean }).isTTY) ctx.io.stderr.write(`gatehouse credential: unknown action ${args.action}; try get, store, erase, login, list or test\n`);
        return 0;
    }
  },
});

async function login(ctx: CommandContext, args: CredentialArgs): Promise<number> {
  if (!args.target) throw new GatehouseError('credential login needs a HOST', { hint: 'gatehouse credential login git.example.com' });
  const username = args.username ?? (await promptLine(ctx.io, `Username for ${args.protocol}://${args.target}: `, { secret: false }));
  const password = await promptLine(ctx.io, `Password or token for ${args.protocol}://${username}@${args.target}: `, { secret: true });
  if (!password) throw new GatehouseError('empty password; nothing was stored');
  const loaded = ctx.config();
  const c = loaded.config.credential;
  const box = createSecretBox(loadStoreKey({ keyFile: c.key_file, keyEnv: c.key_env, stateDir: loaded.stateDir, env: ctx.io.env, create: true })!);
  const store = await openConfiguredStore(loaded, ctx.io.env);
  try {
    await new CredentialStore(store, box).save(blankCredential({ protocol: args.protocol, host: args.target, username, password }));
  } finally {
    await store.close();
  }
  ctx.io.stdout.write(`stored ${username}@${args.target} (${args.protocol}), encrypted\n`);
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

async function test(ctx: CommandContext, args: CredentialArgs): Promise<number> {
  if (!args.target) throw new GatehouseError('credential test needs a URL', { hint: 'gatehouse credential test https://github.com/org/app.git' });
  const loaded = ctx.config();
  // The URL's path is part of the request, as git sends it with credential.useHttpPath (the gate does).
  const request = blankCredential(splitUrl(args.target));
  const env = args.rule ? { ...ctx.io.env, [RULE_ENV]: args.rule } : ctx.io.env;
  const named = env[RULE_ENV];
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
