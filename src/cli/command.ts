// The shape of one command module: yargs wiring plus a run function that takes the context.
// Commands hold no logic of their own; they parse flags, call the domain and print.
import type { Argv } from 'yargs';
import type { CommandContext } from './context.ts';

export interface CommandSpec<Args = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder?: (yargs: Argv) => Argv;
  run(ctx: CommandContext, args: Args): Promise<number>;
}

export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
