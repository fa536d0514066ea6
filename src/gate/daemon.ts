// Runs the real `git daemon` over the mirrors, supervised: restarted with backoff if it dies,
// stopped cleanly on SIGTERM/SIGINT, its output folded into gatehouse's JSON log.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';

export interface DaemonOptions {
  mirrorsDir: string;
  stateDir: string;
  listen: string;
  port: number;
  maxConnections: number;
  timeoutSeconds: number;
  initTimeoutSeconds: number;
  /** Accept pushes (receive-pack) over git://; off, git daemon refuses them before any hook runs. */
  receivePack: boolean;
  /** The gatehouse executable; the access hook is a link to it named gatehouse-access-hook. */
  gatehouse: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export function daemonArguments(options: DaemonOptions, accessHook: string): string[] {
  return [
    'daemon',
    '--reuseaddr',
    `--base-path=${options.mirrorsDir}`,
    `--listen=${options.listen}`,
    `--port=${options.port}`,
    // Off, receive-pack is also barred from being turned on by a repository's daemon.receivepack.
    options.receivePack ? '--enable=receive-pack' : '--forbid-override=receive-pack',
    `--access-hook=${accessHook}`,
    `--timeout=${options.timeoutSeconds}`,
    `--init-timeout=${options.initTimeoutSeconds}`,
    `--max-connections=${options.maxConnections}`,
    '--informative-errors',
    '--verbose',
    // Only directories under the mirrors dir, and only those with git-daemon-export-ok.
    options.mirrorsDir,
  ];
}

/**
 * What every start of git:// says, on stderr and in the log: git daemon checks no one, so the
 * port is an open door to every mirror (and, with push on, to every upstream through the gate).
 */
export function gitProtocolWarning(listen: string, port: number, push: boolean): string {
  const what = push ? 'read every mirror and push to it (pushes are still scanned)' : 'read every mirror (pushes over git:// are off)';
  return `warning: git:// has no authentication: anyone who can reach ${listen}:${port} can ${what}; use it only on a trusted network`;
}

/**
 * What git daemon runs as its access hook: a shell script that answers a push (receive-pack) at
 * once, since a push needs no mirror refresh and the repository's pre-receive gate decides it,
 * and hands everything else to gatehouse through a link whose name selects the access-hook
 * role. Starting gatehouse for a push only to say yes cost about a tenth of a gated push.
 */
export function prepareAccessHook(stateDir: string, gatehouse: string): string {
  const dir = join(stateDir, 'bin');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const link = join(dir, 'gatehouse-access-hook');
  rmSync(link, { force: true });
  symlinkSync(gatehouse, link);
  const script = join(dir, 'access-hook');
  const quoted = `'${link.replace(/'/g, `'\\''`)}'`;
  writeFileSync(script, `#!/bin/sh\n# git daemon --access-hook, written by gatehouse daemon.\ncase "$1" in receive-pack) exit 0 ;; esac\nexec ${quoted} "$@"\n`, { mode: 0o700 });
  chmodSync(script, 0o700);
  return script;
}

export class SupervisedDaemon {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private readonly options: DaemonOptions;
  private readonly args: string[];
  private stoppedResolve: (() => void) | null = null;
  readonly stopped: Promise<void>;

  constructor(options: DaemonOptions) {
    this.options = options;
    mkdirSync(options.mirrorsDir, { recursive: true, mode: 0o700 });
    this.args = daemonArguments(options, prepareAccessHook(options.stateDir, options.gatehouse));
    this.stopped = new Promise((resolve) => (this.stoppedResolve = resolve));
  }

  start(): void {
    const log = this.options.logger;
    const startedAt = Date.now();
    const child = spawn('git', this.args, { env: this.options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const fold = (stream: NodeJS.ReadableStream) => {
      let carry = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (carry + chunk.toString()).split('\n');
        carry = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) log.info('git daemon', { line: line.replace(/^\[\d+\] /, '') });
      });
    };
    fold(child.stdout!);
    fold(child.stderr!);
    log.info('git daemon started', { pid: child.pid, listen: this.options.listen, port: this.options.port, push: this.options.receivePack, mirrors: this.options.mirrorsDir });
    child.on('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) {
        log.info('git daemon stopped', { code, signal });
        this.stoppedResolve?.();
        return;
      }
      if (Date.now() - startedAt > 60_000) this.restarts = 0;
      const delay = Math.min(30_000, 500 * 2 ** this.restarts++);
      log.error('git daemon exited; restarting', { code, signal, inMs: delay });
      setTimeout(() => {
        if (!this.stopping) this.start();
        else this.stoppedResolve?.();
      }, delay).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) this.child.kill('SIGTERM');
    else this.stoppedResolve?.();
    await this.stopped;
  }
}
