// The config for the credential helper's hot path: a cache hit needs neither the TOML parser
// nor the schema (zod), which load only on a miss. The CLI prepares its loader the same way.
import { finishLoaded, locateConfig, readCachedConfig, type LoadOptions, type LoadedConfig } from './source.ts';

export async function loadConfigPreferCache(options: LoadOptions): Promise<LoadedConfig> {
  const source = locateConfig(options);
  const cached = readCachedConfig(source);
  if (cached) return finishLoaded(source, cached, options);
  return (await import('./load.ts')).loadConfig(options);
}

/**
 * The CLI's config loader, prepared before a command runs so that config() can stay synchronous:
 * the cached validated config when there is one, else the full loader, imported now. An error
 * surfaces when the command asks for its config, never before: a command that needs none
 * (`shim routes`, `install-hooks`) runs whatever the config file holds.
 */
export async function prepareConfigLoader(options: LoadOptions): Promise<() => LoadedConfig> {
  try {
    const source = locateConfig(options);
    const cached = readCachedConfig(source);
    if (cached) return () => finishLoaded(source, cached, options);
  } catch {
    // The full loader reports it, when asked.
  }
  const { loadConfig } = await import('./load.ts');
  return () => loadConfig(options);
}
