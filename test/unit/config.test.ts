import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, parseConfigText } from '../../src/config/load.ts';
import { defaultPaths } from '../../src/config/paths.ts';
import { configEnv } from '../../src/config/source.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { resolveSecretRef } from '../../src/config/secret-ref.ts';
import { effectiveConfigToml } from '../../src/config/describe.ts';
import { ConfigError, GatehouseError } from '../../src/errors.ts';
import { machineConnectionLimit } from '../../src/gate/connection-limit.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('paths', () => {
  it('follows XDG variables and falls back to HOME', () => {
    assert.deepEqual(defaultPaths({ HOME: '/home/u' }), {
      configDir: '/home/u/.config/gatehouse',
      configFile: '/home/u/.config/gatehouse/gatehouse.toml',
      stateDir: '/home/u/.local/state/gatehouse',
    });
    const xdg = defaultPaths({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg', XDG_STATE_HOME: '/st' });
    assert.equal(xdg.configFile, '/cfg/gatehouse/gatehouse.toml');
    assert.equal(xdg.stateDir, '/st/gatehouse');
  });

  it('ignores relative XDG values, as the spec says', () => {
    assert.equal(defaultPaths({ HOME: '/home/u', XDG_STATE_HOME: 'rel/state' }).stateDir, '/home/u/.local/state/gatehouse');
  });
});

describe('config schema', () => {
  it('has a default for every key', () => {
    assert.deepEqual(defaultConfig(), {
      state_dir: '',
      log: { level: 'info', file: '' },
      store: { url: 'sqlite', password: '', namespace: 'gatehouse' },
      scan: { rules: '', max_file_size: 10 * 1024 * 1024, max_run_seconds: 0, decode_depth: 2, cache: true },
      credential: { key_file: '', key_env: '', rule: [] },
      shim: {
        listen: '127.0.0.1', port: 9420, public_url: '', socket: '', trust_loopback: false, token_header: 'x-gatehouse-token', strip_cookies: true, forwarded: 'strip',
        max_header_bytes: 16384, max_headers: 100, request_timeout_seconds: 0, idle_timeout_seconds: 300, upstream_connections: 64, ca_file: '', max_scan_body_bytes: 10 * 1024 * 1024, route: [],
      },
      gate: {
        rules: '', signing_key: '', peer_url: '', scan_timeout_seconds: 120, allow_unscannable: [], allow_replace_refs: false, forward_timeout_seconds: 120, verify_timeout_seconds: 15, max_pack_bytes: 100 * 1024 * 1024, max_token_ttl: '30d', freshness_seconds: 5,
        serve_stale_for_seconds: 0, fetch_timeout_seconds: 120, lock_lease_seconds: 10, listen: '127.0.0.1', port: 9418, git_protocol: false, git_push: false, max_connections: machineConnectionLimit(), http_port: 9419, timeout_seconds: 600, init_timeout_seconds: 30,
      },
      rate_limit: { requests: 0, bytes: 0, window_seconds: 60 },
    });
  });

  it('accepts a full valid file and fills the rest', () => {
    const config = parseConfigText('[store]\nurl = "redis://127.0.0.1:6379/2"\npassword = "env:REDIS_PW"\n', 'g.toml');
    assert.equal(config.store.url, 'redis://127.0.0.1:6379/2');
    assert.equal(config.store.password, 'env:REDIS_PW');
    assert.equal(config.log.level, 'info');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['[store]\nurll = "sqlite"\n', 'store.urll', /unknown key/],
    ['colour = true\n', 'colour', /unknown key/],
    ['[log]\nlevel = "loud"\n', 'log.level', /expected one of "debug"\|"info"\|"warn"\|"error"\|"silent"$/],
    ['[log]\nlevel = 3\n', 'log.level', /expected one of "debug"\|"info"\|"warn"\|"error"\|"silent"$/],
    ['[store]\nurl = "mysql://db/x"\n', 'store.url', /sqlite.*redis/],
    ['[store]\nurl = "redis://:hunter2hunter2@127.0.0.1:6379"\n', 'store.url', /must not hold a password/],
    ['[store]\npassword = "hunter2hunter2"\n', 'store.password', /secret reference/],
    ['[store]\nnamespace = "a b"\n', 'store.namespace', /letters/],
    ['state_dir = "relative/dir"\n', 'state_dir', /absolute/],
    ['[scan]\nmax_file_size = 0\n', 'scan.max_file_size', /at least 1 byte/],
    ['[scan]\ndecode_depth = 9\n', 'scan.decode_depth', /0 to 5/],
  ];
  for (const [text, key, problem] of bad) {
    it(`names the file and key ${key} for a bad value`, () => {
      assert.throws(
        () => parseConfigText(text, '/etc/gatehouse/gatehouse.toml'),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.key, key);
          assert.equal(error.file, '/etc/gatehouse/gatehouse.toml');
          assert.ok(error.message.startsWith(`/etc/gatehouse/gatehouse.toml: ${key}: `), error.message);
          assert.match(error.message, problem);
          assert.equal(error.message.includes('hunter2hunter2'), false, 'the error must not echo a secret');
          return true;
        },
      );
    });
  }

  it('reports TOML syntax errors with line and column', () => {
    assert.throws(() => parseConfigText('[store\nurl = 1', 'g.toml'), /g\.toml: TOML syntax error at line 1, column \d+/);
  });
});

describe('loadConfig', () => {
  it('runs on embedded defaults when no config file exists', (t) => {
    const home = tempDir(t);
    const loaded = loadConfig({ env: { HOME: home }, cwd: home });
    assert.equal(loaded.file, null);
    assert.equal(loaded.stateDir, join(home, '.local/state/gatehouse'));
    assert.deepEqual(loaded.config, defaultConfig());
  });

  it('reads the XDG config file, and --state-dir wins over the file', (t) => {
    const home = tempDir(t);
    mkdirSync(join(home, '.config/gatehouse'), { recursive: true });
    writeFileSync(join(home, '.config/gatehouse/gatehouse.toml'), `state_dir = "${home}/from-file"\n[log]\nlevel = "debug"\n`);
    const fromFile = loadConfig({ env: { HOME: home }, cwd: home });
    assert.equal(fromFile.file, join(home, '.config/gatehouse/gatehouse.toml'));
    assert.equal(fromFile.stateDir, join(home, 'from-file'));
    assert.equal(fromFile.config.log.level, 'debug');
    assert.equal(loadConfig({ env: { HOME: home }, cwd: home, stateDir: 'rel' }).stateDir, join(home, 'rel'));
  });

  it('GATEHOUSE_STATE_DIR wins over state_dir in the file, --state-dir over both', (t) => {
    const home = tempDir(t);
    const file = join(home, 'elsewhere.toml');
    writeFileSync(file, `state_dir = "${home}/from-file"\n`);
    const env = { HOME: home, GATEHOUSE_CONFIG: file, GATEHOUSE_STATE_DIR: join(home, 'from-env') };
    assert.equal(loadConfig({ env, cwd: home }).file, file);
    assert.equal(loadConfig({ env, cwd: home }).stateDir, join(home, 'from-env'));
    assert.equal(loadConfig({ env, cwd: home, stateDir: 'flag' }).stateDir, join(home, 'flag'));
  });

  it("configEnv hands a process's config file and state dir to the processes it starts", (t) => {
    const home = tempDir(t);
    const file = join(home, 'etc/gate.toml');
    mkdirSync(join(home, 'etc'));
    writeFileSync(file, `state_dir = "${home}/from-file"\n[log]\nlevel = "debug"\n`);
    // The parent: --config and --state-dir, both relative to its cwd.
    const parent = loadConfig({ env: { HOME: home }, cwd: home, configPath: 'etc/gate.toml', stateDir: 'srv/state' });
    const env = configEnv(parent, { HOME: home, PATH: '/bin' });
    assert.deepEqual(env, { HOME: home, PATH: '/bin', GATEHOUSE_CONFIG: file, GATEHOUSE_STATE_DIR: join(home, 'srv/state') });
    // A child (a hook) with no flags, somewhere else, loads the same.
    const child = loadConfig({ env, cwd: '/' });
    assert.equal(child.file, parent.file);
    assert.equal(child.stateDir, parent.stateDir);
    assert.equal(child.config.log.level, 'debug');
    // On embedded defaults there is no file to name, and none is named.
    const defaults = loadConfig({ env: { HOME: home }, cwd: home });
    assert.equal(configEnv(defaults, { HOME: home, GATEHOUSE_CONFIG: '' }).GATEHOUSE_CONFIG, undefined);
  });

  it('fails clearly when an explicit --config file is missing', (t) => {
    const home = tempDir(t);
    assert.throws(() => loadConfig({ env: { HOME: home }, cwd: home, configPath: 'nope.toml' }), (error: unknown) => {
      assert.ok(error instanceof GatehouseError);
      assert.match(error.message, /nope\.toml does not exist/);
      return true;
    });
  });

  it('config show prints the effective config with its source', (t) => {
    const home = tempDir(t);
    const text = effectiveConfigToml(loadConfig({ env: { HOME: home }, cwd: home }));
    assert.match(text, /^# no config file: embedded defaults/);
    assert.match(text, /\[store\]\nurl = "sqlite"/);
  });
});

describe('secret references', () => {
  it('reads env and 0600 files, refuses loose files and empty values without echoing them', (t) => {
    const dir = tempDir(t);
    assert.equal(resolveSecretRef('env:GH_PW', { GH_PW: 'from-env-123' }, 'store.password'), 'from-env-123');
    assert.throws(() => resolveSecretRef('env:GH_PW', {}, 'store.password'), /GH_PW is unset or empty/);
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-file-456\n', { mode: 0o600 });
    assert.equal(resolveSecretRef(`file:${file}`, {}, 'store.password'), 'from-file-456');
    chmodSync(file, 0o644);
    assert.throws(
      () => resolveSecretRef(`file:${file}`, {}, 'store.password'),
      (error: unknown) => error instanceof GatehouseError && /readable by others/.test(error.message) && !error.message.includes('from-file-456') && /chmod 600/.test(error.hint ?? ''),
    );
  });
});

describe('gate.max_connections default', () => {
  it('is sized for the machine: 128 MiB of memory per connection, never below 64 nor above 1024', () => {
    const mib = 1024 * 1024;
    assert.equal(machineConnectionLimit(2048 * mib), 64, 'a small machine keeps the old floor');
    assert.equal(machineConnectionLimit(24 * 1024 * mib), 192, '24 GiB: 80 clients fit');
    assert.equal(machineConnectionLimit(1024 * 1024 * mib), 1024);
    assert.ok(defaultConfig().gate.max_connections >= 64);
  });
});
