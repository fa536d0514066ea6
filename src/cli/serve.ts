// gatehouse serve: smart HTTP at /git/<name> (token checks) and, with routes configured, the
// shim, until SIGTERM or SIGINT. git:// (git daemon, no authentication) only when asked for, and
// pushes over it only when asked for again.
import { createServer, type Server } from 'node:http';
import type { Argv } from 'yargs';
import { loadSigningKey } from '../credential/tokens.ts';
import { GatehouseError } from '../errors.ts';
import { logWriteFailures } from '../log/logger.ts';
import { gitProtocolWarning, portTakenError, SupervisedDaemon } from '../gate/daemon.ts';
import { createGitHttpHandler } from '../gate/http-git.ts';
import { mirrorsDir } from '../gate/mirrors.ts';
import { selfExecutable } from '../self.ts';
import { startShim } from '../shim/run.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { urlHost, writeBanner, type BannerLine } from './banner.ts';
import { GIT_PROTOCOL_HELP } from './daemon.ts';

/** Listens, or says which address and port cannot be had (exit 2) instead of a stack trace. */
function listenOn(server: Server, listen: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      server.off('listening', listening);
      if (error.code === 'EADDRINUSE') reject(portTakenError(listen, port, 'address already in use'));
      else reject(new GatehouseError(`cannot listen on ${listen}:${port}: ${error.message}`));
    };
    const listening = () => {
      server.off('error', failed);
      resolve();
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(port, listen);
  });
}

export const serveCommand = defineCommand<{ listen?: string; port?: number; 'http-port'?: number; 'git-protocol'?: boolean; 'git-push'?: boolean }>({
  command: 'serve',
  describe: 'run the gate: smart HTTP (/git/<name>, token auth) and, with routes configured, the shim; git:// only with --git-protocol',
  builder: (y: Argv) =>
    y
      .option('listen', { type: 'string', describe: 'address for the servers (default gate.listen)' })
      .option('http-port', { type: 'number', describe: 'smart HTTP port (default gate.http_port, 9419; 0 off)' })
      .option('git-protocol', { type: 'boolean', describe: 'also serve git:// (git daemon): NO authentication, trusted networks only (default gate.git_protocol, off)' })
      .option('git-push', { type: 'boolean', describe: 'with --git-protocol: accept pushes over git:// too (default gate.git_push, off)' })
      .option('port', { type: 'number', describe: 'git:// port, with --git-protocol (default gate.port, 9418)' })
      .example('$0 serve', 'smart HTTP only: http://127.0.0.1:9419/git/<name> with a token')
      .example('$0 serve --git-protocol', 'plus read-only git:// on 9418, for a trusted network')
      .epilogue(GIT_PROTOCOL_HELP),
  async run(ctx, args) {
    const loaded = ctx.config();
    const gate = loaded.config.gate;
    const logger = ctx.serverLogger();
    // What git daemon, http-backend and their hooks run with: this config and state dir, not the defaults.
    const env = ctx.childEnv();
    const listen = args.listen ?? gate.listen;
    const httpPort = args['http-port'] ?? gate.http_port;
    const gitProtocol = args['git-protocol'] ?? gate.git_protocol;
    // gate.git_push alone does nothing while git:// is off; the flag alone is a mistake to say.
    if (args['git-push'] && !gitProtocol) {
      throw new GatehouseError('--git-push is for pushes over git://, which is off', {
        hint: 'add --git-protocol (or gate.git_protocol = true), on a trusted network only; pushes over smart HTTP need a write token, no flag',
      });
    }
    const gitPush = gitProtocol && (args['git-push'] ?? gate.git_push);
    if (!gitProtocol && httpPort === 0 && !loaded.config.shim.route.length) {
      throw new GatehouseError('nothing to serve: smart HTTP is off (http port 0), git:// is off and no shim routes are configured', {
        hint: 'give --http-port PORT, or add --git-protocol on a trusted network',
      });
    }
    const store = await openConfiguredStore(loaded, ctx.io.env, {
      onReachability: (reachable, detail) => {
        if (reachable) logger.info('state store reachable again', { store: detail });
        else logger.error('state store unreachable: smart HTTP answers 503 until it is back', { error: detail });
      },
    });
    let daemon: SupervisedDaemon | null = null;
    let shim: Awaited<ReturnType<typeof startShim>> | null = null;
    const handler = createGitHttpHandler({ loaded, store, signingKey: loadSigningKey(loaded, ctx.io.env), env, logger, prefix: '/git/' });
    const server = createServer((req, res) => {
      if ((req.url ?? '').startsWith('/git/')) {
        handler(req, res).catch((error: unknown) => {
          logger.error('smart HTTP request failed', { error });
          if (!res.headersSent) res.writeHead(500).end('internal error\n');
        });
      } else if (req.url === '/healthz') res.writeHead(200).end('ok\n');
      else if (req.url === '/metrics') res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(serveMetrics());
      else res.writeHead(404).end('not found\n');
    });
    // Long clones and pushes must not be cut by Node's default request timeout.
    server.requestTimeout = 0;
    server.headersTimeout = 30_000;
    const signalled = new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    // Whatever started is stopped again, on a signal or on any failure: no git daemon outlives serve.
    try {
      if (httpPort > 0) await listenOn(server, listen, httpPort);
      if (gitProtocol) {
        const port = args.port ?? gate.port;
        daemon = new SupervisedDaemon({
          mirrorsDir: mirrorsDir(loaded.stateDir),
          stateDir: loaded.stateDir,
          listen,
          port,
          maxConnections: gate.max_connections,
          timeoutSeconds: gate.timeout_seconds,
          initTimeoutSeconds: gate.init_timeout_seconds,
          receivePack: gitPush,
          gatehouse: selfExecutable(),
          env,
          logger,
        });
        const warning = gitProtocolWarning(listen, port, gitPush);
        ctx.io.stderr.write(`gatehouse: ${warning}\n`);
        logger.warn(warning, { listen, port, push: gitPush });
        await daemon.start();
      } else {
        logger.info('git:// is off (smart HTTP only); --git-protocol turns it on for a trusted network');
      }
      if (httpPort > 0) logger.info('smart HTTP listening', { listen, port: httpPort });
      // The shim too, when routes are configured.
      shim = loaded.config.shim.route.length
        ? await startShim({ loaded, env: ctx.io.env, cwd: ctx.io.cwd, configPath: ctx.flags.config, stateDir: ctx.flags.stateDir, logger })
        : null;
      if (shim) {
        const running = shim;
        process.on('SIGHUP', () => void running.reload());
      }
      const host = urlHost(listen);
      const banner: BannerLine[] = [];
      if (httpPort > 0) {
        banner.push({ label: 'smart HTTP', value: `http://${host}:${httpPort}/git/<name>`, note: 'a token from gatehouse token mint --repo NAME' });
        banner.push({ label: 'health', value: `http://${host}:${httpPort}/healthz` });
      }
      if (daemon) banner.push({ label: 'git://', value: `git://${host}:${args.port ?? gate.port}/<name>`, note: `no authentication; ${gitPush ? 'pushes ON' : 'read-only'}` });
      if (shim) for (const route of loaded.config.shim.route) banner.push({ label: 'shim', value: `${shim.address}${route.prefix}`, note: `-> ${route.upstream}` });
      writeBanner(ctx.io, ctx.out, 'gatehouse serve', banner, loaded, shim !== null);
      // A git daemon that keeps crashing ends serve (exit 2) rather than leaving half a gate.
      await Promise.race([signalled, daemon ? daemon.done : new Promise<never>(() => {})]);
    } finally {
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([daemon?.stop(), shim?.stop()]);
      await store.close();
    }
    return 0;
  },
});

/** Prometheus text for the gate's own server (the shim, when configured, has its own /metrics). */
function serveMetrics(): string {
  return [
    '# HELP gatehouse_log_write_failures_total Log lines that could not be written (e.g. a full disk); serving goes on without them.',
    '# TYPE gatehouse_log_write_failures_total counter',
    `gatehouse_log_write_failures_total ${logWriteFailures()}`,
    '',
  ].join('\n');
}
