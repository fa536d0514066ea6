// What every command gets: its streams and environment, the global flags, and lazy access to
// config and the store, so a command that needs neither never pays for them.
import type { ChalkInstance } from 'chalk';
import { basename } from 'node:path';
import { GatehouseError } from '../errors.ts';
import type { LoadedConfig, LoadOptions } from '../config/source.ts';
import { configEnv } from '../config/source.ts';
import { batchingSink, createLogger, fileSink, guardedSink, type Logger, type LogLevel } from '../log/logger.ts';
import type { ProcessIO } from '../process-io.ts';
import { makeChalk } from './output.ts';

export interface GlobalFlags {
  config?: string | undefined;
  stateDir?: string | undefined;
  json: boolean;
  logLevel?: LogLevel | undefined;
  color?: boolean | undefined;
}

export interface CommandContext {
  io: ProcessIO;
  flags: GlobalFlags;
  out: ChalkInstance;
  err: ChalkInstance;
  config(): LoadedConfig;
  /**
   * The environment for child processes that may run gatehouse again (hooks under git daemon or
   * http-backend, the credential helper under git fetch/push): this process's, plus the config
   * file and state dir it resolved, so the children load the same ones.
   */
  childEnv(): NodeJS.ProcessEnv;
  logger(): Logger;
  /** For long-running servers: the same logger, with writes batched per event-loop turn. */
  serverLogger(): Logger;
}

/** gatehouse's config; a gitleaks rules file given as --config gets a pointer to --rules. */
function withRulesHint(loadConfig: () => LoadedConfig, flags: GlobalFlags): LoadedConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof GatehouseError && flags.config && /gitleaks/i.test(basename(flags.config))) {
      throw new GatehouseError(error.message, {
        hint: `--config is gatehouse's own gatehouse.toml; did you mean --rules ${flags.config} (gitleaks rules for scan), or gate.rules in gatehouse.toml for pushes?`,
      });
    }
    throw error;
  }
}

/** The options config loading takes from the process and the global flags. */
export function configOptions(io: ProcessIO, flags: GlobalFlags): LoadOptions {
  return { env: io.env, cwd: io.cwd, configPath: flags.config, stateDir: flags.stateDir };
}

/** loadConfig: loads the config for configOptions(io, flags) (config/load-fast.ts prepareConfigLoader). */
export function createContext(io: ProcessIO, flags: GlobalFlags, loadConfig: () => LoadedConfig): CommandContext {
  let loaded: LoadedConfig | undefined;
  let logger: Logger | undefined;
  const config = () => (loaded ??= withRulesHint(loadConfig, flags));
  return {
    io,
    flags,
    out: makeChalk(io.stdout, io.env, flags.color),
    err: makeChalk(io.stderr, io.env, flags.color),
    config,
    childEnv: () => configEnv(config(), io.env),
    logger: () => {
      if (!logger) {
        const { log } = config().config;
        logger = createLogger({ level: flags.logLevel ?? log.level, sink: log.file ? guardedSink(fileSink(log.file), io.stderr) : io.stderr });
      }
      return logger;
    },
    serverLogger: () => {
      const { log } = config().config;
      return createLogger({ level: flags.logLevel ?? log.level, sink: batchingSink(log.file ? guardedSink(fileSink(log.file), io.stderr) : io.stderr) });
    },
  };
}

export function writeJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
