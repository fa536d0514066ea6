// The corpus for `npm run bench:scan`: a git history of real source code (successive published
// versions of several npm packages, each version one commit that replaces packages/<name>/),
// with fake secrets planted in a few commits. Built once into bench/.cache and reused while the
// recipe is unchanged. Secrets are made from random characters at build time; none is real.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomInt, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Bump when the way the corpus is built changes (the package list is hashed on its own). */
const RECIPE_VERSION = 2;

/** Versions are committed round-robin (first version of each package, then the second, ...). */
export const PACKAGES: Array<{ name: string; versions: string[] }> = [
  { name: 'typescript', versions: ['5.0.4', '5.3.3', '5.6.3'] },
  { name: 'react-dom', versions: ['16.14.0', '17.0.2', '18.2.0', '18.3.1', '19.0.0', '19.1.0'] },
  { name: 'lodash', versions: ['3.10.1', '4.0.0', '4.17.4', '4.17.21'] },
  { name: '@babel/core', versions: ['7.10.5', '7.15.8', '7.20.12', '7.24.9', '7.26.10'] },
  { name: 'eslint', versions: ['7.32.0', '8.20.0', '8.40.0', '8.57.0', '9.10.0', '9.20.1'] },
  { name: 'webpack', versions: ['4.46.0', '5.50.0', '5.75.0', '5.90.3', '5.97.1'] },
  { name: 'rxjs', versions: ['6.6.7', '7.0.1', '7.5.7', '7.8.1'] },
  { name: 'moment', versions: ['2.24.0', '2.29.4', '2.30.1'] },
  { name: 'three', versions: ['0.150.1', '0.155.0', '0.160.1', '0.165.0', '0.170.0'] },
];

/** Where in the history (fraction of package commits done) each planting commit goes. */
const PLANT_AT = [0.15, 0.35, 0.55, 0.7, 0.85];

export interface PlantedSecret {
  id: string;
  /** What it is, e.g. "GitHub classic PAT". */
  kind: string;
  value: string;
  commit: string;
  path: string;
  /** 1-based line of the secret in the file as of that commit; endLine for multi-line values. */
  line: number;
  endLine: number;
  where: string;
}

export interface CorpusManifest {
  recipe: string;
  builtAt: string;
  buildSeconds: number;
  tarballs: number;
  commits: number;
  /** Bytes of `git log -p -U0 --all`. */
  patchBytes: number;
  /** Largest blob in the history; gatehouse's default per-file limit is 10 MiB of added content. */
  maxBlobBytes: number;
  maxBlobPath: string;
  secrets: PlantedSecret[];
}

export interface Corpus {
  repo: string;
  manifest: CorpusManifest;
  manifestPath: string;
  rebuilt: boolean;
}

export function recipeId(): string {
  return createHash('sha256').update(JSON.stringify({ RECIPE_VERSION, PACKAGES, PLANT_AT })).digest('hex').slice(0, 16);
}

// Git as the corpus sees it: no user or system config, fixed identity and dates.
const GIT_CONFIG = ['-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false', '-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', '-c', 'core.hooksPath=/dev/null', '-c', 'init.defaultBranch=main'];
const EPOCH = Date.UTC(2024, 0, 1) / 1000;

function gitEnv(step: number): NodeJS.ProcessEnv {
  const date = `${EPOCH + step * 3600} +0000`;
  return {
    PATH: process.env.PATH,
    HOME: tmpdir(),
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Bench Corpus',
    GIT_AUTHOR_EMAIL: 'corpus@bench.invalid',
    GIT_COMMITTER_NAME: 'Bench Corpus',
    GIT_COMMITTER_EMAIL: 'corpus@bench.invalid',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

function git(repo: string, args: string[], step = 0, input?: string): string {
  return execFileSync('git', [...GIT_CONFIG, ...args], { cwd: repo, env: gitEnv(step), encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** `npm pack name@version` into dir, unless it is already there. */
function fetchTarball(dir: string, name: string, version: string): string {
  const file = join(dir, tarballName(name, version));
  if (existsSync(file)) return file;
  const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = out.trim().split('\n').at(-1)!;
  if (!existsSync(file)) throw new Error(`npm pack ${name}@${version} wrote ${printed}, expected ${file}`);
  return file;
}

// ---------------------------------------------------------------- fake secrets

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const BASE62 = DIGITS + UPPER + LOWER;

function random(alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

function base62(n: number, width: number): string {
  let s = '';
  do {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s.padStart(width, '0');
}

/** GitHub's and npm's token layout: prefix, 30 random characters, base62 CRC32 of them. */
function checksummedToken(prefix: string): string {
  const body = random(ALNUM, 30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

// Values use only letters and digits even where a vendor's alphabet also has '-' and '_': squarely
// inside every tool's pattern (secretlint's SendGrid pattern, for one, takes no '-' in the first
// part), so what a tool finds does not depend on the draw.
function makeSecrets(): Record<string, string> {
  const now = 1_700_000_000 + randomInt(10_000_000);
  const jwt = [
    base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
    base64url(JSON.stringify({ sub: random(DIGITS, 10), name: 'svc-' + random(LOWER, 8), role: 'admin', iat: now, exp: now + 86400 * 30 })),
    base64url(randomBytes(32)),
  ].join('.');
  const rsa = execFileSync('openssl', ['genrsa', '-traditional', '2048'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  return {
    awsKeyId: 'AKIA' + random(UPPER + '234567', 16),
    // Alphanumeric at both ends: git-secrets greps with -w and secretlint ends its pattern with \b.
    awsSecret: random(ALNUM, 1) + random(ALNUM + '/+', 38) + random(ALNUM, 1),
    github: checksummedToken('ghp_'),
    slack: `xoxb-${random(DIGITS, 12)}-${random(DIGITS, 13)}-${random(ALNUM, 24)}`,
    rsa,
    stripe: 'sk_live_' + '51' + random(ALNUM, 97),
    gitlab: 'glpat-' + random(ALNUM, 20),
    npm: checksummedToken('npm_'),
    sendgrid: `SG.${random(ALNUM, 22)}.${random(ALNUM, 43)}`,
    google: 'AIza' + 'Sy' + random(ALNUM, 33),
    jwt,
  };
}

// ---------------------------------------------------------------- building

function extract(tarball: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1', '--no-same-owner', '--no-same-permissions'], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('chmod', ['-R', 'u+rwX', dir]);
}

/** The package's main source file, for planting lines into an existing file. */
function mainFile(repo: string, pkgDir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repo, pkgDir, 'package.json'), 'utf8')) as { main?: string };
    for (const candidate of [pkg.main, pkg.main && `${pkg.main}.js`, pkg.main && `${pkg.main}/index.js`]) {
      if (!candidate) continue;
      const rel = join(pkgDir, candidate).replace(/\/\.\//g, '/');
      const abs = join(repo, rel);
      if (existsSync(abs) && statSync(abs).isFile() && statSync(abs).size < 4 * 1024 * 1024) return rel;
    }
  } catch {
    // fall through
  }
  return join(pkgDir, 'package.json');
}

/** Inserts lines after the middle line of a file; returns the 1-based line of the first inserted line. */
function insertMiddle(abs: string, lines: string[]): number {
  const text = readFileSync(abs, 'utf8');
  const all = text.split('\n');
  const at = Math.max(1, Math.floor(all.length / 2));
  all.splice(at, 0, ...lines);
  writeFileSync(abs, all.join('\n'));
  return at + 1;
}

function writeNew(repo: string, rel: string, content: string): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), content);
}

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').split('\n').length;
}

interface Pending {
  id: string;
  kind: string;
  value: string;
  path: string;
  line: number;
  endLine: number;
  where: string;
}

/** Makes the planting commit number `index`; returns the secrets it planted (commit filled in later). */
function plant(repo: string, index: number, s: Record<string, string>, log: (m: string) => void): { message: string; planted: Pending[] } {
  const planted: Pending[] = [];
  switch (index) {
    case 0: {
      // A new file deep in a directory tree, in the AWS shared credentials format.
      const path = 'infra/deploy/environments/production/eu-west-1/services/ingest/shared/aws/credentials';
      writeNew(repo, path, ['[default]', `aws_access_key_id = ${s.awsKeyId}`, `aws_secret_access_key = ${s.awsSecret}`, 'region = eu-west-1', ''].join('\n'));
      planted.push({ id: 'aws-access-key-id', kind: 'AWS access key id', value: s.awsKeyId!, path, line: 2, endLine: 2, where: 'new file, 9 directories deep' });
      planted.push({ id: 'aws-secret-access-key', kind: 'AWS secret access key', value: s.awsSecret!, path, line: 3, endLine: 3, where: 'new file, 9 directories deep' });
      return { message: 'ingest: add deployment credentials', planted };
    }
    case 1: {
      // Lines added in the middle of an existing source file of a package (gone with its next version).
      const pkgDir = 'packages/eslint';
      const path = mainFile(repo, pkgDir);
      const line = insertMiddle(join(repo, path), [`const githubToken = "${s.github}";`, `const slackBotToken = '${s.slack}';`]);
      planted.push({ id: 'github-pat', kind: 'GitHub classic PAT', value: s.github!, path, line, endLine: line, where: 'lines inserted into an existing file' });
      planted.push({ id: 'slack-bot-token', kind: 'Slack bot token', value: s.slack!, path, line: line + 1, endLine: line + 1, where: 'lines inserted into an existing file' });
      return { message: 'eslint: debug notifications', planted };
    }
    case 2: {
      // A private key in a new file that a later commit deletes; a new settings module.
      const keyPath = 'deploy/keys/deploy_rsa';
      writeNew(repo, keyPath, `${s.rsa}\n`);
      planted.push({ id: 'private-key', kind: 'RSA private key (PEM, openssl genrsa)', value: s.rsa!, path: keyPath, line: 1, endLine: s.rsa!.split('\n').length, where: 'new file, deleted later' });
      const settings = 'services/billing/src/settings.ts';
      writeNew(repo, settings, [
        '// Billing service settings.',
        'export const settings = {',
        "  currency: 'EUR',",
        `  stripeSecretKey: '${s.stripe}',`,
        `  gitlabToken: '${s.gitlab}',`,
        '  retries: 3,',
        '};',
        '',
      ].join('\n'));
      planted.push({ id: 'stripe-secret-key', kind: 'Stripe live secret key', value: s.stripe!, path: settings, line: 4, endLine: 4, where: 'new file' });
      planted.push({ id: 'gitlab-pat', kind: 'GitLab PAT', value: s.gitlab!, path: settings, line: 5, endLine: 5, where: 'new file' });
      return { message: 'billing: settings and deploy key', planted };
    }
    case 3: {
      // Lines appended to an existing file, and an .npmrc.
      const settings = 'services/billing/src/settings.ts';
      const first = lineCount(join(repo, settings));
      appendFileSync(join(repo, settings), [
        `export const SENDGRID_API_KEY = "${s.sendgrid}";`,
        `export const GOOGLE_MAPS_KEY = "${s.google}";`,
        `export const SERVICE_JWT = "${s.jwt}";`,
        '',
      ].join('\n'));
      planted.push({ id: 'sendgrid-api-key', kind: 'SendGrid API key', value: s.sendgrid!, path: settings, line: first, endLine: first, where: 'lines appended to an existing file' });
      planted.push({ id: 'gcp-api-key', kind: 'Google API key', value: s.google!, path: settings, line: first + 1, endLine: first + 1, where: 'lines appended to an existing file' });
      planted.push({ id: 'jwt', kind: 'JWT (HS256)', value: s.jwt!, path: settings, line: first + 2, endLine: first + 2, where: 'lines appended to an existing file' });
      const npmrc = 'services/billing/.npmrc';
      writeNew(repo, npmrc, ['registry=https://registry.npmjs.org/', `//registry.npmjs.org/:_authToken=${s.npm}`, ''].join('\n'));
      planted.push({ id: 'npm-access-token', kind: 'npm access token', value: s.npm!, path: npmrc, line: 2, endLine: 2, where: 'new dotfile' });
      return { message: 'billing: mail, maps and registry settings', planted };
    }
    case 4: {
      rmSync(join(repo, 'deploy/keys/deploy_rsa'));
      log('  removed deploy/keys/deploy_rsa');
      return { message: 'deploy: remove key from the repository', planted };
    }
  }
  throw new Error(`no planting ${index}`);
}

/** Streams `git log -p -U0 --all` and counts its bytes. */
export function patchBytes(repo: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['log', '-p', '-U0', '--all'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => (bytes += c.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`git log exited ${code}`))));
  });
}

function largestBlob(repo: string): { bytes: number; path: string } {
  // Sizes of every blob; then one path that holds the largest.
  const out = git(repo, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize) %(objectname)']);
  let best = { bytes: 0, oid: '' };
  for (const line of out.split('\n')) {
    const [type, size, oid] = line.split(' ');
    if (type === 'blob' && Number(size) > best.bytes) best = { bytes: Number(size), oid: oid! };
  }
  let path = '';
  if (best.oid) {
    const objects = execFileSync('git', ['rev-list', '--all', '--objects'], { cwd: repo, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    const hit = objects.split('\n').find((l) => l.startsWith(best.oid + ' '));
    path = hit ? hit.slice(best.oid.length + 1) : '';
  }
  return { bytes: best.bytes, path };
}

export async function ensureCorpus(cache: string, log: (m: string) => void): Promise<Corpus> {
  const repo = join(cache, 'scan-corpus');
  const manifestPath = join(cache, 'scan-corpus.manifest.json');
  const recipe = recipeId();
  if (existsSync(manifestPath) && existsSync(join(repo, '.git'))) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (manifest.recipe === recipe) return { repo, manifest, manifestPath, rebuilt: false };
    log(`corpus recipe changed (${manifest.recipe} -> ${recipe}): rebuilding`);
  }
  const started = Date.now();
  rmSync(manifestPath, { force: true });
  rmSync(repo, { recursive: true, force: true });
  const tarballs = join(cache, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  mkdirSync(repo, { recursive: true });

  const steps: Array<{ name: string; version: string }> = [];
  const longest = Math.max(...PACKAGES.map((p) => p.versions.length));
  for (let i = 0; i < longest; i++) for (const p of PACKAGES) if (p.versions[i]) steps.push({ name: p.name, version: p.versions[i]! });

  log(`building the corpus: ${steps.length} package versions (npm pack, cached in ${tarballs})`);
  const files = steps.map((s, i) => {
    const file = fetchTarball(tarballs, s.name, s.version);
    if ((i + 1) % 10 === 0) log(`  fetched ${i + 1}/${steps.length}`);
    return file;
  });

  git(repo, ['init', '-q', '-b', 'main']);
  const secrets = makeSecrets();
  const plantAfter = PLANT_AT.map((f) => Math.round(f * steps.length));
  let commitNo = 0;
  const commit = (message: string): string => {
    git(repo, ['add', '-A', '-f', '.'], commitNo);
    git(repo, ['commit', '-q', '--allow-empty', '-m', message], commitNo);
    commitNo++;
    return git(repo, ['rev-parse', 'HEAD']).trim();
  };
  const planted: PlantedSecret[] = [];
  for (let i = 0; i < steps.length; i++) {
    const { name, version } = steps[i]!;
    const dir = join(repo, 'packages', name);
    rmSync(dir, { recursive: true, force: true });
    extract(files[i]!, dir);
    commit(`${name}@${version}`);
    plantAfter.forEach((after, k) => {
      if (after !== i + 1) return;
      const { message, planted: p } = plant(repo, k, secrets, log);
      const oid = commit(message);
      for (const secret of p) planted.push({ ...secret, commit: oid });
      log(`  planted ${p.length} secret(s) in commit ${commitNo} (${oid.slice(0, 12)}): ${message}`);
    });
    if ((i + 1) % 10 === 0) log(`  committed ${i + 1}/${steps.length} package versions`);
  }
  log('  packing (git repack -adq)');
  git(repo, ['repack', '-adq']);
  const bytes = await patchBytes(repo);
  const largest = largestBlob(repo);
  const manifest: CorpusManifest = {
    recipe,
    builtAt: new Date().toISOString(),
    buildSeconds: (Date.now() - started) / 1000,
    tarballs: steps.length,
    commits: commitNo,
    patchBytes: bytes,
    maxBlobBytes: largest.bytes,
    maxBlobPath: largest.path,
    secrets: planted,
  };
  // The manifest is written last: its presence with the current recipe marks a finished corpus.
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { repo, manifest, manifestPath, rebuilt: true };
}

/**
 * secretlint scans files, not history: every file each commit adds or modifies, as of that commit,
 * written under dir/<nnnn>-<commit>/<path>. Built once per corpus (outside any timing).
 */
export function materializeChangedFiles(repo: string, dir: string, corpusId: string, log: (m: string) => void): { commits: Map<string, string>; files: number; bytes: number; reused: boolean } {
  const marker = `${dir}.marker.json`;
  const commits = new Map<string, string>();
  const list = git(repo, ['rev-list', '--all', '--reverse', '--topo-order']).trim().split('\n');
  list.forEach((oid, i) => commits.set(`${String(i).padStart(4, '0')}-${oid}`, oid));
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { corpusId: string; files: number; bytes: number };
    if (saved.corpusId === corpusId) return { commits, files: saved.files, bytes: saved.bytes, reused: true };
  }
  rmSync(marker, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const index = join(mkdtempSync(join(tmpdir(), 'gatehouse-bench-index-')), 'index');
  let files = 0;
  let bytes = 0;
  for (const [name, oid] of commits) {
    const changed = git(repo, ['diff-tree', '-r', '-z', '--root', '--no-commit-id', '--no-renames', '--diff-filter=AM', '--name-only', oid]).split('\0').filter(Boolean);
    if (!changed.length) continue;
    execFileSync('git', ['read-tree', oid], { cwd: repo, env: { ...gitEnv(0), GIT_INDEX_FILE: index } });
    execFileSync('git', ['checkout-index', '-z', '--stdin', `--prefix=${join(dir, name)}/`], { cwd: repo, env: { ...gitEnv(0), GIT_INDEX_FILE: index }, input: changed.join('\0'), stdio: ['pipe', 'ignore', 'pipe'] });
    files += changed.length;
    bytes += changed.reduce((sum, p) => sum + sizeOf(join(dir, name, p)), 0);
    if (commits.size > 20 && Number(name.slice(0, 4)) % 20 === 19) log(`  materialised ${Number(name.slice(0, 4)) + 1}/${commits.size} commits`);
  }
  rmSync(dirname(index), { recursive: true, force: true });
  writeFileSync(marker, JSON.stringify({ corpusId, files, bytes }));
  return { commits, files, bytes, reused: false };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
