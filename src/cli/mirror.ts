// gatehouse mirror add | list | remove | sync, and gatehouse install-hooks
import type { Argv } from 'yargs';
import { errorMessage, GatehouseError } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import { installPreReceive } from '../gate/hooks.ts';
import { addMirror, findMirror, listMirrors, removeMirror } from '../gate/mirrors.ts';
import { configuredRefresh, readStatus, recordAddedMirror, refreshMirror, type MirrorStatus } from '../gate/refresh.ts';
import { replicaId } from '../gate/replica.ts';
import { selfExecutable } from '../self.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { writeJson, type CommandContext } from './context.ts';

interface MirrorArgs {
  action: 'add' | 'list' | 'remove' | 'sync';
  name?: string;
  upstream?: string;
  all: boolean;
  'ssh-key'?: string;
  'known-hosts'?: string;
  credential?: string;
  'allow-ref'?: string[];
  'protect-ref'?: string[];
  'max-pack-bytes'?: number;
}

export const mirrorCommand = defineCommand<MirrorArgs>({
  command: 'mirror <action> [name] [upstream]',
  describe: 'manage the bare mirrors the gate serves (add, list, remove, sync)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['add', 'list', 'remove', 'sync'] as const, describe: 'add NAME UPSTREAM, list, remove NAME, or sync NAME (or --all)' })
      .positional('name', { type: 'string', describe: 'mirror name, e.g. app or org/app (clients use git://gate/NAME)' })
      .positional('upstream', { type: 'string', describe: 'add: the real repository URL (no password in it)' })
      .option('ssh-key', { type: 'string', describe: 'add: private key (0600) for an SSH upstream' })
      .option('known-hosts', { type: 'string', describe: 'add: pinned known_hosts for the SSH upstream' })
      .option('credential', { type: 'string', describe: 'add: credential rule for an HTTPS upstream' })
      .option('allow-ref', { type: 'string', array: true, describe: 'add: ref patterns pushes may touch (e.g. refs/heads/agent/*); default all' })
      .option('protect-ref', { type: 'string', array: true, describe: 'add: refs that may not be deleted or force-pushed' })
      .option('max-pack-bytes', { type: 'number', describe: 'add: largest push accepted (default gate.max_pack_bytes)' })
      .option('all', { type: 'boolean', default: false, describe: 'sync: every mirror' })
      .example('$0 mirror add app https://git.example.com/org/app.git \\\n--credential github', 'an HTTPS upstream, its credential from the rule named github')
      .example('$0 mirror add app ssh://git@host/org/app.git \\\n--ssh-key ~/.ssh/gate --known-hosts ~/.ssh/gate_known_hosts', 'an SSH upstream with its own key and pinned host key')
      .example('$0 mirror list --json', 'every mirror with its upstream and last refresh')
      .example('$0 mirror sync --all', 'fetch every mirror from its upstream now'),
  async run(ctx, args) {
    const loaded = ctx.config();
    // Fetches run gatehouse's credential helper, which must read this config (its rules), not the defaults.
    const env = ctx.childEnv();
    switch (args.action) {
      case 'add': {
        if (!args.name || !args.upstream) throw new GatehouseError('mirror add needs NAME and UPSTREAM_URL', { hint: 'gatehouse mirror add app https://host/org/app.git' });
        const fetchStarted = Date.now();
        const mirror = await addMirror(
          loaded.stateDir,
          {
            name: args.name,
            upstream: args.upstream,
            sshKey: args['ssh-key'],
            knownHosts: args['known-hosts'],
            credential: args.credential,
            credentialRules: loaded.config.credential.rule,
            allowRefs: args['allow-ref'] ?? [],
            protectRefs: args['protect-ref'] ?? [],
            maxPackBytes: args['max-pack-bytes'] ?? loaded.config.gate.max_pack_bytes,
            fetchTimeoutMs: loaded.config.gate.fetch_timeout_seconds * 1000,
          },
          selfExecutable(),
          env,
        );
        await recordAddFetch(ctx, mirror.name, fetchStarted);
        if (ctx.flags.json) writeJson(ctx, { name: mirror.name, path: mirror.gitDir, upstream: mirror.upstream });
        else ctx.io.stdout.write(`added mirror ${ctx.out.bold(mirror.name)} at ${mirror.gitDir}\n  fetched all refs from ${mirror.upstream}; pre-receive gate installed\n`);
        return 0;
      }
      case 'list': {
        const mirrors = await listMirrors(loaded.stateDir, env);
        const store = await openConfiguredStore(loaded, ctx.io.env);
        try {
          const rows = await Promise.all(mirrors.map(async (m) => ({ name: m.name, path: m.gitDir, upstream: m.upstream, policy: m.policy, status: await readStatus(store, m.name, replicaId(loaded.stateDir)) })));
          if (ctx.flags.json) writeJson(ctx, rows);
          else if (!rows.length) ctx.io.stdout.write('no mirrors; add one with gatehouse mirror add NAME UPSTREAM_URL\n');
          else for (const r of rows) ctx.io.stdout.write(`${ctx.out.bold(r.name)}  ${r.upstream}\n  ${describeStatus(ctx, r.status)}\n`);
        } finally {
          await store.close();
        }
        return 0;
      }
      case 'remove': {
        if (!args.name) throw new GatehouseError('mirror remove needs NAME');
        const path = removeMirror(loaded.stateDir, args.name);
        ctx.io.stdout.write(`removed mirror ${args.name} (${path})\n`);
        return 0;
      }
      case 'sync': {
        if (!args.name && !args.all) throw new GatehouseError('mirror sync needs NAME or --all');
        const mirrors = args.all ? await listMirrors(loaded.stateDir, env) : [await findMirror(loaded.stateDir, args.name!, env)];
        const store = await openConfiguredStore(loaded, ctx.io.env);
        let failed = 0;
        try {
          for (const m of mirrors) {
            const outcome = await refreshMirror(m, store, env, configuredRefresh(loaded, env, { freshnessMs: 0 }));
            if (outcome.kind === 'failed') {
              failed++;
              ctx.io.stderr.write(`${m.name}: ${ctx.err.red('failed')}: ${outcome.error}\n`);
            } else {
              const purged = outcome.kind === 'fetched' && outcome.purged > 0 ? ` (removed ${outcome.purged} objects the upstream no longer has)` : '';
              ctx.io.stdout.write(`${m.name}: ${ctx.out.green('synced')}${purged}\n`);
            }
          }
        } finally {
          await store.close();
        }
        return failed ? 2 : 0;
      }
    }
  },
});

/** The mirror exists and is fetched whatever happens here: a store that fails only costs `mirror list` the news. */
async function recordAddFetch(ctx: CommandContext, name: string, startedAt: number): Promise<void> {
  try {
    const store = await openConfiguredStore(ctx.config(), ctx.io.env);
    try {
      await recordAddedMirror(store, name, replicaId(ctx.config().stateDir), startedAt);
    } finally {
      await store.close();
    }
  } catch (error) {
    ctx.io.stderr.write(`gatehouse: warning: the fetch was not recorded in the store (${redactText(errorMessage(error))}); mirror list will say "never refreshed" until the next one\n`);
  }
}

function describeStatus(ctx: CommandContext, status: MirrorStatus): string {
  const fetched = status.lastFetchAt ? `refreshed ${Math.round((Date.now() - status.lastFetchAt) / 1000)} s ago` : 'never refreshed through the gate';
  return status.lastError && (status.lastAttemptAt ?? 0) > (status.lastFetchAt ?? 0) ? `${fetched}; ${ctx.out.red(`last error: ${status.lastError}`)}` : fetched;
}

export const installHooksCommand = defineCommand<{ repos: string[]; force: boolean }>({
  command: 'install-hooks <repos..>',
  describe: "install the pre-receive gate into existing bare repositories (idempotent; --force replaces a foreign hook)",
  builder: (y: Argv) =>
    y
      .positional('repos', { type: 'string', array: true, describe: 'bare repositories (the .git directories) to gate' })
      .option('force', { type: 'boolean', default: false, describe: 'replace a hook that is not gatehouse’s (kept as pre-receive.before-gatehouse)' })
      .example('$0 install-hooks /srv/git/app.git /srv/git/lib.git', 'gate pushes to repositories served by another git server'),
  async run(ctx, args) {
    const binary = selfExecutable();
    for (const repo of args.repos) {
      const outcome = installPreReceive(repo, binary, args.force);
      ctx.io.stdout.write(`${repo}: ${outcome}\n`);
    }
    return 0;
  },
});
