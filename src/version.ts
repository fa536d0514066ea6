// The version is baked in by the build (esbuild define); from source it is read from package.json.
import { readFileSync } from 'node:fs';

declare const GATEHOUSE_VERSION: string | undefined;

export function gatehouseVersion(): string {
  if (typeof GATEHOUSE_VERSION === 'string') return GATEHOUSE_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
