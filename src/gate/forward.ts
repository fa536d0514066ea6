// Forwards a scanned push to the upstream as one atomic push: every ref moves or none does,
// and each ref is leased to the value the mirror had, so an upstream that moved since the last
// refresh is never clobbered.
import { spawn } from 'node:child_process';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';

export interface UpstreamGitResult {
  /** git's exit code; null when it was killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Set when git could not be started at all. */
  spawnError?: string;
}

export interface UpstreamGitOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Called with git's pid (also its process group id) as soon as it is started. */
  onSpawn?(pid: number): void;
}

const MAX_OUTPUT = 64 * 1024;
const EXIT_GRACE_MS = 2000;

/**
 * Runs git against the upstream in a process group of its own. On timeout the whole group is
 * killed: git push hands the transport to helpers (git-remote-http, ssh, send-pack,
 * pack-objects) that would otherwise keep the connection and the pipes open after git itself is
 * gone. The group is killed again once git has exited, for whatever reason, so no helper
 * outlives the command.
 */
export function runUpstreamGit(args: string[], options: UpstreamGitOptions): Promise<UpstreamGitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (result: UpstreamGitResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      resolve(result);
    };
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += c.toString();
    });
    const finishNow = () => {
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ code: exit?.code ?? null, signal: exit?.signal ?? null, timedOut, stdout, stderr });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      if (exit) finishNow();
    }, options.timeoutMs);
    child.on('error', (error) => {
      finish({ code: null, signal: null, timedOut: false, stdout, stderr, spawnError: error.message });
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      killGroup();
      // The pipes close once the last process holding them is gone. Something that left the
      // group (and so was not killed) could hold them open: stop waiting for it soon.
      grace = setTimeout(finishNow, EXIT_GRACE_MS);
    });
    child.on('close', (code, signal) => {
      finish({ code, signal, timedOut, stdout, stderr });
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
  });
}

export function forwardArguments(upstream: string, updates: RefUpdate[]): string[] {
  const args = ['-c', 'push.default=nothing', '-c', 'core.hooksPath=/dev/null', 'push', '--atomic', '--porcelain', '--no-verify'];
  for (const u of updates) args.push(`--force-with-lease=${u.ref}:${isZeroOid(u.oldOid) ? '' : u.oldOid}`);
  args.push(upstream);
  for (const u of updates) args.push(isZeroOid(u.newOid) ? `:${u.ref}` : `${u.newOid}:${u.ref}`);
  return args;
}

export interface ForwardResult {
  ok: boolean;
  /** git's own words, for the client (upstream errors are not secret; credentials never reach them). */
  output: string;
}

export interface ForwardOptions {
  gitDir: string;
  upstream: string;
  updates: RefUpdate[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  onSpawn?(pid: number): void;
}

export async function forwardPush(options: ForwardOptions): Promise<ForwardResult> {
  const result = await runUpstreamGit(forwardArguments(options.upstream, options.updates), { cwd: options.gitDir, env: options.env, timeoutMs: options.timeoutMs, onSpawn: options.onSpawn });
  if (result.spawnError) return { ok: false, output: `cannot run git push: ${result.spawnError}` };
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.timedOut) return { ok: false, output: `${output}\nupstream did not answer within ${formatSeconds(options.timeoutMs)}`.trim() };
  return { ok: result.code === 0, output };
}

function formatSeconds(ms: number): string {
  return `${Math.round((ms / 1000) * 10) / 10} s`;
}
