// Where gatehouse keeps its files, following the XDG base directory spec.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface GatehousePaths {
  configDir: string;
  configFile: string;
  stateDir: string;
}

export const CONFIG_FILE_NAME = 'gatehouse.toml';

function xdgBase(env: Env, variable: string, fallback: string): string {
  const value = env[variable];
  // The spec says relative values are invalid and must be ignored.
  return value && value.startsWith('/') ? value : join(env.HOME || homedir(), fallback);
}

export function defaultPaths(env: Env): GatehousePaths {
  const configDir = join(xdgBase(env, 'XDG_CONFIG_HOME', '.config'), 'gatehouse');
  return {
    configDir,
    configFile: join(configDir, CONFIG_FILE_NAME),
    stateDir: join(xdgBase(env, 'XDG_STATE_HOME', '.local/state'), 'gatehouse'),
  };
}

export function resolvePath(path: string, relativeTo: string): string {
  return resolve(relativeTo, path);
}
