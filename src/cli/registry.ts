// The yargs command registry for `gatehouse <command>`: global flags, help, exit codes.
import yargs, { type Argv } from 'yargs';
import { EXIT_ERROR, GatehouseError, errorMessage } from '../errors.ts';
import { LOG_LEVELS, type LogLevel } from '../log/logger.ts';
import { redactText } from '../log/redact.ts';
import type { ProcessIO } from '../process-io.ts';
import { gatehouseVersion } from '../version.ts';
import type { CommandSpec } from './command.ts';
import { createContext, type GlobalFlags } from './context.ts';
import { configCommand } from './config.ts';
import { doctorCommand } from './doctor.ts';
import { scanCommand } from './scan.ts';
import { installHooksCommand, mirrorCommand } from './mirror.ts';
import { daemonCommand } from './daemon.ts';
import { demoCommand } from './demo.ts';
import { credentialCommand } from './credential.ts';
import { tokenCommand } from './token.ts';
import { serveCommand } from './serve.ts';
import { gitconfigCommand } from './gitconfig.ts';
import { shimCommand } from './shim.ts';
import { auditCommand } from './audit.ts';

const COMMANDS: CommandSpec<never>[] = [demoCommand, scanCommand, mirrorCommand, installHooksCommand, daemonCommand, serveCommand, shimCommand, gitconfigCommand, credentialCommand, tokenCommand, auditCommand, configCommand, doctorCommand] as CommandSpec<never>[];

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

  for (const spec of COMMANDS) {
    parser.command({
      command: spec.command,
      describe: spec.describe,
      builder: (y: Argv) => (spec.builder ? spec.builder(y) : y),
      handler: async (argv: Record<string, unknown>) => {
        const ctx = createContext(io, globalFlags(argv));
        exitCode = await spec.run(ctx, argv as never);
      },
    });
  }

  try {
    await parser.parseAsync();
  } catch (error) {
    exitCode = reportError(error instanceof UsageError ? withUsage(error, args) : error, io);
  }
  return exitCode;
}

/** A yargs complaint ("Not enough non-option arguments"), with the parser of the command it was about. */
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
  const command = args.find((a) => !a.startsWith('-') && COMMANDS.some((c) => commandName(c) === a));
  const hint = `run 'gatehouse ${command ? `${command} ` : ''}--help' for usage`;
  if (!command) return new GatehouseError(error.message, { hint });
  const lines = error.help.split('\n');
  const usage = lines.find((l) => l.startsWith(`gatehouse ${command}`))?.trim();
  const examplesAt = lines.findIndex((l) => /^Examples:/.test(l));
  const example = examplesAt === -1 ? undefined : lines.slice(examplesAt + 1).find((l) => l.trim())?.trim().split(/\s{2,}/)[0];
  const detail = [usage ? `usage: ${usage}` : '', example ? `example: ${example}` : ''].filter(Boolean).join('\n  ');
  return new GatehouseError(detail ? `${error.message}\n  ${detail}` : error.message, { hint });
}

function commandName(spec: CommandSpec<never>): string {
  const first = Array.isArray(spec.command) ? spec.command[0]! : spec.command;
  return first.split(' ')[0]!;
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
