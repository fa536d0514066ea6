// npm run bench:credential: what the credential helper costs git, in one run, as ratios.
//   1. a helper `get` (env source, store source, a cached GitHub App mint) against the floor of any
//      Node single executable (a SEA that only prints, built as bench/startup.ts builds it);
//      target: each get <= 1.3x the floor.
//   2. the mint cache against the store: a cached GitHub App token must come back as fast as a
//      stored password (target <= 1.1x, the noise of this measurement).
//   3. `git credential fill` through gatehouse (store source) against git's own credential-store
//      with a --file; no target, for scale.
// The GitHub API stand-in runs in a worker thread: the timing loop blocks the main thread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { credentialSandbox, writeConfig } from '../test/helpers/credential.ts';
import { generateAppKeys, githubAppRule, startGithubStandIn, writePrivateKey } from '../test/helpers/github-standin.ts';
import { run } from '../test/helpers/binary.ts';
import { buildFloorBinary, printTable, timeCommands, type Subject } from './measure.ts';

const APP_ID = 4242;
const INSTALLATION_ID = 99;

if (!isMainThread) {
  // The stand-in: answers mints, and tells the main thread how many it made when asked.
  const api = await startGithubStandIn({ appId: APP_ID, installationId: INSTALLATION_ID, publicKeyPem: (workerData as { publicKeyPem: string }).publicKeyPem });
  parentPort!.on('message', (message: string) => {
    if (message === 'mints') parentPort!.postMessage({ mints: api.mints.length });
    if (message === 'close') void api.close().then(() => parentPort!.close());
  });
  parentPort!.postMessage({ url: api.url });
} else {
  await main();
}

function ask<T>(worker: Worker, message: string | null): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    if (message) worker.postMessage(message);
  });
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const floor = buildFloorBinary();

  const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-cred-'));
  const keys = generateAppKeys();
  const worker = new Worker(new URL(import.meta.url), { workerData: { publicKeyPem: keys.publicKeyPem } });
  try {
    const { url } = await ask<{ url: string }>(worker, null);
    const sb = credentialSandbox(join(work, 'sb'), { BENCH_TOKEN: 'bench-env-token-value', GIT_ASKPASS: '/bin/false', GIT_TERMINAL_PROMPT: '0' });
    writeConfig(
      sb,
      `[[credential.rule]]
host = "env.bench.test"
username = "bot"
source = "env"
env = "BENCH_TOKEN"

[[credential.rule]]
host = "store.bench.test"
source = "store"

${githubAppRule({ host: 'github.com', appId: APP_ID, installationId: INSTALLATION_ID, privateKeyFile: writePrivateKey(join(work, 'app.pem'), keys), apiUrl: url, repositories: ['app'], permissions: { contents: 'read' } })}`,
    );
    const request = (host: string) => `protocol=https\nhost=${host}\n\n`;
    const stored = await run(sb.link, ['store'], { env: sb.env, input: 'protocol=https\nhost=store.bench.test\nusername=bench-user\npassword=bench-stored-pass\n\n' });
    if (stored.code !== 0) throw new Error(`store failed: ${stored.stderr}`);
    // The first github-app get mints (the worker answers); every timed one after is a cache hit.
    const minted = await run(sb.link, ['get'], { env: sb.env, input: request('github.com') });
    if (!/password=ghs_/.test(minted.stdout)) throw new Error(`github-app get failed: ${minted.stderr}`);

    const credentialStoreFile = join(work, 'git-credentials');
    writeFileSync(credentialStoreFile, 'https://bench-user:bench-stored-pass@store.bench.test\n', { mode: 0o600 });
    const gitEnv = { ...sb.env, GIT_CONFIG_GLOBAL: '/dev/null' };

    const subjects: Subject[] = [
      { name: 'floor: SEA that only prints', file: floor, args: [], options: { env: sb.env } },
      { name: 'get, no rule matches (config only)', file: sb.link, args: ['get'], input: request('none.bench.test'), options: { env: sb.env } },
      { name: 'get, env source', file: sb.link, args: ['get'], input: request('env.bench.test'), options: { env: sb.env } },
      { name: 'get, store source', file: sb.link, args: ['get'], input: request('store.bench.test'), options: { env: sb.env } },
      { name: 'get, github-app (cached mint)', file: sb.link, args: ['get'], input: request('github.com'), options: { env: sb.env } },
      { name: 'gatehouse credential get (CLI), store', file: join(root, 'dist/gatehouse'), args: ['credential', 'get'], input: request('store.bench.test'), options: { env: sb.env } },
      { name: 'git credential fill -> gatehouse (store)', file: 'git', args: ['-c', 'credential.helper=gatehouse', 'credential', 'fill'], input: request('store.bench.test'), options: { env: gitEnv } },
      { name: 'git credential fill -> credential-store', file: 'git', args: ['-c', `credential.helper=store --file=${credentialStoreFile}`, 'credential', 'fill'], input: request('store.bench.test'), options: { env: gitEnv } },
    ];
    // Every subject must really answer before it is timed (but the one no rule matches).
    for (const s of subjects.slice(1).filter((s) => !s.name.includes('no rule'))) {
      const r = await run(s.file, s.args, { env: s.options!.env as NodeJS.ProcessEnv, input: s.input! });
      if (r.code !== 0 || !/password=/.test(r.stdout)) throw new Error(`${s.name} does not answer: ${r.stderr}`);
    }

    const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
    const timings = timeCommands(subjects, rounds);
    const pick = (...names: string[]) => timings.filter((t) => names.includes(t.name));
    const met = [
      printTable(`credential helper get, ${rounds} rounds each, ratios to the floor`, pick('floor: SEA that only prints', 'get, no rule matches (config only)', 'get, env source', 'get, store source', 'get, github-app (cached mint)', 'gatehouse credential get (CLI), store'), 'floor: SEA that only prints', {
        'get, env source': 1.3,
        'get, store source': 1.3,
        'get, github-app (cached mint)': 1.3,
      }),
      printTable('mint cache against the store', pick('get, store source', 'get, github-app (cached mint)'), 'get, store source', { 'get, github-app (cached mint)': 1.1 }),
      printTable("git credential fill, ratio to git's own credential-store", pick('git credential fill -> credential-store', 'git credential fill -> gatehouse (store)'), 'git credential fill -> credential-store'),
    ].every(Boolean);

    const { mints } = await ask<{ mints: number }>(worker, 'mints');
    process.stdout.write(`\ngithub-app mints during the run: ${mints} (1 expected: every timed get was a cache hit)\n`);
    process.stdout.write(met && mints === 1 ? 'all credential targets met\n' : 'some credential targets MISSED\n');
  } finally {
    worker.postMessage('close');
    await new Promise((r) => worker.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}
