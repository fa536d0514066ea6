// Structured logging: one JSON object per line, secrets redacted before the line is formed.
import { openSync, writeSync } from 'node:fs';
import { redactValue } from './redact.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LogSink {
  write(line: string): unknown;
}

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink: LogSink;
  now?: () => Date;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const base = options.base ?? {};
  const state = { level: options.level ?? 'info' };

  const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < RANK[state.level]) return;
    const record = redactValue({ time: now().toISOString(), level, msg, ...base, ...fields });
    options.sink.write(`${JSON.stringify(record)}\n`);
  };

  return {
    get level() {
      return state.level;
    },
    set level(level: LogLevel) {
      state.level = level;
    },
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ level: state.level, sink: options.sink, now, base: { ...base, ...fields } }),
  };
}

/**
 * The same logger, except that a line that cannot be written (a full disk, a broken sink) is
 * dropped instead of thrown: for records whose loss must not change a decision, such as the
 * answer to a push the upstream has already taken.
 */
export function bestEffort(logger: Logger): Logger {
  const guarded =
    (write: (msg: string, fields?: Record<string, unknown>) => void) =>
    (msg: string, fields?: Record<string, unknown>) => {
      try {
        write(msg, fields);
      } catch {
        // dropped: see above
      }
    };
  return {
    get level() {
      return logger.level;
    },
    set level(level: LogLevel) {
      logger.level = level;
    },
    debug: guarded(logger.debug),
    info: guarded(logger.info),
    warn: guarded(logger.warn),
    error: guarded(logger.error),
    child: (fields) => bestEffort(logger.child(fields)),
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

let writeFailures = 0;

/** Log writes this process could not make (a full disk, a broken sink), for /metrics. */
export function logWriteFailures(): number {
  return writeFailures;
}

/**
 * A sink whose failures never reach the caller: for servers, which must keep serving when their
 * log cannot be written (a full disk). Each failed write is counted (logWriteFailures); the first
 * of a run of failures is said once on `fallback` (stderr), and so is the recovery.
 */
export function guardedSink(inner: LogSink, fallback: LogSink): LogSink {
  let failing = false;
  const say = (text: string) => {
    try {
      fallback.write(text);
    } catch {
      // nowhere left to say it; the counter still has it
    }
  };
  return {
    write(line: string) {
      try {
        inner.write(line);
      } catch (error) {
        writeFailures++;
        if (!failing) {
          failing = true;
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          say(`gatehouse: cannot write the log (${reason}); its lines are dropped until it can be written (counted as gatehouse_log_write_failures_total)\n`);
        }
        return true;
      }
      if (failing) {
        failing = false;
        say(`gatehouse: the log can be written again (${writeFailures} writes failed so far)\n`);
      }
      return true;
    },
  };
}

/** Appends log lines to a file created 0600 (logs can name hosts and repos; keep them private). */
export function fileSink(path: string): LogSink {
  const fd = openSync(path, 'a', 0o600);
  return { write: (line: string) => writeSync(fd, line) };
}

/**
 * For servers: lines are gathered and written together once per turn of the event loop, so a
 * busy proxy makes one write per batch instead of one per request. Flushed on exit.
 */
export function batchingSink(inner: LogSink): LogSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending.length) return;
    const text = pending.join('');
    pending = [];
    inner.write(text);
  };
  process.once('exit', flush);
  return {
    write(line: string) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return true;
    },
  };
}
