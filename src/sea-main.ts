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

function loadChunk(role: Role): Promise<RoleModule> {
  const code = getAsset(`${role}.cjs`, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(getAsset(`${role}.cache`));
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrapChunk(code), { filename: `gatehouse-${role}.cjs`, cachedData });
  if (process.env.GATEHOUSE_DEBUG_CHUNKS) process.stderr.write(`chunk ${role}: code cache ${cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'absent'}\n`);
  const module = { exports: {} as RoleModule };
  // Chunks bundle everything but Node's built-ins, which this require can load.
  const load = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  load(module.exports, createRequire(process.execPath), module, process.execPath, process.execPath);
  return Promise.resolve(module.exports);
}

dispatch(loadChunk, () => GATEHOUSE_VERSION);
