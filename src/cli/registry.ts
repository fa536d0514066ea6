// The yargs command registry for `gatehouse <command>`: global flags, help, exit codes.
import yargs, { type Argv } from 'yargs';
import { EXIT_ERROR, GatehouseError, errorMessage } from '../errors.ts';
import { LOG_LEVELS, type LogLevel } from '../log/logger.ts';
import { redactText } from '../log/redact.ts';
import type { ProcessIO } from '../process-io.ts';
import { gatehouseVersion } from '../version.ts';
import type { CommandSpec } from './command.ts';
import type { GlobalFlags } from './context.ts';

/**
 * Every command, by the name that selects it, loaded only when it runs: a command's module
 * pulls in its domain code (the scanner, the store, the shim), and `gatehouse config show`
 * should not pay to load the scanner. Each spec's command string starts with its name.
 */
export const COMMAND_LOADERS: ReadonlyArray<readonly [name: string, load: () => Promise<CommandSpec<never>>]> = [
  ['demo', async () => (await import('./demo.ts')).demoCommand as CommandSpec<never>],
  ['scan', async () => (await import('./scan.ts')).scanCommand as CommandSpec<never>],
  ['mirror', async () => (await import('./mirror.ts')).mirrorCommand as CommandSpec<never>],
  ['install-hooks', async () => (await import('./mirror.ts')).installHooksCommand as CommandSpec<never>],
  ['daemon', async () => (await import('./daemon.ts')).daemonCommand as CommandSpec<never>],
  ['serve', async () => (await import('./serve.ts')).serveCommand as CommandSpec<never>],
  ['shim', async () => (await import('./shim.ts')).shimCommand as CommandSpec<never>],
  ['gitconfig', async () => (await import('./gitconfig.ts')).gitconfigCommand as CommandSpec<never>],
  ['credential', async () => (await import('./credential.ts')).credentialCommand as CommandSpec<never>],
  ['token', async () => (await import('./token.ts')).tokenCommand as CommandSpec<never>],
  ['audit', async () => (await import('./audit.ts')).auditCommand as CommandSpec<never>],
  ['config', async () => (await import('./config.ts')).configCommand as CommandSpec<never>],
  ['doctor', async () => (await import('./doctor.ts')).doctorCommand as CommandSpec<never>],
];

/** Every command's spec, in the order `gatehouse --help` lists them. */
export async function loadAllCommands(): Promise<CommandSpec<never>[]> {
  return Promise.all(COMMAND_LOADERS.map(([, load]) => load()));
}

/** Global options that take a value: the word after them is that value, not the command. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--config', '--state-dir', '--log-level']);

/** The command the arguments name, found as yargs will find it: the first word that is not an option or an option's value. */
export function commandNameIn(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** The specs yargs needs for these arguments: the named command's alone, or all (top-level help, a typo to suggest a command for). */
async function commandsFor(args: readonly string[]): Promise<CommandSpec<never>[]> {
  const name = commandNameIn(args);
  const entry = COMMAND_LOADERS.find(([n]) => n === name);
  return entry ? [await entry[1]()] : loadAllCommands();
}

const EPILOGUE = `Roles: invoked as git-credential-gatehouse, gatehouse-access-hook or pre-receive
(gatehouse-pre-receive), the same binary runs that role instead of this CLI.

Exit codes: 0 ok, 1 policy said no (findings, denied, failed checks), 2 usage or runtime error.`;

export async function runCli(args: string[], io: ProcessIO): Promise<number> {
  let exitCode = 0;
  // yargs reads a lone "-" as a flag; `scan -` means standard input, as in gitleaks and most tools.
  const scanAt = args.indexOf('scan');
  if (scanAt !== -1 && args[scanAt + 1] === '-') args = [...args.slice(0, scanAt + 1), 'stdin', ...args.slice(scanAt + 2)];
  const parser = yargs(args)
    .scriptName('gatehouse')
    .usage('$0 <command> [options]\n\nStands between untrusted git clients and the real git hosts: scans pushes for\nsecrets, refreshes mirrors, and hands out credentials the clients never see.')
    .version(gatehouseVersion())
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .option('config', { type: 'string', describe: 'config file (default: $XDG_CONFIG_HOME/gatehouse/gatehouse.toml)', global: true })
    .option('state-dir', { type: 'string', describe: 'state directory (default: $XDG_STATE_HOME/gatehouse)', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output on stdout', global: true })
    .option('log-level', { choices: LOG_LEVELS, describe: 'log level (default: log.level from config, else info)', global: true })
    .option('color', { type: 'boolean', describe: 'colour output (--no-color to turn off; NO_COLOR is honoured)', global: true })
    .strict()
    .demandCommand(1, 'no command given')
    .recommendCommands()
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .epilogue(EPILOGUE)
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false })
    .fail((message, error, failedParser) => {
      // Throwing stops yargs before any command handler runs, so a mistyped flag never acts.
      if (error) throw error;
      // yargs hands its usage instance here (not the Argv its types say): the help of the command that failed.
      let help = '';
      const usage = failedParser as unknown as { wrap(columns: number | null): void; showHelp(print: (text: string) => void): void };
      usage.wrap(null); // unwrapped, so an example is one whole line
      usage.showHelp((text) => (help = text));
      throw new UsageError(message, help);
    });

  for (const spec of await commandsFor(args)) {
    parser.command({
      command: spec.command,
      describe: spec.describe,
      builder: (y: Argv) => {
        // --version belongs to gatehouse, not to each command; -V after a command is an unknown option.
        const command = examplesOnTheirOwnLines(y.version(false));
        return spec.builder ? spec.builder(command) : command;
      },
      handler: async (argv: Record<string, unknown>) => {
        // Loaded here, not with the registry: `--help` needs neither the context nor the config.
        const [{ createContext, configOptions }, { prepareConfigLoader }] = await Promise.all([import('./context.ts'), import('../config/load-fast.ts')]);
        const flags = globalFlags(argv);
        const ctx = createContext(io, flags, await prepareConfigLoader(configOptions(io, flags)));
        exitCode = await spec.run(ctx, argv as never);
      },
    });
  }

  skipHelpPrerender(parser);
  try {
    await parser.parseAsync();
  } catch (error) {
    exitCode = reportError(error instanceof UsageError ? withUsage(error, args) : error, io);
  }
  return exitCode;
}

/** A yargs complaint ("Not enough non-option arguments"), with the help of the command it was about. */
class UsageError extends GatehouseError {
  readonly help: string;
  constructor(message: string, help: string) {
    super(message);
    this.help = help;
  }
}

/**
 * The complaint as the command's own usage line and first example, and a hint naming that
 * command's --help rather than the top-level one.
 */
function withUsage(error: UsageError, args: string[]): GatehouseError {
  const name = commandNameIn(args);
  const command = COMMAND_LOADERS.some(([n]) => n === name) ? name : undefined;
  const hint = `run 'gatehouse ${command ? `${command} ` : ''}--help' for usage`;
  if (!command) return new GatehouseError(error.message, { hint });
  const lines = error.help.split('\n');
  const usage = lines.find((l) => l.startsWith(`gatehouse ${command}`))?.trim();
  const examplesAt = lines.findIndex((l) => /^Examples:/.test(l));
  // Examples are a "# description" line over the command (examplesOnTheirOwnLines).
  const example = examplesAt === -1 ? undefined : lines.slice(examplesAt + 1).find((l) => l.trim() && !l.trim().startsWith('#'))?.trim().split(/\s{2,}/)[0];
  const detail = [usage ? `usage: ${usage}` : '', example ? `example: ${example}` : ''].filter(Boolean).join('\n  ');
  return new GatehouseError(detail ? `${error.message}\n  ${detail}` : error.message, { hint });
}

/**
 * yargs renders the command's whole help text each time a command runs, in case the handler
 * asks to show it later; that costs a quarter of a command's start. Nothing here shows help
 * after a handler started (errors are reported by reportError), so the pre-render is skipped.
 */
function skipHelpPrerender(parser: Argv): void {
  const internal = (parser as unknown as { getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}

/**
 * yargs sets an example beside its description in a column half the width of the help, and
 * wraps a longer command inside itself: pasted, it runs half a command. Here each example is a
 * comment line (its description) over the command on a line of its own; a command longer than
 * a terminal line is written with explicit ` \` continuations, which paste as they are.
 */
function examplesOnTheirOwnLines(y: Argv): Argv {
  const example = y.example.bind(y) as (command: string, description: string) => Argv;
  return Object.assign(y, {
    example: (command: string, description?: string) => {
      if (description) example(`# ${description}`, '');
      return example(command, '');
    },
  });
}

function globalFlags(argv: Record<string, unknown>): GlobalFlags {
  return {
    config: argv.config as string | undefined,
    stateDir: argv['state-dir'] as string | undefined,
    json: Boolean(argv.json),
    logLevel: argv['log-level'] as LogLevel | undefined,
    color: argv.color as boolean | undefined,
  };
}

/** Prints an error for a person: what happened and how to fix it, never a stack, never a secret. */
export function reportError(error: unknown, io: ProcessIO): number {
  const message = redactText(errorMessage(error));
  io.stderr.write(`gatehouse: ${message}\n`);
  if (error instanceof GatehouseError) {
    if (error.hint) io.stderr.write(`  hint: ${redactText(error.hint)}\n`);
    return error.exitCode;
  }
  return EXIT_ERROR;
}
