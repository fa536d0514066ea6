// The config for the credential helper's hot path: a cache hit needs neither the TOML parser
// nor the schema (zod), which load only on a miss.
import { finishLoaded, locateConfig, readCachedConfig, type LoadOptions, type LoadedConfig } from './source.ts';

export async function loadConfigPreferCache(options: LoadOptions): Promise<LoadedConfig> {
  const source = locateConfig(options);
  const cached = readCachedConfig(source);
  if (cached) return finishLoaded(source, cached, options);
  return (await import('./load.ts')).loadConfig(options);
}
