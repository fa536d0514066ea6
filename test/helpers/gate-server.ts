// `gatehouse daemon` / `gatehouse serve` as a child process: started with the arguments a test
// gives, ready once its ports accept connections, stopped with SIGTERM and awaited, and checked
// for git daemons left behind over its mirrors.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { BINARY } from './binary.ts';
import { waitForPort } from './net.ts';

export interface GateServer {
  child: ChildProcess;
  /** Everything the server printed on stderr so far. */
  stderr(): string;
  /** Resolves once what the server printed on stderr matches. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** SIGTERM, then the exit code once the process has exited and its output is all read. */
  stop(): Promise<number | null>;
}

export async function startGateServer(t: { after(fn: () => unknown): void }, args: string[], env: NodeJS.ProcessEnv, ports: number[]): Promise<GateServer> {
  const child = spawn(BINARY, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const waiters = new Set<{ pattern: RegExp; resolve: (text: string) => void }>();
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c;
    for (const w of waiters) if (w.pattern.test(stderr)) {
      waiters.delete(w);
      w.resolve(stderr);
    }
  });
  // 'close': the process has exited and its stderr has been read to the end.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  t.after(stop);
  const ready = Promise.all(ports.map((port) => waitForPort(port)));
  const died = exited.then((code) => {
    throw new Error(`gatehouse ${args.join(' ')} exited (${code}) before listening: ${stderr}`);
  });
  await Promise.race([ready, died]);
  died.catch(() => {}); // exiting later, when stopped, is expected
  const waitForStderr = (pattern: RegExp) =>
    pattern.test(stderr) ? Promise.resolve(stderr) : new Promise<string>((resolve) => waiters.add({ pattern, resolve }));
  return { child, stderr: () => stderr, waitForStderr, stop };
}

/** Process ids of git daemons (the git wrapper and git-daemon itself) serving the given mirrors directory, by their --base-path. */
export function gitDaemonsOver(mirrorsDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`).toString('utf8').split('\0');
    } catch {
      continue; // gone
    }
    if (argv.includes(`--base-path=${mirrorsDir}`)) pids.push(Number(entry));
  }
  return pids;
}
