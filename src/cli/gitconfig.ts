// gatehouse gitconfig --gate URL [--token-file FILE]
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { assertPrivateFile } from '../config/private-files.ts';
import { GatehouseError } from '../errors.ts';
import { clientGitconfig } from '../gate/gitconfig.ts';
import { listMirrors } from '../gate/mirrors.ts';
import { defineCommand } from './command.ts';

const GATE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The agent's token, read from a private file so it never sits in argv or a URL. */
function readTokenFile(path: string, gate: string): string {
  if (!/^https?:\/\//i.test(gate)) throw new GatehouseError('--token-file is for a smart HTTP gate (--gate http://...); git:// takes no token');
  try {
    assertPrivateFile(path, 'token file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new GatehouseError(`token file ${path} does not exist`, { hint: 'gatehouse token mint --repo NAME > FILE (umask 077)' });
    throw error;
  }
  const token = readFileSync(path, 'utf8').trim();
  if (!GATE_TOKEN.test(token)) throw new GatehouseError(`token file ${path} does not hold a gatehouse token`, { hint: 'gatehouse token mint --repo NAME prints one' });
  return token;
}

export const gitconfigCommand = defineCommand<{ gate: string; 'token-file'?: string }>({
  command: 'gitconfig',
  describe: "print a client .gitconfig that rewrites each mirror's upstream URLs to the gate",
  builder: (y: Argv) =>
    y
      .option('gate', { type: 'string', demandOption: true, describe: 'the gate as clients reach it: git://gate:9418 or http://gate:9419/git' })
      .option('token-file', { type: 'string', describe: 'smart HTTP: a 0600 file holding the agent\'s token (gatehouse token mint); sent as http.extraHeader to the gate only' })
      .example('$0 gitconfig --gate git://127.0.0.1:9418 >> ~/.gitconfig', 'for an agent on this machine')
      .example('$0 gitconfig --gate http://127.0.0.1:9419/git \\\n--token-file ~/.config/gatehouse/agent.token > ~agent/.gitconfig', 'smart HTTP with the agent\'s token'),
  async run(ctx, args) {
    const token = args['token-file'] ? readTokenFile(args['token-file'], args.gate) : undefined;
    const mirrors = await listMirrors(ctx.config().stateDir, ctx.io.env as NodeJS.ProcessEnv);
    ctx.io.stdout.write(clientGitconfig(args.gate, mirrors, { token }));
    return 0;
  },
});
