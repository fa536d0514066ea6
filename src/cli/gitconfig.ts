// gatehouse gitconfig --gate URL
import type { Argv } from 'yargs';
import { clientGitconfig } from '../gate/gitconfig.ts';
import { listMirrors } from '../gate/mirrors.ts';
import { defineCommand } from './command.ts';

export const gitconfigCommand = defineCommand<{ gate: string }>({
  command: 'gitconfig',
  describe: "print a client .gitconfig that rewrites each mirror's upstream URLs to the gate",
  builder: (y: Argv) =>
    y
      .option('gate', { type: 'string', demandOption: true, describe: 'the gate as clients reach it: git://gate:9418 or http://gate:9419/git' })
      .example('$0 gitconfig --gate git://127.0.0.1:9418 >> ~/.gitconfig', 'for an agent on this machine'),
  async run(ctx, args) {
    const mirrors = await listMirrors(ctx.config().stateDir, ctx.io.env as NodeJS.ProcessEnv);
    ctx.io.stdout.write(clientGitconfig(args.gate, mirrors));
    return 0;
  },
});
