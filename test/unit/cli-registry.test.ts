// The command registry: each command is found by its name without loading the others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_LOADERS, commandNameIn } from '../../src/cli/registry.ts';

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
});
