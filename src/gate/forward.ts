// Forwards a scanned push to the upstream as one atomic push: every ref moves or none does,
// and each ref is leased to the value the mirror had, so an upstream that moved since the last
// refresh is never clobbered.
//
// A forward that did not end with the upstream's answer for every ref (killed, timed out, cut
// off) may still have reached the upstream, so its outcome is "unknown" and the caller reads the
// upstream's refs (readUpstreamRefs) before it answers the client.
import { spawn } from 'node:child_process';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';
import { isFullOid } from '../git/oid.ts';

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

export type ForwardResult =
  /** The upstream took every ref. */
  | { outcome: 'accepted'; output: string }
  /** The upstream (or the lease, checked before anything is sent) refused every ref, or git failed at first contact: it holds nothing of this push. */
  | { outcome: 'refused'; output: string }
  /** The forward ended without the upstream's answer for every ref: it may or may not have reached the upstream. */
  | { outcome: 'unknown'; reason: string; output: string };

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
  // git's own words, for the client (upstream errors are not secret; credentials never reach them).
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.spawnError) return { outcome: 'refused', output: `cannot run git push: ${result.spawnError}` };
  if (result.timedOut) return { outcome: 'unknown', reason: `the upstream did not answer within ${formatSeconds(options.timeoutMs)}`, output };
  if (result.code === 0) return { outcome: 'accepted', output };
  if (result.code === null) return { outcome: 'unknown', reason: `git push was killed by ${result.signal ?? 'a signal'}`, output };
  if (everyRefRefused(result.stdout, options.updates) || failedBeforeSending(result.stderr)) return { outcome: 'refused', output };
  return { outcome: 'unknown', reason: `git push failed (exit ${result.code}) without the upstream's answer for every ref`, output };
}

/**
 * True when git push --porcelain reported every pushed ref as refused: "[rejected]" (decided
 * before anything was sent: a lease that no longer holds, or an atomic push that another ref
 * failed) or "[remote rejected]" (the upstream's own refusal; an atomic push there moves
 * nothing). "[remote failure]" and a missing line mean the answer never came.
 */
export function everyRefRefused(porcelain: string, updates: RefUpdate[]): boolean {
  const refused = new Set<string>();
  for (const line of porcelain.split('\n')) {
    const [flag, refs, summary] = line.split('\t');
    if (flag !== '!' || refs === undefined || summary === undefined) continue;
    if (!summary.startsWith('[rejected]') && !summary.startsWith('[remote rejected]')) continue;
    refused.add(refs.slice(refs.lastIndexOf(':') + 1));
  }
  return updates.length > 0 && updates.every((u) => refused.has(u.ref));
}

/**
 * git's own words for a push that failed at first contact, before anything was sent: nothing
 * of it can have reached the upstream's refs. Anything else that fails is not known to be one.
 * (In another locale git's words differ, and such a failure is merely checked like the rest.)
 */
const FIRST_CONTACT_FAILURES = [
  // HTTP(S) ref discovery (remote-curl's discover_refs): no connection, TLS, any HTTP error
  // including a redirect (the gate's git follows none), a 404, credentials refused.
  /^fatal: unable to access '/m,
  /^fatal: repository '.*' not found$/m,
  /^fatal: Authentication failed for '/m,
  // No credential to offer when the upstream asked for one (an upstream refusing a request does
  // not act on it).
  /^fatal: could not read (Username|Password) for '/m,
  // The upstream side could not open the repository (a local path, ssh).
  /^fatal: '.*' does not appear to be a git repository$/m,
  // No ref advertisement came at all (connect.c's die_initial_contact): ssh could not connect,
  // a host key that does not match the pin.
  /^fatal: Could not read from remote repository\.$/m,
];

export function failedBeforeSending(stderr: string): boolean {
  return FIRST_CONTACT_FAILURES.some((pattern) => pattern.test(stderr));
}

export type UpstreamCheck =
  /** Every pushed ref is at its pushed value upstream (a deletion: absent). */
  | { holds: true }
  /** The upstream's refs were read and do not hold this push; `differs` names the refs that disagree. */
  | { holds: false; differs: string[] }
  /** The upstream's refs could not be read. */
  | { holds: 'unknown'; output: string };

/** Reads the upstream's refs for the pushed names (git ls-remote, same environment, its own timeout) and compares them with the pushed values. */
export async function readUpstreamRefs(options: ForwardOptions): Promise<UpstreamCheck> {
  const result = await runUpstreamGit(['ls-remote', options.upstream, ...options.updates.map((u) => u.ref)], { cwd: options.gitDir, env: options.env, timeoutMs: options.timeoutMs, onSpawn: options.onSpawn });
  if (result.spawnError) return { holds: 'unknown', output: `cannot run git ls-remote: ${result.spawnError}` };
  if (result.timedOut) return { holds: 'unknown', output: `${result.stderr.trim()}\ngit ls-remote: the upstream did not answer within ${formatSeconds(options.timeoutMs)}`.trim() };
  if (result.code !== 0) return { holds: 'unknown', output: result.stderr.trim() || `git ls-remote failed (${result.code ?? result.signal})` };
  return compareUpstreamRefs(result.stdout, options.updates);
}

/**
 * Every object id the upstream's refs hold, for the scan: the forward sends whatever the
 * upstream lacks, which is more than the mirror's refs say when the mirror is behind (a branch
 * deleted upstream and not yet refreshed away). Throws when the upstream cannot be read.
 */
export async function listUpstreamObjects(options: Omit<ForwardOptions, 'updates'>): Promise<string[]> {
  const result = await runUpstreamGit(['ls-remote', options.upstream], { cwd: options.gitDir, env: options.env, timeoutMs: options.timeoutMs, onSpawn: options.onSpawn });
  if (result.spawnError) throw new Error(`cannot run git ls-remote: ${result.spawnError}`);
  if (result.timedOut) throw new Error(`the upstream did not list its refs within ${formatSeconds(options.timeoutMs)}`);
  if (result.code !== 0) throw new Error(`git ls-remote of the upstream failed: ${(result.stderr.trim().split('\n').at(-1) ?? '') || (result.code ?? result.signal)}`);
  const oids = new Set<string>();
  for (const line of result.stdout.split('\n')) {
    const oid = line.slice(0, line.indexOf('\t'));
    if (isFullOid(oid)) oids.add(oid);
  }
  return [...oids];
}

/** Compares git ls-remote output with the pushed values: names match exactly (ls-remote's patterns match tails). */
export function compareUpstreamRefs(lsRemote: string, updates: RefUpdate[]): UpstreamCheck {
  const upstream = new Map<string, string>();
  for (const line of lsRemote.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) upstream.set(line.slice(tab + 1), line.slice(0, tab));
  }
  const differs = updates.filter((u) => (isZeroOid(u.newOid) ? upstream.has(u.ref) : upstream.get(u.ref) !== u.newOid)).map((u) => u.ref);
  return differs.length ? { holds: false, differs } : { holds: true };
}

function formatSeconds(ms: number): string {
  return `${Math.round((ms / 1000) * 10) / 10} s`;
}
