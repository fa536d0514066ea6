// gatehouse config check | show
import type { Argv } from 'yargs';
import { checkConfiguration } from '../config/check.ts';
import { effectiveConfig, effectiveConfigToml } from '../config/describe.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';

export const configCommand = defineCommand<{ action: 'check' | 'show' }>({
  command: 'config <action>',
  describe: 'check the config file, or show the effective config (secrets elided)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['check', 'show'] as const, describe: 'check: validate, resolve every secret reference and cross-reference; show: print the effective config' })
      .example('$0 config check', 'validate gatehouse.toml and exit 2 naming the bad key')
      .example('$0 config show --json', 'effective config with defaults filled in'),
  async run(ctx, args) {
    const loaded = ctx.config();
    if (args.action === 'show') {
      if (ctx.flags.json) writeJson(ctx, effectiveConfig(loaded));
      else ctx.io.stdout.write(effectiveConfigToml(loaded));
      return 0;
    }
    // Every secret reference resolved and every cross-reference followed: what would fail at run time fails here.
    const { resolved, problems } = checkConfiguration(loaded, ctx.io.env);
    const source = loaded.file ?? 'embedded defaults (no config file)';
    if (ctx.flags.json) {
      writeJson(ctx, { ok: problems.length === 0, file: loaded.file, secretReferences: resolved, problems });
      return problems.length ? 2 : 0;
    }
    if (problems.length) {
      ctx.io.stderr.write(`${ctx.err.red('invalid')} ${source}:\n${problems.map((p) => `  ${p}\n`).join('')}`);
      return 2;
    }
    ctx.io.stdout.write(`${ctx.out.green('ok')} ${source}${resolved.length ? ` (secret references resolve: ${resolved.join(', ')})` : ''}\n`);
    return 0;
  },
});
