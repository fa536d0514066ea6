// npm run bench:replicas: what sharing state through Redis costs, and what several replicas buy,
// measured in one run and printed as ratios (machines here are noisy: no absolute goals).
//   1. a credential helper `get` (store source) on Redis against embedded SQLite;
//   2. a scan-verdict cache hit (the gate's "this blob was clean" lookup) on Redis against SQLite,
//      in process, per lookup;
//   3. clone throughput: a burst of concurrent clones through one `gatehouse serve` against the
//      same burst spread over three replicas on one Redis (each with gate.peer_url), and the
//      upstream fetches each burst cost.
// No targets: on one 2-core machine three replicas share the same cores, so (3) shows the cost
// of coordination more than a fleet's gain.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/factory.ts';
import { run } from '../test/helpers/binary.ts';
import { credentialSandbox, writeConfig } from '../test/helpers/credential.ts';
import { gatehouseEnv } from '../test/helpers/gate.ts';
import { startGateServer } from '../test/helpers/gate-server.ts';
import { TestRepo } from '../test/helpers/git.ts';
import { startHttpGitServer } from '../test/helpers/http-backend.ts';
import { freePort } from '../test/helpers/net.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { printTable, timeCommands, type Subject, type Timing } from './measure.ts';

const BINARY = fileURLToPath(new URL('../dist/gatehouse', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const burst = Number(process.env.BENCH_CLONES ?? 30);

const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-replicas-'));
const redis = await startRedis();
const stops: Array<() => unknown> = [];
try {
  await credentialGet();
  await verdictCacheHit();
  await cloneThroughput();
} finally {
  for (const stop of stops.reverse()) await stop();
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}

async function credentialGet(): Promise<void> {
  const request = 'protocol=https\nhost=store.bench.test\n\n';
  const subjects: Subject[] = [];
  for (const [name, url] of [['sqlite', 'sqlite'], ['redis', redis.url]] as const) {
    const sb = credentialSandbox(join(work, `cred-${name}`), { GIT_TERMINAL_PROMPT: '0' });
    writeConfig(sb, `[store]\nurl = "${url}"\nnamespace = "bench-${name}"\n[credential]\nkey_env = "BENCH_KEY"\n[[credential.rule]]\nhost = "store.bench.test"\nsource = "store"\n`);
    sb.env.BENCH_KEY = randomBytes(32).toString('base64');
    const stored = await run(sb.link, ['store'], { env: sb.env, input: 'protocol=https\nhost=store.bench.test\nusername=bench\npassword=bench-pass-0001\n\n' });
    if (stored.code !== 0) throw new Error(`store on ${name} failed: ${stored.stderr}`);
    const got = await run(sb.link, ['get'], { env: sb.env, input: request });
    if (!got.stdout.includes('password=bench-pass-0001')) throw new Error(`get on ${name} does not answer: ${got.stderr}`);
    subjects.push({ name: `credential get, store on ${name}`, file: sb.link, args: ['get'], input: request, options: { env: sb.env } });
  }
  printTable(`credential helper get (store source), ${rounds} rounds each`, timeCommands(subjects, rounds), 'credential get, store on sqlite');
}

async function verdictCacheHit(): Promise<void> {
  const lookups = 2000;
  const timings: Timing[] = [];
  for (const [name, url] of [['sqlite', 'sqlite'], ['redis', redis.url]] as const) {
    const store = await openStore({ url, stateDir: join(work, `verdicts-${name}`), prefix: 'bench' });
    try {
      const cache = store.namespace('scan-clean');
      const keys = Array.from({ length: 100 }, (_, i) => `blob-${i.toString(16).padStart(40, '0')}`);
      for (const key of keys) await cache.set(key, 1);
      const samples: number[] = [];
      for (let i = 0; i < lookups; i++) {
        const start = process.hrtime.bigint();
        if ((await cache.get(keys[i % keys.length]!)) !== 1) throw new Error(`verdict cache on ${name} missed`);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples.sort((a, b) => a - b);
      timings.push({ name: `verdict cache hit on ${name}`, medianMs: samples[Math.floor(lookups / 2)]!, p90Ms: samples[Math.floor(lookups * 0.9)]! });
    } finally {
      await store.close();
    }
  }
  printTable(`scan verdict cache hit, ${lookups} lookups each, in process`, timings, 'verdict cache hit on sqlite');
  process.stdout.write(timings.map((t) => `  ${t.name}: median ${(t.medianMs * 1000).toFixed(0)} µs\n`).join(''));
}

async function cloneThroughput(): Promise<void> {
  const seed = new TestRepo(join(work, 'seed'));
  for (let i = 0; i < 50; i++) seed.commit(`commit ${i}`, { [`src/file-${i % 10}.js`]: `export const n = ${i};\n`.repeat(200) });
  mkdirSync(join(work, 'upstreams'));
  const upstream = new TestRepo(join(work, 'upstreams/app.git'), { bare: true });
  seed.git('push', '-q', upstream.dir, 'main');
  const server = await startHttpGitServer(join(work, 'upstreams'));
  stops.push(() => server.close());
  const signingKey = randomBytes(32).toString('base64');
  const suite = { after: (fn: () => unknown) => void stops.push(fn) };

  const startFleet = async (label: string, count: number) => {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    return Promise.all(
      ports.map(async (port, n) => {
        const config = `[gate]\nfreshness_seconds = 600\nsigning_key = "env:BENCH_SIGNING_KEY"\npeer_url = "http://127.0.0.1:${port}"\n[store]\nurl = "${redis.url}"\nnamespace = "${label}"\n`;
        const env = gatehouseEnv(join(work, `${label}-${n}`), config, { BENCH_SIGNING_KEY: signingKey });
        const added = await run(BINARY, ['mirror', 'add', 'app', `${server.url}/app.git`], { env, timeoutMs: 120_000 });
        if (added.code !== 0) throw new Error(`mirror add failed: ${added.stderr}`);
        await startGateServer(suite, ['serve', '--http-port', String(port), '--log-level', 'warn'], env, [port]);
        return { env, url: `http://127.0.0.1:${port}` };
      }),
    );
  };

  const results: Array<{ label: string; seconds: number; upstreamFetches: number }> = [];
  for (const [label, count] of [['one replica', 1], ['three replicas', 3]] as const) {
    const fleet = await startFleet(label.replace(' ', '-'), count);
    // The upstream moves, so the burst needs a refresh.
    seed.commit(`before the ${label} burst`, { 'NEWS.md': `${label}\n` });
    seed.git('push', '-q', upstream.dir, 'main');
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app', '--ttl', '1h'], { env: fleet[0]!.env });
    const header = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`gatehouse:${minted.stdout.trim()}`).toString('base64')}` };
    const before = server.uploadPackRequests;
    const started = process.hrtime.bigint();
    const clones = await Promise.all(
      Array.from({ length: burst }, (_, i) => {
        const replica = fleet[i % fleet.length]!;
        return run('git', ['clone', '-q', `${replica.url}/git/app`, join(work, `clones-${label}/${i}`)], { env: { ...replica.env, ...header, GIT_TERMINAL_PROMPT: '0' }, timeoutMs: 600_000 });
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const failed = clones.filter((c) => c.code !== 0);
    if (failed.length) throw new Error(`${failed.length} clones failed: ${failed[0]!.stderr}`);
    results.push({ label, seconds, upstreamFetches: (server.uploadPackRequests - before) / 2 });
  }
  const base = results[0]!;
  process.stdout.write(`\nclone throughput, ${burst} concurrent clones of a ${50}-commit repository\n`);
  process.stdout.write(`${'subject'.padEnd(44)} ${'seconds'.padStart(9)} ${'clones/s'.padStart(9)} ${'ratio'.padStart(7)}  upstream fetches\n`);
  for (const r of results) {
    const rate = burst / r.seconds;
    process.stdout.write(`${r.label.padEnd(44)} ${r.seconds.toFixed(2).padStart(9)} ${rate.toFixed(1).padStart(9)} ${(rate / (burst / base.seconds)).toFixed(2).padStart(6)}x  ${r.upstreamFetches}\n`);
  }
}
