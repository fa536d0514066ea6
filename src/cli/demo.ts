// gatehouse demo
import type { Argv } from 'yargs';
import type { ChalkInstance } from 'chalk';
import { runDemo, type DemoReporter } from '../gate/demo.ts';
import { selfExecutable } from '../self.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';

export const demoCommand = defineCommand<{ keep: boolean }>({
  command: 'demo',
  describe: 'show the gate end to end on this machine in seconds: clone, clean push forwarded, secret refused',
  builder: (y: Argv) =>
    y
      .option('keep', { type: 'boolean', default: false, describe: 'keep the demo directory for a look around' })
      .example('$0 demo', 'a throwaway upstream, mirror and gate; a clean push goes through, a secret is refused')
      .example('$0 demo --keep', 'the same, and the directory stays for a look around')
      .example('$0 demo --json', 'each step with what it showed, as one JSON document'),
  async run(ctx, args) {
    const json = ctx.flags.json ? jsonReporter() : null;
    const ok = await runDemo({ gatehouse: selfExecutable(), report: json?.reporter ?? textReporter(ctx.out, (line) => ctx.io.stdout.write(`${line}\n`)), keep: args.keep });
    if (json) writeJson(ctx, { ok, ...json.document });
    else ctx.io.stdout.write(`\n${ok ? ctx.out.green.bold('Demo complete:') : ctx.out.red.bold('Demo failed:')} clean work flows upstream; a secret never leaves the gate.\n`);
    return ok ? 0 : 1;
  },
});

function textReporter(chalk: ChalkInstance, out: (line: string) => void): DemoReporter {
  return {
    step: (n, total, title) => out(`\n${chalk.bold.cyan(`[${n}/${total}]`)} ${chalk.bold(title)}`),
    detail: (text) => out(chalk.dim(`      ${text}`)),
    outcome: (ok, text) => out(`      ${ok ? chalk.green(text) : chalk.red(text)}`),
    kept: (dir) => out(chalk.dim(`\nkept ${dir} (--keep)`)),
  };
}

interface JsonStep {
  step: number;
  title: string;
  details: string[];
  outcome?: { ok: boolean; text: string };
}

function jsonReporter(): { reporter: DemoReporter; document: { steps: JsonStep[]; kept?: string } } {
  const document: { steps: JsonStep[]; kept?: string } = { steps: [] };
  const current = () => document.steps.at(-1);
  return {
    document,
    reporter: {
      step: (n, _total, title) => void document.steps.push({ step: n, title, details: [] }),
      detail: (text) => void current()?.details.push(text),
      outcome: (ok, text) => {
        const step = current();
        if (step) step.outcome = { ok, text };
      },
      kept: (dir) => void (document.kept = dir),
    },
  };
}
