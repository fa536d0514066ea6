// gatehouse doctor
import type { Argv } from 'yargs';
import { runDoctor, type CheckResult } from '../doctor/checks.ts';
import { defineCommand } from './command.ts';
import { writeJson, type CommandContext } from './context.ts';
import { currentBinary } from '../self.ts';

export const doctorCommand = defineCommand({
  command: 'doctor',
  describe: 'check git, config, state dir permissions, the store and the role names on PATH',
  builder: (y: Argv) => y.example('$0 doctor', 'each check with a fix for what fails; exit 1 if any fails').example('$0 doctor --json', 'the same, for a script'),
  async run(ctx) {
    const results = await runDoctor({
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      configPath: ctx.flags.config,
      stateDir: ctx.flags.stateDir,
      selfBinary: currentBinary(),
    });
    const failed = results.some((r) => r.status === 'fail');
    if (ctx.flags.json) writeJson(ctx, { ok: !failed, checks: results });
    else printResults(ctx, results);
    return failed ? 1 : 0;
  },
});

function printResults(ctx: CommandContext, results: CheckResult[]): void {
  const mark = { ok: ctx.out.green('ok  '), warn: ctx.out.yellow('warn'), fail: ctx.out.red('FAIL') };
  for (const r of results) {
    ctx.io.stdout.write(`${mark[r.status]}  ${ctx.out.bold(r.check)}: ${r.detail}\n`);
    if (r.fix && r.status !== 'ok') ctx.io.stdout.write(`      fix: ${r.fix}\n`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  ctx.io.stdout.write(failed ? ctx.out.red(`\n${failed} problem(s) to fix.\n`) : `\nAll good${warned ? ` (${warned} warning(s))` : ''}.\n`);
}
