// gatehouse daemon: the real git daemon over the mirrors, supervised.
import type { Argv } from 'yargs';
import { gitProtocolWarning, SupervisedDaemon } from '../gate/daemon.ts';
import { mirrorsDir } from '../gate/mirrors.ts';
import { selfExecutable } from '../self.ts';
import { defineCommand } from './command.ts';

export const GIT_PROTOCOL_HELP = `git:// has no authentication: anyone who can reach the port can clone every mirror and,
with push on, push to any of them (pushes are still scanned by the gate). Use git:// only
on a trusted network; smart HTTP (gatehouse serve) checks a token per repository and scope.`;

export const daemonCommand = defineCommand<{ listen?: string; port?: number }>({
  command: 'daemon',
  describe: 'serve the mirrors with git daemon over git:// (no authentication: trusted networks only; clone refreshes from upstream; pushes go through the gate)',
  builder: (y: Argv) =>
    y
      .option('listen', { type: 'string', describe: 'address to listen on (default gate.listen, 127.0.0.1)' })
      .option('port', { type: 'number', describe: 'port (default gate.port, 9418)' })
      .example('$0 daemon', 'git://127.0.0.1:9418/<name> for agents on this machine')
      .example('$0 daemon --listen 10.0.0.5 --port 9418', 'for a trusted network')
      .epilogue(GIT_PROTOCOL_HELP),
  async run(ctx, args) {
    const loaded = ctx.config();
    const gate = loaded.config.gate;
    const logger = ctx.logger();
    const listen = args.listen ?? gate.listen;
    const port = args.port ?? gate.port;
    const daemon = new SupervisedDaemon({
      mirrorsDir: mirrorsDir(loaded.stateDir),
      stateDir: loaded.stateDir,
      listen,
      port,
      maxConnections: gate.max_connections,
      timeoutSeconds: gate.timeout_seconds,
      initTimeoutSeconds: gate.init_timeout_seconds,
      // git:// is what this command is for: pushes are on, and the pre-receive gate scans them.
      receivePack: true,
      gatehouse: selfExecutable(),
      // The access hook and the pre-receive hooks load this config and state dir, not the defaults.
      env: ctx.childEnv(),
      logger,
    });
    const warning = gitProtocolWarning(listen, port, true);
    ctx.io.stderr.write(`gatehouse: ${warning}\n`);
    logger.warn(warning, { listen, port, push: true });
    const stop = () => void daemon.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Throws (exit 2) when the port is taken or git daemon keeps crashing.
    await daemon.start();
    await daemon.done;
    return 0;
  },
});
