// Finding and reading the config file, and the cache of validated configs, without the TOML
// parser or the schema: the credential helper's fast path (load-fast.ts) needs only this.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GatehouseError } from '../errors.ts';
import { gatehouseVersion } from '../version.ts';
import { defaultPaths, type Env, type GatehousePaths } from './paths.ts';
import { writePrivateFile } from './private-files.ts';
import type { GatehouseConfig } from './schema.ts';

export interface LoadOptions {
  env: Env;
  cwd: string;
  /** --config; when given the file must exist. */
  configPath?: string | undefined;
  /** --state-dir; wins over state_dir in the file. */
  stateDir?: string | undefined;
}

export interface LoadedConfig {
  config: GatehouseConfig;
  /** The file that was read, or null when running on embedded defaults. */
  file: string | null;
  stateDir: string;
  configDir: string;
}

export interface ConfigSource {
  file: string;
  /** The file's text, or null when there is no file and defaults apply. */
  text: string | null;
  paths: GatehousePaths;
  /** Where the validated-config cache lives. */
  cacheDir: string;
}

export function locateConfig(options: LoadOptions): ConfigSource {
  const paths = defaultPaths(options.env);
  const explicit = options.configPath ?? options.env.GATEHOUSE_CONFIG;
  const file = explicit ? resolve(options.cwd, explicit) : paths.configFile;
  let text: string | null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) text = null;
    else if (code === 'ENOENT') {
      throw new GatehouseError(`config file ${file} does not exist`, {
        hint: 'check the --config path, or leave it out to run on defaults',
      });
    } else throw new GatehouseError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  const cacheDir = options.stateDir ? resolve(options.cwd, options.stateDir) : options.env.GATEHOUSE_STATE_DIR || paths.stateDir;
  return { file, text, paths, cacheDir };
}

export function finishLoaded(source: ConfigSource, config: GatehouseConfig, options: LoadOptions): LoadedConfig {
  // --state-dir, else GATEHOUSE_STATE_DIR, else state_dir in the file: the variable is how a
  // server hands its state dir to the hooks it starts (configEnv), and it must win over the file
  // as --state-dir did for the server itself.
  const stateDirSetting = options.stateDir ?? (options.env.GATEHOUSE_STATE_DIR || config.state_dir || '');
  const stateDir = stateDirSetting ? resolve(options.cwd, stateDirSetting) : source.paths.stateDir;
  return { config, file: source.text === null ? null : source.file, stateDir, configDir: source.paths.configDir };
}

/**
 * The environment for what gatehouse starts that runs gatehouse again: git daemon's access hook,
 * the pre-receive hook under receive-pack (git daemon's or http-backend's), the credential helper
 * under a fetch or forward. They take no flags from us, so the config file and state dir this
 * process resolved (from --config, --state-dir or the defaults) travel as GATEHOUSE_CONFIG and
 * GATEHOUSE_STATE_DIR, both absolute, and the children load exactly what we loaded.
 */
export function configEnv(loaded: LoadedConfig, env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  // No file means embedded defaults; the children, with the same XDG variables, find none either.
  if (loaded.file) out.GATEHOUSE_CONFIG = loaded.file;
  else delete out.GATEHOUSE_CONFIG;
  out.GATEHOUSE_STATE_DIR = loaded.stateDir;
  return out;
}

const CACHE_FILE = 'config-cache.json';

/**
 * Bump whenever schema.ts changes what a file means (a default, a refinement): the version alone
 * stays the same across builds, and a cached config would keep the old meaning. 2: credential
 * rules default to protocol "https" (was "*"). 3: the rate_limit section and gate.max_token_ttl.
 * 4: everything this round added (gate.signing_key, peer_url, lock_lease_seconds, shim body scans).
 */
export const CONFIG_SCHEMA_REVISION = 4;

/**
 * The validated config of a file's exact text, kept in the state dir: git runs the credential
 * helper on every operation, and parsing plus validating cost more than the rest of a get. The key
 * is the gatehouse version and schema revision, the path and the text itself (config files are
 * small), so any edit or upgrade misses. Written only into a state dir that already exists, 0600.
 */
function cacheKey(source: ConfigSource): string {
  return `${gatehouseVersion()}+schema.${CONFIG_SCHEMA_REVISION}\0${source.file}\0${source.text ?? '(defaults)'}`;
}

export function readCachedConfig(source: ConfigSource): GatehouseConfig | null {
  try {
    const cached = JSON.parse(readFileSync(join(source.cacheDir, CACHE_FILE), 'utf8')) as { key: string; config: GatehouseConfig };
    return cached.key === cacheKey(source) ? cached.config : null;
  } catch {
    return null; // no cache yet, or unreadable: validate
  }
}

export function writeCachedConfig(source: ConfigSource, config: GatehouseConfig): GatehouseConfig {
  if (existsSync(source.cacheDir)) {
    try {
      writePrivateFile(join(source.cacheDir, CACHE_FILE), JSON.stringify({ key: cacheKey(source), config }));
    } catch {
      // a cache that cannot be written only costs time
    }
  }
  return config;
}
