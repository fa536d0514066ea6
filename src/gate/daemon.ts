// Runs the real `git daemon` over the mirrors, supervised: restarted with bounded backoff if it
// dies, never outliving gatehouse, its output folded into gatehouse's JSON log.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatehouseError } from '../errors.ts';
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

/**
 * git daemon runs under this sh wrapper. Its stdin is a pipe from gatehouse that gatehouse never
 * writes: EOF means gatehouse is gone, however it went (SIGKILL included; Node cannot ask the
 * kernel for a parent-death signal), and the wrapper then stops git daemon. A non-interactive
 * shell gives a background job /dev/null as stdin, hence the pipe's copy on fd 3. git-daemon is
 * run itself, not through \`git daemon\`: that git runs git-daemon as a child and dies of a
 * SIGTERM alone, leaving git-daemon serving (seen when Ctrl-C reached the whole group).
 */
const WRAPPER = `exec 3<&0
"$(git --exec-path)/git-daemon" "$@" </dev/null 3<&- &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null' TERM INT HUP
{ while read -r _; do :; done; kill -TERM "$daemon" 2>/dev/null; } <&3 &
watcher=$!
exec 3<&-
wait "$daemon"; code=$?
while kill -0 "$daemon" 2>/dev/null; do wait "$daemon"; code=$?; done
kill "$watcher" 2>/dev/null
exit "$code"`;

/** Consecutive restarts of a crashed git daemon before the supervisor gives up. */
export const MAX_RESTARTS = 5;
const FIRST_DELAY_MS = 500;
/** A git daemon that ran this long was healthy: the next crash starts the count again. */
const HEALTHY_MS = 60_000;

/** git daemon says this when it cannot listen (the port is taken, or the address is not ours). */
const CANNOT_LISTEN = /unable to allocate any listen sockets|Could not bind to [^:]*: (.*)/;

export function portTakenError(listen: string, port: number, reason: string): GatehouseError {
  return new GatehouseError(`cannot listen on ${listen}:${port}: ${reason}`, {
    hint: `another process has port ${port} (ss -ltnp 'sport = :${port}' shows which); stop it or choose another port`,
  });
}

export class SupervisedDaemon {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly options: DaemonOptions;
  private readonly args: string[];
  private settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  /** Resolves after stop(); rejects when git daemon cannot listen or keeps crashing. */
  readonly done: Promise<void>;

  constructor(options: DaemonOptions) {
    this.options = options;
    mkdirSync(options.mirrorsDir, { recursive: true, mode: 0o700 });
    this.args = daemonArguments(options, prepareAccessHook(options.stateDir, options.gatehouse));
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => {}); // the owner awaits it; an early failure is not unhandled
  }

  /** Starts git daemon; resolves once it listens, rejects when it cannot (then `done` rejects too). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.spawn(resolve, reject));
  }

  private spawn(ready: () => void, failed: (error: Error) => void): void {
    const log = this.options.logger;
    const { listen, port } = this.options;
    const startedAt = Date.now();
    const child = spawn('/bin/sh', ['-c', WRAPPER, 'gatehouse-git-daemon', ...this.args.slice(1)], {
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdin!.on('error', () => {}); // EPIPE once the wrapper is gone
    let listening = false;
    let cannotListen = '';
    const fold = (stream: NodeJS.ReadableStream) => {
      let carry = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (carry + chunk.toString()).split('\n');
        carry = lines.pop() ?? '';
        for (const raw of lines) {
          const line = raw.replace(/^\[\d+\] /, '');
          if (!line.trim()) continue;
          const bind = CANNOT_LISTEN.exec(line);
          if (bind) cannotListen ||= bind[1] ?? 'address already in use';
          if (!listening && /^Ready to rumble/.test(line)) {
            listening = true;
            log.info('git daemon listening', { pid: child.pid, listen, port, push: this.options.receivePack, mirrors: this.options.mirrorsDir });
            ready();
          }
          log.info('git daemon', { line });
        }
      });
    };
    fold(child.stdout!);
    fold(child.stderr!);
    child.on('close', (code, signal) => {
      this.child = null;
      if (this.stopping) {
        log.info('git daemon stopped', { code, signal });
        ready(); // a start() cut short by stop() is over, not pending
        this.settle?.resolve();
        return;
      }
      if (cannotListen) {
        const error = portTakenError(listen, port, cannotListen.toLowerCase());
        log.error('git daemon cannot listen', { listen, port, reason: cannotListen });
        failed(error);
        this.settle?.reject(error);
        return;
      }
      if (!listening) {
        const error = new GatehouseError(`git daemon exited (code ${code}, signal ${signal}) before it listened on ${listen}:${port}`, { hint: 'its output is in the log above' });
        failed(error);
        this.settle?.reject(error);
        return;
      }
      if (Date.now() - startedAt > HEALTHY_MS) this.restarts = 0;
      if (this.restarts >= MAX_RESTARTS) {
        const error = new GatehouseError(`git daemon crashed ${MAX_RESTARTS + 1} times in a row; giving up`, { hint: 'its output is in the log above' });
        log.error('git daemon keeps crashing; giving up', { code, signal, restarts: this.restarts });
        this.settle?.reject(error);
        return;
      }
      const delay = FIRST_DELAY_MS * 2 ** this.restarts++;
      log.error('git daemon exited; restarting', { code, signal, restart: this.restarts, of: MAX_RESTARTS, inMs: delay });
      // Not unref'd: the wait for the restart is what keeps gatehouse running meanwhile.
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.spawn(
          () => {},
          (error) => this.settle?.reject(error),
        );
      }, delay);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    // The wrapper stops git daemon when its stdin closes, as it would if gatehouse died.
    if (this.child) this.child.stdin!.end();
    else this.settle?.resolve();
    await this.done.catch(() => {});
  }
}
