// `gatehouse demo`: the whole gate on this machine in a few seconds, with no network: a
// throwaway upstream, a mirror of it, git daemon on a free loopback port, a clone through the
// gate, a clean push that arrives upstream, and a push with a planted fake key that is refused.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git/run.ts';
import { freePort } from '../net/ports.ts';
import { createLogger } from '../log/logger.ts';
import { SupervisedDaemon } from './daemon.ts';
import { addMirror, mirrorsDir } from './mirrors.ts';

/** What the demo reports as it goes; the CLI prints it for a person, or collects it as JSON. */
export interface DemoReporter {
  step(n: number, total: number, title: string): void;
  /** What a step did: a path, a URL, git's output. */
  detail(text: string): void;
  /** How a step turned out. */
  outcome(ok: boolean, text: string): void;
  /** The working directory was kept (--keep). */
  kept(dir: string): void;
}

export interface DemoOptions {
  gatehouse: string;
  report: DemoReporter;
  keep: boolean;
}

const STEPS = 6;

/** A fake GitHub token shaped like a real one, made fresh for each run. */
function plantedToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `ghp_${Array.from(randomBytes(36), (b) => alphabet[b % alphabet.length]).join('')}`;
}

export async function runDemo(options: DemoOptions): Promise<boolean> {
  const { report } = options;
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
  const step = (n: number, text: string) => report.step(n, STEPS, text);
  const show = (text: string) => {
    for (const line of text.split('\n').filter(Boolean)) report.detail(line);
  };
  const gitconfig = join(root, 'gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Demo Agent\n\temail = agent@demo.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    XDG_STATE_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_TERMINAL_PROMPT: '0',
  };
  const stateDir = join(root, 'state', 'gatehouse');
  let daemon: SupervisedDaemon | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await daemon?.stop();
      if (options.keep) report.kept(root);
      else rmSync(root, { recursive: true, force: true });
    })());
  // Ctrl-C (or a SIGTERM) mid-demo: stop the daemon and remove the directory, then die of the
  // signal as the shell expects.
  const interrupted = (signal: NodeJS.Signals) => {
    void cleanUp().finally(() => {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      process.kill(process.pid, signal);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    step(1, 'Create a throwaway upstream repository (stands in for GitHub)');
    const upstream = join(root, 'upstream.git');
    const seed = join(root, 'seed');
    await runGit(['init', '-q', '--bare', upstream], { env });
    await runGit(['init', '-q', seed], { env });
    writeFileSync(join(seed, 'README.md'), '# demo app\n');
    await runGit(['add', '-A'], { cwd: seed, env });
    await runGit(['commit', '-q', '-m', 'initial commit'], { cwd: seed, env });
    await runGit(['push', '-q', upstream, 'main'], { cwd: seed, env });
    show(`upstream: ${upstream}`);

    step(2, 'Add a gate mirror of it (gatehouse mirror add demo UPSTREAM)');
    const mirror = await addMirror(stateDir, { name: 'demo', upstream, maxPackBytes: 10 * 1024 * 1024, fetchTimeoutMs: 30_000 }, options.gatehouse, env);
    show(`mirror: ${mirror.gitDir}\npre-receive gate installed; refs fetched from upstream`);

    step(3, 'Serve the mirrors with git daemon on a free loopback port (gatehouse daemon)');
    const port = await freePort();
    daemon = new SupervisedDaemon({
      mirrorsDir: mirrorsDir(stateDir),
      stateDir,
      listen: '127.0.0.1',
      port,
      maxConnections: 16,
      timeoutSeconds: 60,
      initTimeoutSeconds: 10,
      receivePack: true,
      gatehouse: options.gatehouse,
      env,
      logger: createLogger({ level: 'silent', sink: { write: () => true } }),
    });
    await daemon.start();
    const url = `git://127.0.0.1:${port}/demo.git`;
    show(`serving ${url}`);

    step(4, 'Clone through the gate, as an agent would (it never sees an upstream credential)');
    const agent = join(root, 'agent');
    await runGit(['clone', '-q', url, agent], { env });
    show(`git clone ${url}`);

    step(5, 'Push a clean commit: scanned, then forwarded upstream atomically');
    mkdirSync(join(agent, 'src'));
    writeFileSync(join(agent, 'src', 'hello.js'), 'export const hello = () => "hello";\n');
    await runGit(['add', '-A'], { cwd: agent, env });
    await runGit(['commit', '-q', '-m', 'add hello'], { cwd: agent, env });
    const clean = await gitPush(agent, env);
    show(clean.output);
    const { stdout: upstreamLog } = await runGit(['log', '--oneline', '-2', 'main'], { cwd: upstream, env });
    if (clean.code !== 0) throw new Error('the clean push was refused');
    report.outcome(true, 'arrived upstream:');
    show(upstreamLog);

    step(6, 'Push a commit holding a planted fake GitHub token: refused, shown redacted');
    const token = plantedToken();
    writeFileSync(join(agent, 'deploy.env'), `REGION=eu-west-1\nGITHUB_TOKEN=${token}\n`);
    await runGit(['add', '-A'], { cwd: agent, env });
    await runGit(['commit', '-q', '-m', 'add deploy settings'], { cwd: agent, env });
    const leak = await gitPush(agent, env);
    show(leak.output.replaceAll(token, '[planted token]'));
    const { stdout: upstreamHead } = await runGit(['log', '--oneline', '-1', 'main'], { cwd: upstream, env });
    const refused = leak.code !== 0 && !upstreamHead.includes('deploy settings') && !leak.output.includes(token);
    report.outcome(refused, refused ? `refused; the upstream still ends at: ${upstreamHead.trim()}` : 'the gate did not behave as expected');
    return refused;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

function gitPush(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', ['push', 'origin', 'main'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
