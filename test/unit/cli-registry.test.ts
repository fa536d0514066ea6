// The command registry: each command is found by its name without loading the others, and each
// command's help is complete (examples, a description for every positional).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_LOADERS, commandNameIn, loadAllCommands } from '../../src/cli/registry.ts';
import { declaredHelp, positionalNames } from '../helpers/help.ts';

describe('command registry', () => {
  it('finds the command name past global options and their values', () => {
    assert.equal(commandNameIn(['scan', 'git']), 'scan');
    assert.equal(commandNameIn(['--json', 'mirror', 'list']), 'mirror');
    assert.equal(commandNameIn(['--config', 'x.toml', 'doctor']), 'doctor');
    assert.equal(commandNameIn(['--state-dir', '/s', '--log-level', 'debug', 'token', 'mint']), 'token');
    assert.equal(commandNameIn(['--config=x.toml', 'serve']), 'serve');
    assert.equal(commandNameIn(['--help']), undefined);
    assert.equal(commandNameIn([]), undefined);
    assert.equal(commandNameIn(['--', 'scan']), undefined);
  });

  it('each loader gives the spec of the command it is named for', async () => {
    for (const [name, load] of COMMAND_LOADERS) {
      const spec = await load();
      const command = Array.isArray(spec.command) ? spec.command[0]! : spec.command;
      assert.equal(command.split(' ')[0], name);
    }
    assert.equal(new Set(COMMAND_LOADERS.map(([name]) => name)).size, COMMAND_LOADERS.length, 'names are unique');
  });

  it('every command has an example and a description for every positional', async () => {
    for (const spec of await loadAllCommands()) {
      const command = Array.isArray(spec.command) ? spec.command[0]! : spec.command;
      const { examples, positionals } = declaredHelp(spec);
      assert.ok(examples.length > 0, `${command}: no example`);
      for (const name of positionalNames(command)) {
        assert.ok(positionals.get(name)?.describe, `${command}: positional ${name} has no description`);
      }
    }
  });

  it('every example line fits an 80-column terminal, long commands continue with a backslash', async () => {
    for (const spec of await loadAllCommands()) {
      for (const [example] of declaredHelp(spec).examples) {
        const lines = example.replace(/\$0/g, 'gatehouse').split('\n');
        for (const line of lines) assert.ok(line.length + 2 <= 80, `too long for 80 columns: ${line}`);
        for (const line of lines.slice(0, -1)) assert.ok(line.endsWith(' \\'), `a continued line must end with " \\": ${line}`);
      }
    }
  });
});
