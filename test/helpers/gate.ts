// A gate on one machine: an upstream bare repository, a bare mirror of it with the built
// binary as its pre-receive hook, and a client clone of the mirror.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, run } from './binary.ts';
import { GIT_ENV, TestRepo } from './git.ts';
import { tempDir } from './tmp.ts';

export interface Gate {
  root: string;
  env: NodeJS.ProcessEnv;
  upstream: TestRepo;
  mirror: TestRepo;
  client: TestRepo;
  /** Pushes from the client; returns git's exit code and everything it printed. */
  push(...args: string[]): { code: number; output: string };
  /** The same, without blocking the event loop: for an upstream served from the test process itself. */
  pushAsync(...args: string[]): Promise<{ code: number | null; output: string }>;
}

/** A private HOME, state and config dir under root, with gatehouse.toml when given: the env for gatehouse and git. */
export function gatehouseEnv(root: string, configToml?: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  mkdirSync(join(root, 'home'), { recursive: true });
  mkdirSync(join(root, 'config/gatehouse'), { recursive: true });
  if (configToml) writeFileSync(join(root, 'config/gatehouse/gatehouse.toml'), configToml);
  return { ...GIT_ENV, HOME: join(root, 'home'), XDG_STATE_HOME: join(root, 'state'), XDG_CONFIG_HOME: join(root, 'config'), ...extra };
}

export function createGate(t: { after(fn: () => void): void }, options: { configToml?: string; env?: NodeJS.ProcessEnv } = {}): Gate {
  const root = tempDir(t, 'gatehouse-gate');
  const env = gatehouseEnv(root, options.configToml, options.env);
  const seed = new TestRepo(join(root, 'seed'));
  seed.commit('initial', { 'README.md': '# app\n', 'src/app.js': 'console.log("hi")\n' });
  const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
  seed.git('push', '-q', upstream.dir, 'main');
  const mirror = TestRepo.open(join(root, 'mirror.git'));
  seed.git('clone', '-q', '--mirror', upstream.dir, mirror.dir);
  mirror.git('config', '--unset', 'remote.origin.mirror');
  mirror.git('config', 'gatehouse.name', 'app');
  mirror.git('config', 'gatehouse.upstream', upstream.dir);
  symlinkSync(BINARY, join(mirror.dir, 'hooks', 'pre-receive'));
  const client = TestRepo.open(join(root, 'client'));
  seed.git('clone', '-q', mirror.dir, client.dir);
  return {
    root,
    env,
    upstream,
    mirror,
    client,
    push(...args: string[]) {
      const result = spawnSync('git', ['push', ...args], { cwd: client.dir, env, encoding: 'utf8' });
      return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    },
    async pushAsync(...args: string[]) {
      const result = await run('git', ['push', ...args], { cwd: client.dir, env, timeoutMs: 120_000 });
      return { code: result.code, output: `${result.stdout}${result.stderr}` };
    },
  };
}
