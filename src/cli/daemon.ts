// gatehouse daemon: the real git daemon over the mirrors, supervised.
import type { Argv } from 'yargs';
import { SupervisedDaemon } from '../gate/daemon.ts';
import { mirrorsDir } from '../gate/mirrors.ts';
import { selfExecutable } from '../self.ts';
import { defineCommand } from './command.ts';

export const daemonCommand = defineCommand<{ listen?: string; port?: number }>({
  command: 'daemon',
  describe: 'serve the mirrors with git daemon (clone refreshes from upstream; pushes go through the gate)',
  builder: (y: Argv) =>
    y
      .option('listen', { type: 'string', describe: 'address to listen on (default gate.listen, 127.0.0.1)' })
      .option('port', { type: 'number', describe: 'port (default gate.port, 9418)' }),
  async run(ctx, args) {
    const loaded = ctx.config();
    const gate = loaded.config.gate;
    const logger = ctx.logger();
    const daemon = new SupervisedDaemon({
      mirrorsDir: mirrorsDir(loaded.stateDir),
      stateDir: loaded.stateDir,
      listen: args.listen ?? gate.listen,
      port: args.port ?? gate.port,
      maxConnections: gate.max_connections,
      timeoutSeconds: gate.timeout_seconds,
      initTimeoutSeconds: gate.init_timeout_seconds,
      gatehouse: selfExecutable(),
      // The access hook and the pre-receive hooks load this config and state dir, not the defaults.
      env: ctx.childEnv(),
      logger,
    });
    daemon.start();
    const stop = () => void daemon.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await daemon.stopped;
    return 0;
  },
});
