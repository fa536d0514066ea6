// npm run bench:gate: what the gate costs a client, as ratios to the same operation straight
// against the upstream, measured in one run. Targets (issue 5): a push of 1 commit touching 10
// files at most 1.5x direct; a clone through the gate at most 1.2x direct; 32 concurrent clones
// cause 1 upstream fetch. Issue 11: the scan of such a push's whole object set inside the hook
// under 100 ms (an absolute figure, from the gate's own log).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpGitServer } from '../test/helpers/http-backend.ts';
import { freePort } from '../test/helpers/redis.ts';
import { waitForPort } from '../test/helpers/net.ts';

const binary = fileURLToPath(new URL('../dist/gatehouse', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const root = mkdtempSync(join(tmpdir(), 'gatehouse-bench-gate-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: join(root, 'home'),
  XDG_STATE_HOME: join(root, 'state'),
  XDG_CONFIG_HOME: join(root, 'config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
};
mkdirSync(join(root, 'home'));
mkdirSync(join(root, 'config/gatehouse'), { recursive: true });
writeFileSync(join(root, 'gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.test\n[init]\n\tdefaultBranch = main\n');
// Freshness 0: every clone through the gate pays a real refresh, the worst case.
writeFileSync(join(root, 'config/gatehouse/gatehouse.toml'), '[gate]\nfreshness_seconds = 0\n');

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const gitAsync = (cwd: string, ...args: string[]) =>
  new Promise<number>((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`git ${args.join(' ')}: ${err}`))));
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // An upstream with some substance: 300 files over 30 commits.
  const seed = join(root, 'seed');
  git(root, 'init', '-q', seed);
  for (let c = 0; c < 30; c++) {
    for (let f = 0; f < 10; f++) {
      mkdirSync(join(seed, `src/m${f}`), { recursive: true });
      writeFileSync(join(seed, `src/m${f}/file${c}.js`), `// module ${f} part ${c}\n${'export const v = [' + Array.from({ length: 200 }, (_, i) => i * c + f).join(', ') + '];\n'}`);
    }
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', `commit ${c}`);
  }
  mkdirSync(join(root, 'upstreams'));
  const upstreamDir = join(root, 'upstreams/app.git');
  git(root, 'clone', '-q', '--bare', seed, upstreamDir);
  git(upstreamDir, 'config', 'http.receivepack', 'true');
  const upstream = await startHttpGitServer(join(root, 'upstreams'), { env });
  const upstreamUrl = `${upstream.url}/app.git`;
  // Never spawnSync against the upstream: its HTTP server runs in this process.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(binary, ['mirror', 'add', 'app', upstreamUrl], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(err))));
  });
  const port = await freePort();
  const daemon = spawn(binary, ['daemon', '--port', String(port), '--log-level', 'error'], { env, stdio: 'ignore' });
  await waitForPort(port);
  const gateUrl = `git://127.0.0.1:${port}/app.git`;

  try {
    // Clones, alternating direct and through the gate.
    const direct: number[] = [];
    const gated: number[] = [];
    for (let i = 0; i < rounds; i++) {
      direct.push(await gitAsync(root, 'clone', '-q', upstreamUrl, join(root, `d${i}`)));
      gated.push(await gitAsync(root, 'clone', '-q', gateUrl, join(root, `g${i}`)));
    }
    // Pushes of one commit touching 10 files, from two working clones.
    const directClone = join(root, 'push-direct');
    const gateClone = join(root, 'push-gate');
    await gitAsync(root, 'clone', '-q', upstreamUrl, directClone);
    await gitAsync(root, 'clone', '-q', gateUrl, gateClone);
    const pushDirect: number[] = [];
    const pushGate: number[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const [dir, times, branch] of [[directClone, pushDirect, 'direct'], [gateClone, pushGate, 'gated']] as const) {
        git(dir, 'checkout', '-q', '-B', `${branch}-${i}`);
        for (let f = 0; f < 10; f++) writeFileSync(join(dir, `src/m${f}/edit.js`), `export const edit = ${i * 100 + f};\n// ${branch} round ${i}\n`);
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', `${branch} ${i}`);
        times.push(await gitAsync(dir, 'push', '-q', 'origin', `${branch}-${i}`));
      }
    }
    // 32 concurrent clones: how many upstream fetches do they cause?
    git(seed, 'commit', '-q', '--allow-empty', '-m', 'move upstream');
    git(seed, 'push', '-q', upstreamDir, 'HEAD:main');
    const before = upstream.uploadPackRequests;
    await Promise.all(Array.from({ length: 32 }, (_, i) => gitAsync(root, 'clone', '-q', gateUrl, join(root, `c${i}`))));
    // Each refresh is one fetch plus one ls-remote for HEAD's symref: two advertisements.
    const fetches = (upstream.uploadPackRequests - before) / 2;

    const row = (name: string, ms: number, base: number, target?: number) =>
      `${name.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms ${(ms / base).toFixed(2).padStart(6)}x  ${target === undefined ? '' : ms / base <= target ? `<= ${target}x met` : `<= ${target}x MISSED`}`;
    const cd = median(direct);
    const pd = median(pushDirect);
    process.stdout.write(`\ngate cost, ${rounds} rounds each, medians, ratios to the same operation direct to the upstream\n`);
    process.stdout.write(`${row('clone direct from upstream (smart HTTP)', cd, cd)}\n`);
    process.stdout.write(`${row('clone through the gate (git://, refresh included)', median(gated), cd, 1.2)}\n`);
    process.stdout.write(`${row('push 1 commit / 10 files direct', pd, pd)}\n`);
    process.stdout.write(`${row('push 1 commit / 10 files through the gate', median(pushGate), pd, 1.5)}\n`);
    process.stdout.write(`${'32 concurrent clones: upstream fetches'.padEnd(52)} ${String(fetches).padStart(6)}     target 1 ${fetches <= 1 ? 'met' : 'MISSED'}\n`);
    // Where a gated push spends its time, from the gate's own log.
    const log = readFileSync(join(root, 'state/gatehouse/gate.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; ms?: number; scanMs?: number });
    const scanned = log.filter((l) => l.msg === 'push scanned').map((l) => l.ms!);
    const scanOnly = log.filter((l) => l.msg === 'push scanned' && l.scanMs !== undefined).map((l) => l.scanMs!);
    if (scanOnly.length) {
      const ms = median(scanOnly);
      process.stdout.write(`${'scan of a 1-commit push inside the hook (object set)'.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms          target < 100 ms ${ms < 100 ? 'met' : 'MISSED'}\n`);
    }
    const forwarded = log.filter((l) => l.msg === 'push forwarded').map((l) => l.ms!);
    if (scanned.length && forwarded.length) {
      process.stdout.write(`  inside the pre-receive hook: policy+scan ${median(scanned)} ms, then forward; hook total ${median(forwarded)} ms (medians)\n`);
    }
  } finally {
    daemon.kill('SIGTERM');
    await upstream.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
