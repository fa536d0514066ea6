// Loads gatehouse.toml: parse, validate with errors that name the file and key, fill defaults.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type * as z from 'zod';
import { ConfigError, GatehouseError } from '../errors.ts';
import { defaultPaths, type Env } from './paths.ts';
import { configSchema, type GatehouseConfig } from './schema.ts';
import { writePrivateFile } from './private-files.ts';
import { gatehouseVersion } from '../version.ts';

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

export function loadConfig(options: LoadOptions): LoadedConfig {
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
  const config = cachedConfig(cacheDir, file, text, () => (text === null ? configSchema().parse({}) : parseConfigText(text, file)));
  const stateDirSetting = options.stateDir ?? (config.state_dir || options.env.GATEHOUSE_STATE_DIR || '');
  const stateDir = stateDirSetting ? resolve(options.cwd, stateDirSetting) : paths.stateDir;
  return { config, file: text === null ? null : file, stateDir, configDir: paths.configDir };
}

export function parseConfigText(text: string, file: string): GatehouseConfig {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError(file, undefined, `TOML syntax error at line ${error.line}, column ${error.column}: ${firstLine(error.message)}`);
    }
    throw error;
  }
  const result = configSchema().safeParse(raw);
  if (!result.success) throw issueToError(file, result.error.issues[0]!);
  if (result.data.state_dir && !isAbsolute(result.data.state_dir)) {
    throw new ConfigError(file, 'state_dir', 'must be an absolute path');
  }
  return result.data;
}

const CACHE_FILE = 'config-cache.json';

/**
 * The validated config of a file's exact text, kept in the state dir: git runs the credential
 * helper on every operation, and parsing plus validating cost more than the rest of a get. The key
 * covers the gatehouse version, the path and the text, so any edit (or upgrade) misses. Written
 * only into a state dir that already exists, 0600.
 */
function cachedConfig(stateDir: string, file: string, text: string | null, validate: () => GatehouseConfig): GatehouseConfig {
  // The text itself is the key (config files are small), so no hash module loads on this path.
  const key = `${gatehouseVersion()}\0${file}\0${text ?? '(defaults)'}`;
  const cacheFile = join(stateDir, CACHE_FILE);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; config: GatehouseConfig };
    if (cached.key === key) return cached.config;
  } catch {
    // no cache yet, or unreadable: validate
  }
  const config = validate();
  if (existsSync(stateDir)) {
    try {
      writePrivateFile(cacheFile, JSON.stringify({ key, config }));
    } catch {
      // a cache that cannot be written only costs time
    }
  }
  return config;
}

function issueToError(file: string, issue: z.core.$ZodIssue): ConfigError {
  const key = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => (key ? `${key}.${k}` : k));
    return new ConfigError(file, names[0], `unknown key${names.length > 1 ? `s ${names.join(', ')}` : ''}`, 'remove it or check its spelling against `gatehouse config show`');
  }
  return new ConfigError(file, key || undefined, issue.message);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
