// Entry point of the single executable. Each role's code is a separate bundle embedded as a
// SEA asset with its own V8 code cache, compiled only when that role runs: git starts the
// credential helper and the hooks on every operation, and they should not pay to load the
// CLI, the scanner's rules or the Redis client they do not use. (One bundle for everything
// costs every start the deserialisation of all of it.)
import { createRequire } from 'node:module';
import { getAsset } from 'node:sea';
import { Script } from 'node:vm';
import { wrapChunk } from './chunk-wrapper.ts';
import { dispatch, type RoleModule } from './dispatch.ts';
import type { Role } from './roles.ts';

declare const GATEHOUSE_VERSION: string;

/** Packages bundled as chunks of their own (scripts/build.ts SHARED_CHUNKS), loaded on first require. */
const SHARED_CHUNKS: Record<string, string> = { '@keyv/redis': 'redis', undici: 'undici', jose: 'jose', zod: 'zod', 'smol-toml': 'toml' };
const loaded = new Map<string, unknown>();
const builtins = createRequire(process.execPath);

function chunkRequire(id: string): unknown {
  const chunk = SHARED_CHUNKS[id];
  if (!chunk) return builtins(id);
  if (!loaded.has(chunk)) loaded.set(chunk, loadChunk(chunk));
  return loaded.get(chunk);
}

function loadRole(role: Role): Promise<RoleModule> {
  return Promise.resolve(loadChunk(role) as RoleModule);
}

function loadChunk(name: string): unknown {
  const role = name;
  // Buffer's UTF-8 decoder is several times faster than the TextDecoder getAsset(name, 'utf8') uses.
  const code = Buffer.from(getAsset(`${role}.cjs`)).toString('utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(getAsset(`${role}.cache`));
  } catch {
    cachedData = undefined;
  }
  const started = process.hrtime.bigint();
  const script = new Script(wrapChunk(code), { filename: `gatehouse-${role}.cjs`, cachedData });
  const compiled = process.hrtime.bigint();
  const module = { exports: {} as unknown };
  // Chunks bundle everything but Node's built-ins and the shared chunks, which this require loads.
  const load = script.runInThisContext() as (exports: unknown, require: (id: string) => unknown, module: unknown, filename: string, dirname: string) => void;
  load(module.exports, chunkRequire, module, process.execPath, process.execPath);
  if (process.env.GATEHOUSE_DEBUG_CHUNKS) {
    const ms = (a: bigint, b: bigint) => (Number(b - a) / 1e6).toFixed(1);
    process.stderr.write(`chunk ${role}: code cache ${cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'absent'}; compile ${ms(started, compiled)} ms, evaluate ${ms(compiled, process.hrtime.bigint())} ms\n`);
  }
  return module.exports;
}

dispatch(loadRole, () => GATEHOUSE_VERSION);
