// gatehouse audit tail: the gate's decisions and token use, from the shared state store, so one
// command shows what every replica did.
import type { Argv } from 'yargs';
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../audit/trail.ts';
import { EXIT_OK, GatehouseError } from '../errors.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand, type CommandSpec } from './command.ts';
import type { CommandContext } from './context.ts';

interface AuditArgs {
  action: 'tail';
  lines: number;
  follow: boolean;
  kind?: string[];
}

/** How long one wait for new entries lasts before the follower checks whether it was stopped. */
const FOLLOW_WAIT_MS = 1000;

export const auditCommand: CommandSpec<AuditArgs> = defineCommand<AuditArgs>({
  command: 'audit <action>',
  describe: "show the audit trail: pushes accepted, refused and bypassed, token use, refreshes (from every replica sharing the store)",
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['tail'] as const, describe: 'tail: the newest entries, then (with --follow) new ones as they come' })
      .option('lines', { alias: 'n', type: 'number', default: 20, describe: 'how many of the newest entries to show first' })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep printing new entries until interrupted' })
      .option('kind', { type: 'string', array: true, describe: `only these kinds or families (${AUDIT_KINDS.join(', ')}; "push" is every push.*)` })
      .example('$0 audit tail -n 50', 'the last 50 entries')
      .example('$0 audit tail --follow --kind push.refused --json', 'every refused push from now on, one JSON object per line'),
  async run(ctx, args) {
    if (!Number.isInteger(args.lines) || args.lines < 0) throw new GatehouseError(`--lines must be a whole number, not ${args.lines}`);
    const wanted = kindFilter(args.kind);
    const store = await openConfiguredStore(ctx.config(), ctx.io.env);
    const print = (entries: AuditEntry[]) => {
      for (const entry of entries) if (wanted(entry.event.kind)) ctx.io.stdout.write(ctx.flags.json ? `${JSON.stringify(entry)}\n` : `${formatEntry(entry, ctx)}\n`);
    };
    try {
      const first = args.lines > 0 ? await store.audit.latest(args.lines) : [];
      print(first);
      if (!args.follow) return EXIT_OK;
      let last = first.at(-1)?.id ?? (await store.audit.newestId());
      let stopped = false;
      const stop = () => (stopped = true);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        while (!stopped) {
          const entries = await store.audit.after(last, FOLLOW_WAIT_MS);
          print(entries);
          last = entries.at(-1)?.id ?? last;
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
});

function kindFilter(kinds: string[] | undefined): (kind: AuditKind) => boolean {
  if (!kinds?.length) return () => true;
  for (const kind of kinds) {
    if (!AUDIT_KINDS.some((k) => k === kind || k.startsWith(`${kind}.`))) {
      throw new GatehouseError(`unknown audit kind ${JSON.stringify(kind)}`, { hint: `one of ${AUDIT_KINDS.join(', ')}, or a family such as "push"` });
    }
  }
  return (kind) => kinds.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** One line for a person: time, kind, mirror, then the rest as key=value. */
export function formatEntry(entry: AuditEntry, ctx: Pick<CommandContext, 'out'>): string {
  const { kind, mirror, ...rest } = entry.event;
  const colour = kind.endsWith('refused') || kind.endsWith('failed') || kind === 'push.unconfirmed' ? ctx.out.red : kind === 'push.bypassed' ? ctx.out.yellow : ctx.out.green;
  const fields = Object.entries(rest)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [entry.time, colour(kind.padEnd(16)), mirror === undefined ? '' : String(mirror), ...fields].filter(Boolean).join(' ');
}
