// gatehouse demo
import type { Argv } from 'yargs';
import { runDemo } from '../gate/demo.ts';
import { selfExecutable } from '../self.ts';
import { defineCommand } from './command.ts';

export const demoCommand = defineCommand<{ keep: boolean }>({
  command: 'demo',
  describe: 'show the gate end to end on this machine in seconds: clone, clean push forwarded, secret refused',
  builder: (y: Argv) =>
    y
      .option('keep', { type: 'boolean', default: false, describe: 'keep the demo directory for a look around' })
      .example('$0 demo', 'a throwaway upstream, mirror and gate; a clean push goes through, a secret is refused')
      .example('$0 demo --keep', 'the same, and the directory stays for a look around'),
  async run(ctx, args) {
    const ok = await runDemo({ gatehouse: selfExecutable(), out: (line) => ctx.io.stdout.write(`${line}\n`), chalk: ctx.out, keep: args.keep });
    return ok ? 0 : 1;
  },
});
