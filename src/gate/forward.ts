// Forwards a scanned push to the upstream as one atomic push: every ref moves or none does,
// and each ref is leased to the value the mirror had, so an upstream that moved since the last
// refresh is never clobbered.
import { spawn } from 'node:child_process';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';

export interface ForwardResult {
  ok: boolean;
  /** git's own words, for the client (upstream errors are not secret; credentials never reach them). */
  output: string;
}

export function forwardArguments(upstream: string, updates: RefUpdate[]): string[] {
  const args = ['-c', 'push.default=nothing', '-c', 'core.hooksPath=/dev/null', 'push', '--atomic', '--porcelain', '--no-verify'];
  for (const u of updates) args.push(`--force-with-lease=${u.ref}:${isZeroOid(u.oldOid) ? '' : u.oldOid}`);
  args.push(upstream);
  for (const u of updates) args.push(isZeroOid(u.newOid) ? `:${u.ref}` : `${u.newOid}:${u.ref}`);
  return args;
}

export function forwardPush(options: { gitDir: string; upstream: string; updates: RefUpdate[]; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ForwardResult> {
  return new Promise((resolve) => {
    const child = spawn('git', forwardArguments(options.upstream, options.updates), { cwd: options.gitDir, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer) => {
      if (output.length < 64 * 1024) output += c.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      output += `\nupstream did not answer within ${Math.round(options.timeoutMs / 1000)} s`;
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `cannot run git push: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, output: output.trim() });
    });
  });
}
