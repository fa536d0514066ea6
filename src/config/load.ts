// Loads gatehouse.toml: parse, validate with errors that name the file and key, fill defaults.
import { isAbsolute } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type * as z from 'zod';
import { ConfigError } from '../errors.ts';
import { configSchema, type GatehouseConfig } from './schema.ts';
import { finishLoaded, locateConfig, readCachedConfig, writeCachedConfig, type LoadOptions, type LoadedConfig } from './source.ts';

export type { LoadOptions, LoadedConfig };

export function loadConfig(options: LoadOptions): LoadedConfig {
  const source = locateConfig(options);
  const config =
    readCachedConfig(source) ??
    writeCachedConfig(source, source.text === null ? configSchema().parse({}) : parseConfigText(source.text, source.file));
  return finishLoaded(source, config, options);
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
