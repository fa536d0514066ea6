// Every command's --help, as the binary prints it, walked from the registry: examples that paste
// as they are (never wrapped inside a command), every positional described, -V only at the top.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { COMMAND_LOADERS } from '../../src/cli/registry.ts';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { declaredHelp, positionalNames } from '../helpers/help.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The lines of one section of a help text ("Examples:", "Positionals:"), up to the next blank line. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(title);
  if (start === -1) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('gatehouse <command> --help', () => {
  before(assertBuilt);

  for (const [name, load] of COMMAND_LOADERS) {
    it(`${name}: examples on lines of their own, positionals described, no -V`, async (t) => {
      const spec = await load();
      const command = Array.isArray(spec.command) ? spec.command[0]! : spec.command;
      const result = await run(BINARY, [name, '--help'], { env: { HOME: tempDir(t) } });
      assert.equal(result.code, 0, result.stderr);

      // Each example prints as "# description" then its command, line for line as written.
      const expected = declaredHelp(spec).examples.flatMap(([example, description]) => [
        ...(description ? [`  # ${description}`] : []),
        ...example.replace(/\$0/g, 'gatehouse').split('\n').map((line) => `  ${line}`),
      ]);
      assert.ok(expected.length > 0, `${name}: no example`);
      assert.deepEqual(section(result.stdout, 'Examples:'), expected);

      const positionals = section(result.stdout, 'Positionals:');
      for (const positional of positionalNames(command)) {
        const line = positionals.find((l) => l.trimStart().startsWith(`${positional} `));
        assert.ok(line, `${name}: positional ${positional} not listed`);
        // The name, then a description before the [type]/[choices] annotations.
        assert.match(line, new RegExp(`^\\s+${positional}\\s+[a-zA-Z]`), `${name}: positional ${positional} has no description`);
      }

      assert.equal(/(^|\s)(-V|--version)\b/m.test(result.stdout), false, `${name} --help offers --version`);
    });
  }

  it('-V and --version belong to the top level only', async (t) => {
    const env = { HOME: tempDir(t) };
    const top = await run(BINARY, ['--help'], { env });
    assert.match(top.stdout, /-V, --version/);
    const after = await run(BINARY, ['config', 'show', '-V'], { env });
    assert.equal(after.code, 2);
    assert.match(after.stderr, /Unknown argument: V/);
  });
});
