// What a long-running server says to the person who started it in a terminal: every URL it
// serves, and the config and state it runs on. Only on a terminal: piped or under a supervisor,
// the output stays the machine-readable log lines.
import type { ChalkInstance } from 'chalk';
import type { LoadedConfig } from '../config/source.ts';
import type { ProcessIO } from '../process-io.ts';

export interface BannerLine {
  label: string;
  value: string;
  note?: string;
}

export function writeBanner(io: ProcessIO, chalk: ChalkInstance, title: string, lines: BannerLine[], loaded: LoadedConfig, reloads: boolean): void {
  if (!io.stdout.isTTY) return;
  const all: BannerLine[] = [
    ...lines,
    { label: 'config', value: loaded.file ?? 'none: embedded defaults', ...(loaded.file ? {} : { note: 'gatehouse config show prints them' }) },
    { label: 'state', value: loaded.stateDir },
  ];
  const width = Math.max(...all.map((l) => l.label.length));
  const body = all.map((l) => `  ${l.label.padEnd(width)}  ${chalk.bold(l.value)}${l.note ? chalk.dim(`  (${l.note})`) : ''}`);
  io.stdout.write(`${chalk.bold(title)}\n${body.join('\n')}\n${chalk.dim(`  Ctrl-C stops${reloads ? '; SIGHUP reloads the shim routes' : ''}`)}\n`);
}

/** A listen address as the host part of a URL: IPv6 in brackets. */
export function urlHost(listen: string): string {
  return listen.includes(':') ? `[${listen}]` : listen;
}
