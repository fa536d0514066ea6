// package.json tells the truth: its bin names files that exist, and every runtime dependency is
// one the code imports (an unused one is attack surface and install time for nothing).
import assert from 'node:assert/strict';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('package.json', () => {
  it('every bin entry is an executable file in the repository', () => {
    assert.ok(Object.keys(pkg.bin).length > 0);
    for (const [name, file] of Object.entries(pkg.bin)) {
      assert.doesNotThrow(() => accessSync(join(root, file), constants.X_OK), `bin ${name}: ${file}`);
    }
  });

  it('every runtime dependency is imported by the code', () => {
    const code = [...sources(join(root, 'src')), ...sources(join(root, 'scripts'))].join('\n');
    for (const dependency of Object.keys(pkg.dependencies)) {
      const imported = new RegExp(`(from |import\\()'${dependency.replace('/', '\\/')}(/[^']*)?'`).test(code);
      assert.ok(imported, `${dependency} is a dependency nobody imports`);
    }
  });
});
