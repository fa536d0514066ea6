// npm run bench:scan: gatehouse's history scan against the floor of reading the same history
// (`git log -p -U0 --all > /dev/null`) and against two peers, secretlint (recommend preset, over
// the same file versions) and git-secrets (--register-aws, --scan-history), on a corpus of real
// npm package versions with planted fake secrets (bench/scan-corpus.ts).
// Targets (issue): gatehouse <= 1.5x the floor on one core, peak RSS <= 300 MB, faster than both
// peers, every planted secret found. Ratios, not absolute times: the machine's noise is large.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus, materializeChangedFiles, PACKAGES } from './scan-corpus.ts';
import { collect, gatehouseReports, gitSecretsReports, GNU_TIME, runMeasured, secretlintReports, tail, type Findings, type Run, type RunSpec } from './scan-tools.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist/gatehouse');
const cache = join(root, 'bench/.cache');
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const peerTimeoutMs = Number(process.env.BENCH_PEER_TIMEOUT ?? 900) * 1000;
const GATEHOUSE_DEFAULT_MAX_FILE = 10 * 1024 * 1024;
const MB = 1e6;
const benchStarted = Date.now();

const say = (m = ''): void => void process.stdout.write(`${m}\n`);
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

if (!existsSync(binary)) throw new Error(`${binary} is missing: npm run build`);
mkdirSync(cache, { recursive: true });

// ---------------------------------------------------------------- tools
let aptUpdated = false;
function aptInstall(pkg: string, probe: string): boolean {
  if (existsSync(probe)) return true;
  if (process.getuid?.() !== 0) {
    say(`${probe} is missing and this is not root: apt-get install ${pkg} to include it`);
    return false;
  }
  say(`installing ${pkg} (apt-get)`);
  if (!aptUpdated) spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  aptUpdated = true;
  spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return existsSync(probe);
}
aptInstall('time', GNU_TIME);
const haveGitSecrets = aptInstall('git-secrets', '/usr/bin/git-secrets');
const haveTaskset = existsSync('/usr/bin/taskset');
const secretlintBin = join(root, 'node_modules/secretlint/bin/secretlint.js');
const haveSecretlint = existsSync(secretlintBin) && existsSync(join(root, 'node_modules/@secretlint/secretlint-rule-preset-recommend'));
if (!haveSecretlint) say('secretlint is not installed (npm ci installs it as a devDependency): left out');
const secretlintVersion = haveSecretlint ? (JSON.parse(readFileSync(join(root, 'node_modules/secretlint/package.json'), 'utf8')) as { version: string }).version : '';
const gitSecretsVersion = haveGitSecrets ? spawnSync('dpkg-query', ['-W', '-f=${Version}', 'git-secrets'], { encoding: 'utf8' }).stdout.trim() : '';
const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim();

// ---------------------------------------------------------------- corpus
const corpusStarted = Date.now();
const corpus = await ensureCorpus(cache, say);
const corpusMs = Date.now() - corpusStarted;
const m = corpus.manifest;
const planted = m.secrets;
say();
say(`corpus: ${relative(root, corpus.repo)}, ${m.commits} commits: ${m.tarballs} npm tarballs (${PACKAGES.map((p) => `${p.name} x${p.versions.length}`).join(', ')})`);
say(`        and ${m.commits - m.tarballs} commits planting ${planted.length} fake secrets (manifest: ${relative(root, corpus.manifestPath)})`);
say(`        git log -p -U0 --all | wc -c = ${m.patchBytes} bytes (${mb(m.patchBytes)})`);
say(`        ${corpus.rebuilt ? `built in this run in ${secs(corpusMs)}` : `reused; built ${m.builtAt} in ${m.buildSeconds.toFixed(0)} s`}`);
const maxFileArgs = m.maxBlobBytes > GATEHOUSE_DEFAULT_MAX_FILE ? ['--max-file-size', String(Math.ceil(m.maxBlobBytes / 1048576) * 1048576)] : [];
say(`        largest blob ${mb(m.maxBlobBytes)} (${m.maxBlobPath}): ${maxFileArgs.length ? `gatehouse runs with ${maxFileArgs.join(' ')}` : 'under gatehouse\'s default 10 MiB per-file limit, so no --max-file-size'}`);

const slDir = join(cache, 'scan-secretlint-files');
let slInfo = { files: 0, bytes: 0, commits: 0 };
if (haveSecretlint) {
  const started = Date.now();
  const materialized = materializeChangedFiles(corpus.repo, slDir, `${m.recipe} ${m.builtAt}`, say);
  slInfo = { files: materialized.files, bytes: materialized.bytes, commits: materialized.commits.size };
  say(`secretlint input: ${slInfo.files} files, ${mb(slInfo.bytes)}: every file each of the ${slInfo.commits} commits adds or modifies, as of that commit`);
  say(`        (git diff-tree --diff-filter=AM, checked out under ${relative(root, slDir)}/<nnnn>-<commit>/; ${materialized.reused ? 'reused' : `${secs(Date.now() - started)} to prepare`})`);
}

// ---------------------------------------------------------------- subjects
const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-scan-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const home = join(work, 'home');
mkdirSync(home);
const env: NodeJS.ProcessEnv = { HOME: home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
const gsHome = join(work, 'git-secrets-home');
mkdirSync(gsHome);
const gsEnv: NodeJS.ProcessEnv = { HOME: gsHome, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
if (haveGitSecrets) {
  // Registered in a private global config, so the corpus stays as built.
  const reg = spawnSync('git', ['secrets', '--register-aws', '--global'], { cwd: corpus.repo, env: gsEnv, encoding: 'utf8' });
  if (reg.status !== 0) throw new Error(`git secrets --register-aws failed: ${reg.stderr}`);
}
const slRc = join(work, 'secretlintrc.json');
writeFileSync(slRc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));

interface Subject extends RunSpec {
  key: string;
  name: string;
  okCodes: number[];
  runs: Run[];
  error?: string;
  timedOut?: boolean;
}

const gatehouseArgs = (report: string): string[] => ['scan', 'git', '--all', '--no-cache', '--json', '--no-redact', '--report-path', report, ...maxFileArgs];
const subject = (s: Omit<Subject, 'runs' | 'stdout' | 'stderr'> & { stdout?: string }): Subject => ({ ...s, stdout: s.stdout ?? join(work, `${s.key}.out`), stderr: join(work, `${s.key}.err`), runs: [] });
const gatehouseOneCore = subject({
  key: 'gatehouse-1',
  name: `gatehouse, one core${haveTaskset ? ' (taskset -c 0)' : ' (NOT pinned: no taskset)'}`,
  file: haveTaskset ? '/usr/bin/taskset' : binary,
  args: haveTaskset ? ['-c', '0', binary, ...gatehouseArgs(join(work, 'gatehouse-1.json'))] : gatehouseArgs(join(work, 'gatehouse-1.json')),
  cwd: corpus.repo,
  env,
  okCodes: [0, 1],
  timeoutMs: peerTimeoutMs,
});
const subjects: Subject[] = [
  // The floor runs on the same core as gatehouse's one-core run, so load from elsewhere on the
  // machine hits both alike (git log is single-threaded: pinning costs it nothing).
  subject({
    key: 'floor',
    name: `floor: git log -p -U0 --all > /dev/null${haveTaskset ? ', core 0' : ''}`,
    file: haveTaskset ? '/usr/bin/taskset' : 'git',
    args: [...(haveTaskset ? ['-c', '0', 'git'] : []), 'log', '-p', '-U0', '--all'],
    cwd: corpus.repo,
    env,
    stdout: '/dev/null',
    okCodes: [0],
    timeoutMs: peerTimeoutMs,
  }),
  gatehouseOneCore,
  subject({ key: 'gatehouse', name: 'gatehouse, all cores', file: binary, args: gatehouseArgs(join(work, 'gatehouse.json')), cwd: corpus.repo, env, okCodes: [0, 1], timeoutMs: peerTimeoutMs }),
];
if (haveSecretlint) {
  subjects.push(subject({
    key: 'secretlint',
    name: `secretlint ${secretlintVersion}, recommend preset`,
    file: process.execPath,
    // --no-gitignore: bench/.cache is gitignored, and every committed file counts anyway.
    args: [secretlintBin, '**/*', '--no-gitignore', '--secretlintrc', slRc, '--format', 'unix', '--no-color', '--no-terminalLink'],
    cwd: slDir,
    env: { ...env, PATH: `${join(process.execPath, '..')}:${env.PATH}` },
    okCodes: [0, 1],
    timeoutMs: peerTimeoutMs,
  }));
}
if (haveGitSecrets) {
  subjects.push(subject({ key: 'git-secrets', name: `git-secrets ${gitSecretsVersion} --scan-history`, file: 'git', args: ['secrets', '--scan-history'], cwd: corpus.repo, env: gsEnv, okCodes: [0, 1], timeoutMs: peerTimeoutMs }));
}

// ---------------------------------------------------------------- measure
say();
say(`warming the page cache (one untimed floor run${haveSecretlint ? ', one read of the secretlint input' : ''})`);
spawnSync('git', ['log', '-p', '-U0', '--all'], { cwd: corpus.repo, env, stdio: 'ignore' });
if (haveSecretlint) spawnSync('sh', ['-c', 'find "$1" -type f -print0 | xargs -0 cat > /dev/null', 'sh', slDir], { stdio: 'ignore' });

say(`measuring: ${rounds} round(s), round-robin; a run over ${secs(peerTimeoutMs)} is stopped and its subject not run again`);
for (let round = 0; round < rounds; round++) {
  for (const s of subjects) {
    if (s.error || s.timedOut) continue;
    const run = await runMeasured(s);
    if (run.timedOut) {
      s.timedOut = true;
      say(`  round ${round + 1}: ${s.name}: timed out after ${secs(run.ms)}`);
      continue;
    }
    if (run.code === null || !s.okCodes.includes(run.code)) {
      s.error = `exit ${run.code}: ${tail(s.stderr, 3)}`;
      say(`  round ${round + 1}: ${s.name}: FAILED, ${s.error}`);
      continue;
    }
    s.runs.push(run);
    say(`  round ${round + 1}: ${s.name.padEnd(48)} ${secs(run.ms).padStart(8)}${run.rssKb ? `  ${(run.rssKb / 1024).toFixed(0).padStart(5)} MiB peak RSS` : ''}`);
  }
}
const gatehouseSummary = tail(gatehouseOneCore.stderr, 1).replace(/ written to \S+;/, ';');

// ---------------------------------------------------------------- findings
const findings = new Map<string, Findings>();
for (const s of subjects) {
  if (!s.runs.length) continue;
  if (s.key.startsWith('gatehouse')) findings.set(s.key, await collect(planted, gatehouseReports(join(work, `${s.key}.json`))));
  else if (s.key === 'secretlint') findings.set(s.key, await collect(planted, secretlintReports(s.stdout, slDir)));
  else if (s.key === 'git-secrets') findings.set(s.key, await collect(planted, gitSecretsReports(s.stderr)));
}

// ---------------------------------------------------------------- report
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const floor = subjects[0]!;
if (!floor.runs.length) throw new Error(`the floor did not run: ${floor.error ?? 'timed out'}`);
const floorMs = median(floor.runs.map((r) => r.ms));
const medianMs = (s: Subject): number | null => (s.runs.length ? median(s.runs.map((r) => r.ms)) : null);
const peakKb = (s: Subject): number | null => {
  const values = s.runs.map((r) => r.rssKb).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
};

say();
say(`scan of ${mb(m.patchBytes)} of history (${m.commits} commits), ${rounds} round(s), medians, ratios to the floor; ${gitVersion}`);
say(`${'tool'.padEnd(48)} ${'median'.padStart(9)} ${'ratio'.padStart(8)} ${'peak RSS'.padStart(10)} ${'planted'.padStart(8)} ${'other findings'.padStart(15)}`);
for (const s of subjects) {
  const ms = medianMs(s);
  const rss = peakKb(s);
  const f = findings.get(s.key);
  const time = s.timedOut ? `timed out after ${secs(s.timeoutMs)}` : s.error ? 'failed' : `${(ms! / 1000).toFixed(2)} s`;
  const ratio = s.timedOut || s.error || ms === null ? '' : `${(ms / floorMs).toFixed(2)}x`;
  const found = s.key === 'floor' ? '' : f ? `${f.found.size}/${planted.length}` : 'n/a';
  const others = s.key === 'floor' ? '' : f ? String(f.otherCount) : '';
  say(`${s.name.padEnd(48)} ${time.padStart(9)} ${ratio.padStart(8)} ${(rss === null ? '' : `${(rss / 1024).toFixed(0)} MiB`).padStart(10)} ${found.padStart(8)} ${others.padStart(15)}`);
}
say();
say('what each ran:');
say(`  floor        ${haveTaskset ? 'taskset -c 0 ' : ''}git log -p -U0 --all > /dev/null (git log is single-threaded; pinned to gatehouse's core)`);
say(`  gatehouse    dist/gatehouse ${gatehouseArgs('<tmp>').join(' ')}${maxFileArgs.length ? '' : '  (default 10 MiB per-file limit)'}`);
if (gatehouseOneCore.runs.length) say(`               ${gatehouseSummary}`);
if (haveSecretlint) say(`  secretlint   node secretlint "**/*" --no-gitignore --format unix in ${relative(root, slDir)}, preset-recommend: ${slInfo.files} files, ${mb(slInfo.bytes)} (each commit's added/modified files, whole), all cores`);
if (haveGitSecrets) say(`  git-secrets  git secrets --register-aws (once, untimed), then git secrets --scan-history (git log -G + git grep), all cores`);
say('  "planted": found = reported at the planted commit and path, on a line the secret occupies. Peak RSS: GNU time %M, the largest process of the run, max over rounds.');

say();
say('planted secrets (where, and who found each):');
const shown = subjects.filter((s) => findings.has(s.key) && s.key !== 'gatehouse');
say(`  ${'secret'.padEnd(38)} ${'where'.padEnd(38)} ${shown.map((s) => s.key.padStart(12)).join('')}`);
for (const p of planted) {
  const cells = shown.map((s) => (findings.get(s.key)!.found.has(p.id) ? 'found' : '-').padStart(12)).join('');
  say(`  ${p.kind.padEnd(38)} ${p.where.padEnd(38)} ${cells}`);
}

const g1 = findings.get('gatehouse-1');
if (g1) {
  const top = [...g1.others].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([rule, n]) => `${rule} ${n}`).join(', ');
  say();
  say(`gatehouse findings besides the planted ones: ${g1.otherCount}${top ? ` (top rules: ${top})` : ''}${g1.repeats ? `; ${g1.repeats} repeats of planted ones` : ''}`);
  const all = findings.get('gatehouse');
  if (all && (all.total !== g1.total || all.found.size !== g1.found.size)) say(`  NOTE: the all-cores run reported ${all.total} findings, the one-core run ${g1.total}`);
}
for (const key of ['secretlint', 'git-secrets']) {
  const f = findings.get(key);
  if (!f) continue;
  const top = [...f.others].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([rule, n]) => `${rule} ${n}`).join(', ');
  say(`${key} findings besides the planted ones: ${f.otherCount}${top ? ` (${top})` : ''}${f.repeats ? `; and ${f.repeats} planted secret(s) reported again in later versions of their files` : ''}`);
}

// ---------------------------------------------------------------- targets
say();
say('targets:');
let allMet = true;
const verdict = (label: string, ok: boolean | null, detail: string): void => {
  if (ok === false) allMet = false;
  say(`  ${label.padEnd(46)} ${detail.padEnd(30)} ${ok === null ? 'not measured' : ok ? 'met' : 'MISSED'}`);
};
const g1ms = medianMs(gatehouseOneCore);
verdict('gatehouse on one core <= 1.5x the floor', g1ms === null ? false : g1ms / floorMs <= 1.5, g1ms === null ? 'did not finish' : `${(g1ms / floorMs).toFixed(2)}x`);
const rss = Math.max(...subjects.filter((s) => s.key.startsWith('gatehouse')).map((s) => peakKb(s) ?? 0));
verdict('gatehouse peak RSS <= 300 MB', rss ? rss * 1024 <= 300 * MB : null, rss ? `${((rss * 1024) / MB).toFixed(0)} MB (${(rss / 1024).toFixed(0)} MiB)` : '');
for (const s of subjects.filter((x) => x.key === 'secretlint' || x.key === 'git-secrets')) {
  const peer = s.timedOut ? s.timeoutMs : medianMs(s);
  const detail = g1ms === null || peer === null ? 'not comparable' : `${secs(g1ms)} vs ${s.timedOut ? 'timed out at ' : ''}${secs(peer)}`;
  verdict(`gatehouse (one core) faster than ${s.key}`, g1ms === null ? false : peer === null ? null : g1ms < peer, detail);
}
verdict('all planted secrets found by gatehouse', g1 ? g1.found.size === planted.length : false, g1 ? `${g1.found.size}/${planted.length}${g1.found.size < planted.length ? `, missed: ${planted.filter((p) => !g1.found.has(p.id)).map((p) => p.id).join(', ')}` : ''}` : 'did not finish');
say(allMet ? '\nall scan targets met' : '\nsome scan targets MISSED');
say(`(bench took ${secs(Date.now() - benchStarted)}${corpus.rebuilt ? `, of which ${secs(corpusMs)} building the corpus` : ''})`);
