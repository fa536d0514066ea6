// A gate as an attacker meets it: `gatehouse daemon` (a real git daemon) over a mirror made with
// `gatehouse mirror add` of a local bare upstream, clients cloning and pushing over git://, and
// checks on what the upstream ended up holding.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, run } from './binary.ts';
import { gatehouseEnv } from './gate.ts';
import { TestRepo } from './git.ts';
import { freePort, waitForPort } from './net.ts';
import { tempDir } from './tmp.ts';

export interface GateDaemon {
  root: string;
  env: NodeJS.ProcessEnv;
  url: string;
  upstream: TestRepo;
  mirror: TestRepo;
  /** A fresh clone through the gate. */
  clone(name: string): TestRepo;
  /** git push from a clone; exit code and everything git printed. */
  push(client: TestRepo, ...args: string[]): { code: number; output: string };
  /** Whether any object in the upstream, or any of its ref names, holds the value (as UTF-8 or UTF-16). */
  upstreamHolds(value: string): boolean;
  stop(): void;
}

export async function startGateDaemon(t: { after(fn: () => void): void }, options: { configToml?: string } = {}): Promise<GateDaemon> {
  const root = tempDir(t, 'gatehouse-attack');
  const env = gatehouseEnv(root, options.configToml ?? '[gate]\nfreshness_seconds = 0\n');
  const seed = new TestRepo(join(root, 'seed'));
  seed.commit('initial', { 'README.md': '# app\n', 'src/app.js': 'console.log("hi")\n' });
  mkdirSync(join(root, 'upstreams'));
  const upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
  seed.git('push', '-q', upstream.dir, 'main');
  const added = await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env });
  if (added.code !== 0) throw new Error(`mirror add failed: ${added.stderr}`);
  const port = await freePort();
  const daemon: ChildProcess = spawn(BINARY, ['daemon', '--port', String(port), '--log-level', 'warn'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let stopped = false;
  const stop = () => {
    if (!stopped) daemon.kill('SIGTERM');
    stopped = true;
  };
  t.after(stop);
  await waitForPort(port);
  const url = `git://127.0.0.1:${port}/app.git`;
  let clones = 0;
  return {
    root,
    env,
    url,
    upstream,
    mirror: TestRepo.open(join(root, 'state/gatehouse/mirrors/app.git')),
    clone(name: string) {
      const dir = join(root, `clients/${name}-${clones++}`);
      const result = spawnSync('git', ['clone', '-q', url, dir], { env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`clone through the gate failed: ${result.stderr}`);
      return TestRepo.open(dir);
    },
    push(client: TestRepo, ...args: string[]) {
      const result = spawnSync('git', ['push', ...args], { cwd: client.dir, env, encoding: 'utf8' });
      return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    },
    upstreamHolds(value: string) {
      const objects = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: upstream.dir, env, maxBuffer: 512 * 1024 * 1024 });
      if (objects.status !== 0) throw new Error(`cat-file failed: ${objects.stderr}`);
      const refs = upstream.git('for-each-ref', '--format=%(refname)');
      return objects.stdout.includes(Buffer.from(value)) || objects.stdout.includes(Buffer.from(value, 'utf16le')) || refs.includes(value);
    },
    stop,
  };
}
