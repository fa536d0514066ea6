// The effective configuration as people and machines see it, with anything secret elided.
import { stringify } from 'smol-toml';
import { redactValue } from '../log/redact.ts';
import type { LoadedConfig } from './load.ts';
import { resolveSecretRef } from './secret-ref.ts';
import type { Env } from './paths.ts';

export interface EffectiveConfig {
  file: string | null;
  stateDir: string;
  config: Record<string, unknown>;
}

export function effectiveConfig(loaded: LoadedConfig): EffectiveConfig {
  const config = redactValue({ ...loaded.config, state_dir: loaded.stateDir }) as Record<string, unknown>;
  return { file: loaded.file, stateDir: loaded.stateDir, config };
}

export function effectiveConfigToml(loaded: LoadedConfig): string {
  const source = loaded.file ? `# from ${loaded.file}` : '# no config file: embedded defaults';
  return `${source}\n${stringify(effectiveConfig(loaded).config)}\n`;
}

/** Every secret reference in the config, resolved to prove it works; values are never returned. */
export function checkSecretReferences(loaded: LoadedConfig, env: Env): string[] {
  const checked: string[] = [];
  if (loaded.config.store.password) {
    resolveSecretRef(loaded.config.store.password, env, 'store.password');
    checked.push('store.password');
  }
  return checked;
}
