// The effective configuration as people and machines see it, with anything secret elided.
import { stringify } from 'smol-toml';
import { redactValue } from '../log/redact.ts';
import type { LoadedConfig } from './load.ts';

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
