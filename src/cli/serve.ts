// gatehouse serve: git daemon over the mirrors and smart HTTP at /git/<name>, together, until
// SIGTERM or SIGINT.
import { createServer } from 'node:http';
import type { Argv } from 'yargs';
import { loadSigningKey } from '../credential/tokens.ts';
import { SupervisedDaemon } from '../gate/daemon.ts';
import { createGitHttpHandler } from '../gate/http-git.ts';
import { mirrorsDir } from '../gate/mirrors.ts';
import { selfExecutable } from '../self.ts';
import { startShim } from '../shim/run.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';

export const serveCommand = defineCommand<{ listen?: string; port?: number; 'http-port'?: number }>({
  command: 'serve',
  describe: 'run everything: git daemon (git://), smart HTTP (/git/<name>) and, with routes configured, the shim',
  builder: (y: Argv) =>
    y
      .option('listen', { type: 'string', describe: 'address for both servers (default gate.listen)' })
      .option('port', { type: 'number', describe: 'git daemon port (default gate.port, 9418)' })
      .option('http-port', { type: 'number', describe: 'smart HTTP port (default gate.http_port, 9419; 0 off)' }),
  async run(ctx, args) {
    const loaded = ctx.config();
    const gate = loaded.config.gate;
    const logger = ctx.serverLogger();
    // What git daemon, http-backend and their hooks run with: this config and state dir, not the defaults.
    const env = ctx.childEnv();
    const listen = args.listen ?? gate.listen;
    const store = await openConfiguredStore(loaded, ctx.io.env);
    const daemon = new SupervisedDaemon({
      mirrorsDir: mirrorsDir(loaded.stateDir),
      stateDir: loaded.stateDir,
      listen,
      port: args.port ?? gate.port,
      maxConnections: gate.max_connections,
      timeoutSeconds: gate.timeout_seconds,
      initTimeoutSeconds: gate.init_timeout_seconds,
      gatehouse: selfExecutable(),
      env,
      logger,
    });
    daemon.start();
    const httpPort = args['http-port'] ?? gate.http_port;
    const handler = createGitHttpHandler({ loaded, store, signingKey: loadSigningKey(loaded.stateDir), env, logger, prefix: '/git/' });
    const server = createServer((req, res) => {
      if ((req.url ?? '').startsWith('/git/')) {
        handler(req, res).catch((error: unknown) => {
          logger.error('smart HTTP request failed', { error });
          if (!res.headersSent) res.writeHead(500).end('internal error\n');
        });
      } else if (req.url === '/healthz') res.writeHead(200).end('ok\n');
      else res.writeHead(404).end('not found\n');
    });
    // Long clones and pushes must not be cut by Node's default request timeout.
    server.requestTimeout = 0;
    server.headersTimeout = 30_000;
    if (httpPort > 0) {
      await new Promise<void>((resolve) => server.listen(httpPort, listen, resolve));
      logger.info('smart HTTP listening', { listen, port: httpPort });
    }
    // The shim too, when routes are configured.
    const shim = loaded.config.shim.route.length
      ? await startShim({ loaded, env: ctx.io.env, cwd: ctx.io.cwd, configPath: ctx.flags.config, stateDir: ctx.flags.stateDir, logger })
      : null;
    if (shim) process.on('SIGHUP', () => void shim.reload());
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([daemon.stop(), shim?.stop()]);
    await store.close();
    return 0;
  },
});
