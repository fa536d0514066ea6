// gatehouse shim [run] | check | routes --preset NAME
import type { Argv } from 'yargs';
import { GatehouseError, errorMessage } from '../errors.ts';
import { PRESETS } from '../shim/presets.ts';
import { buildRouteTable } from '../shim/routes.ts';
import { startShim } from '../shim/run.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { defineCommand } from './command.ts';
import { writeJson } from './context.ts';
import { writeBanner } from './banner.ts';

interface ShimArgs {
  action: 'run' | 'check' | 'routes';
  preset?: string;
  listen?: string;
  port?: number;
  socket?: string;
  'trust-loopback'?: boolean;
}

export const shimCommand = defineCommand<ShimArgs>({
  command: 'shim [action]',
  describe: 'the credential-injecting HTTP proxy: run it, check its routes, or print preset routes',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['run', 'check', 'routes'] as const, default: 'run' as const, describe: 'run the proxy, check its routes, or print preset routes' })
      .option('preset', { choices: Object.keys(PRESETS), describe: 'routes: print ready [[shim.route]] entries' })
      .option('listen', { type: 'string', describe: 'run: address (default shim.listen)' })
      .option('port', { type: 'number', describe: 'run: port (default shim.port, 9420)' })
      .option('socket', { type: 'string', describe: 'run: listen on this unix socket (0600) instead' })
      .option('trust-loopback', { type: 'boolean', describe: 'run: serve loopback clients without shim tokens' })
      .example('mkdir -p ~/.config/gatehouse && \\\n$0 shim routes --preset github >> ~/.config/gatehouse/gatehouse.toml', 'add the GitHub routes to your config')
      .example('$0 shim check', 'every route and whether its credential resolves (secrets not shown)')
      .example('$0 token mint --shim --routes /github/ --methods GET --ttl 8h', 'a client token (reads)'),
  async run(ctx, args) {
    if (args.action === 'routes') {
      if (!args.preset) throw new GatehouseError('shim routes needs --preset', { hint: `one of ${Object.keys(PRESETS).join(', ')}` });
      ctx.io.stdout.write(PRESETS[args.preset]!);
      return 0;
    }
    const loaded = ctx.config();
    if (args.action === 'check') {
      const results: Array<{ prefix: string; upstream: string; auth: string; ok: boolean; error?: string }> = [];
      const store = await openConfiguredStore(loaded, ctx.io.env);
      try {
        for (const route of loaded.config.shim.route) {
          try {
            await buildRouteTable({ ...loaded, config: { ...loaded.config, shim: { ...loaded.config.shim, route: [route] } } }, ctx.io.env, async () => store);
            results.push({ prefix: route.prefix, upstream: route.upstream, auth: route.auth, ok: true });
          } catch (error) {
            results.push({ prefix: route.prefix, upstream: route.upstream, auth: route.auth, ok: false, error: errorMessage(error) });
          }
        }
      } finally {
        await store.close();
      }
      if (ctx.flags.json) writeJson(ctx, results);
      else if (!results.length) ctx.io.stdout.write('no [[shim.route]] configured; see gatehouse shim routes --preset github\n');
      else for (const r of results) ctx.io.stdout.write(`${r.ok ? ctx.out.green('ok  ') : ctx.out.red('FAIL')}  ${r.prefix} -> ${r.upstream} (${r.auth})${r.error ? `: ${r.error}` : ''}\n`);
      return results.every((r) => r.ok) ? 0 : 1;
    }
    if (!loaded.config.shim.route.length) throw new GatehouseError('no [[shim.route]] configured', { hint: 'gatehouse shim routes --preset github prints an example' });
    const logger = ctx.serverLogger();
    const running = await startShim({
      loaded,
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      configPath: ctx.flags.config,
      stateDir: ctx.flags.stateDir,
      logger,
      listen: args.listen,
      port: args.port,
      socket: args.socket,
      trustLoopback: args['trust-loopback'],
    });
    ctx.io.stderr.write(`gatehouse shim listening on ${running.address}\n`);
    // On a unix socket a client still speaks HTTP: curl --unix-socket PATH http://localhost/PREFIX.
    const socket = running.address.startsWith('unix:') ? running.address.slice('unix:'.length) : null;
    const base = socket ? 'http://localhost' : running.address;
    writeBanner(
      ctx.io,
      ctx.out,
      'gatehouse shim',
      [
        ...(socket ? [{ label: 'socket', value: socket, note: `curl --unix-socket ${socket} ${base}/...` }] : []),
        ...loaded.config.shim.route.map((route) => ({ label: 'route', value: `${base}${route.prefix}`, note: `-> ${route.upstream}` })),
      ],
      loaded,
      true,
    );
    process.on('SIGHUP', () => void running.reload());
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await running.stop();
    return 0;
  },
});
