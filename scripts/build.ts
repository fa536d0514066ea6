// Builds dist/gatehouse: one self-contained executable (Node's single executable application).
// esbuild bundles a tiny dispatcher as the SEA's main script and each role's code as its own
// CommonJS chunk, embedded as SEA assets with a V8 code cache each; postject injects the blob
// into a copy of the Node 24 binary from node_modules. Nothing is downloaded at build time.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { wrapChunk } from '../src/chunk-wrapper.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const CHUNKS = ['cli', 'credential', 'pre-receive', 'access-hook', 'redis', 'undici', 'jose', 'zod', 'toml'] as const;
/** Packages that are chunks of their own: the role chunks reach them through sea-main's require. */
export const SHARED_CHUNKS: Record<string, string> = { '@keyv/redis': 'redis', undici: 'undici', jose: 'jose', zod: 'zod', 'smol-toml': 'toml' };

export async function bundle(entry: string, outfile: string, external: string[] = []): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    // yargs reads import.meta.url, which a CommonJS bundle leaves empty.
    banner: { js: 'var __gatehouse_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    define: {
      'import.meta.url': '__gatehouse_import_meta_url',
      GATEHOUSE_VERSION: JSON.stringify(pkg.version),
    },
    alias: { 'string-width': join(root, 'scripts/stubs/string-width.cjs') },
    // import() of a built-in becomes require(): compiled chunks have no ES module loader.
    supported: { 'dynamic-import': false },
    // bun:sqlite is referenced by optional code paths of keyv adapters that never run under Node.
    external: ['bun:sqlite', ...external],
  });
}

/** V8 code cache for a chunk, made by the same Node binary the executable is built from. */
function codeCache(chunkFile: string, cacheFile: string): void {
  const script = `
    const { readFileSync, writeFileSync } = require('node:fs');
    const { Script } = require('node:vm');
    const code = readFileSync(${JSON.stringify(chunkFile)}, 'utf8');
    const wrapped = ${wrapChunk.toString()};
    const s = new Script(wrapped(code), { filename: 'chunk' });
    writeFileSync(${JSON.stringify(cacheFile)}, s.createCachedData());`;
  const made = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`code cache for ${chunkFile} failed: ${made.stderr}`);
}

export function makeSingleExecutable(script: string, output: string, assets: Record<string, string> = {}): void {
  const blob = `${output}.blob`;
  const seaConfig = `${output}.sea.json`;
  writeFileSync(
    seaConfig,
    JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false, assets }),
  );
  const prepared = spawnSync(process.execPath, ['--experimental-sea-config', seaConfig], { encoding: 'utf8' });
  if (prepared.status !== 0) throw new Error(`node --experimental-sea-config failed: ${prepared.stderr}`);
  const temp = `${output}.tmp`;
  copyFileSync(process.execPath, temp);
  chmodSync(temp, 0o755);
  // postject warns about ELF note sections it does not need on every run; show its output only on failure.
  const injected = spawnSync(
    process.execPath,
    [join(root, 'node_modules/postject/dist/cli.js'), temp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE],
    { encoding: 'utf8' },
  );
  if (injected.status !== 0) {
    process.stderr.write(injected.stdout + injected.stderr);
    throw new Error(`postject failed with exit code ${injected.status}`);
  }
  renameSync(temp, output);
  rmSync(blob);
  rmSync(seaConfig);
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(join(dist, 'chunks'), { recursive: true, force: true });
  mkdirSync(join(dist, 'chunks'), { recursive: true });
  const assets: Record<string, string> = {};
  await Promise.all(
    CHUNKS.map(async (chunk) => {
      const file = join(dist, 'chunks', `${chunk}.cjs`);
      const shared = Object.entries(SHARED_CHUNKS).filter(([, name]) => name !== chunk).map(([pkg]) => pkg);
      await bundle(join(root, 'src/chunks', `${chunk}.ts`), file, shared);
      codeCache(file, join(dist, 'chunks', `${chunk}.cache`));
      assets[`${chunk}.cjs`] = file;
      assets[`${chunk}.cache`] = join(dist, 'chunks', `${chunk}.cache`);
    }),
  );
  const mainScript = join(dist, 'gatehouse.cjs');
  await bundle(join(root, 'src/sea-main.ts'), mainScript);
  makeSingleExecutable(mainScript, join(dist, 'gatehouse'), assets);
  process.stderr.write(`built dist/gatehouse ${pkg.version} (Node ${process.versions.node}) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
