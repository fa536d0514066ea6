// gatehouse config check | show
import type { Argv } from 'yargs';
import { checkSecretReferences, effectiveConfig, effectiveConfigToml } from '../config/describe.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';

export const configCommand = defineCommand<{ action: 'check' | 'show' }>({
  command: 'config <action>',
  describe: 'check the config file, or show the effective config (secrets elided)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['check', 'show'] as const, describe: 'check: validate and resolve secret references; show: print the effective config' })
      .example('$0 config check', 'validate gatehouse.toml and exit 2 naming the bad key')
      .example('$0 config show --json', 'effective config with defaults filled in'),
  async run(ctx, args) {
    const loaded = ctx.config();
    if (args.action === 'show') {
      if (ctx.flags.json) writeJson(ctx, effectiveConfig(loaded));
      else ctx.io.stdout.write(effectiveConfigToml(loaded));
      return 0;
    }
    const secrets = checkSecretReferences(loaded, ctx.io.env);
    const source = loaded.file ?? 'embedded defaults (no config file)';
    if (ctx.flags.json) writeJson(ctx, { ok: true, file: loaded.file, secretReferences: secrets });
    else ctx.io.stdout.write(`${ctx.out.green('ok')} ${source}${secrets.length ? ` (secret references resolve: ${secrets.join(', ')})` : ''}\n`);
    return 0;
  },
});
