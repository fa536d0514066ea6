// `gatehouse doctor`: each check says what it found and, when something is wrong, how to fix it.
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { checkConfiguration } from '../config/check.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { Env } from '../config/paths.ts';
import { parseGitVersion, runGit, versionAtLeast } from '../git/run.ts';
import { INSTALLED_ROLE_LINKS } from '../roles.ts';
import { openConfiguredStore } from '../store/open-configured.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  env: Env;
  cwd: string;
  configPath?: string | undefined;
  stateDir?: string | undefined;
  /** The binary that is running, to check the role links point at it; null when run from source. */
  selfBinary: string | null;
}

export const MINIMUM_GIT: readonly number[] = [2, 30, 0];

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [await checkGit(options.env)];
  let loaded: LoadedConfig | null = null;
  try {
    loaded = loadConfig({ env: options.env, cwd: options.cwd, configPath: options.configPath, stateDir: options.stateDir });
    results.push({ check: 'config', status: 'ok', detail: loaded.file ?? 'no config file; running on embedded defaults' });
    const { resolved, problems } = checkConfiguration(loaded, options.env);
    results.push(
      problems.length
        ? { check: 'config references', status: 'fail', detail: problems.join('; '), fix: 'set the variables and fix the files named above; `gatehouse config check` lists each' }
        : { check: 'config references', status: 'ok', detail: resolved.length ? `resolve: ${resolved.join(', ')}` : 'no secret references' },
    );
  } catch (error) {
    results.push({ check: 'config', status: 'fail', detail: errorMessage(error), fix: 'correct the key named above; `gatehouse config show` lists every key' });
  }
  if (loaded) {
    // The store first: opening it creates the state dir, whose permissions are checked next.
    const store = await checkStore(loaded, options.env);
    results.push(...checkStateDir(loaded.stateDir), store);
  }
  results.push(...checkRoleLinks(options.env, options.selfBinary));
  results.push(await checkGitUsesHelper(options.env, options.cwd));
  return results;
}

/** Is git told to use gatehouse as its credential helper (in any config git reads here)? */
async function checkGitUsesHelper(env: Env, cwd: string): Promise<CheckResult> {
  let helpers: string[] = [];
  try {
    const { stdout } = await runGit(['config', '--get-all', 'credential.helper'], { cwd, env: env as NodeJS.ProcessEnv, timeoutMs: 10_000 });
    helpers = stdout.split('\n').filter(Boolean);
  } catch {
    helpers = [];
  }
  const ours = helpers.some((h) => h === 'gatehouse' || /(^|[\s/!])(git-credential-)?gatehouse(\s+credential)?$/.test(h.trim()));
  return ours
    ? { check: 'git credential helper', status: 'ok', detail: `git uses gatehouse (credential.helper = ${helpers.join(', ')})` }
    : {
        check: 'git credential helper',
        status: 'warn',
        detail: helpers.length ? `git uses ${helpers.join(', ')}, not gatehouse` : 'git has no credential.helper configured',
        fix: 'git config --global credential.helper gatehouse',
      };
}

async function checkGit(env: Env): Promise<CheckResult> {
  try {
    const { stdout } = await runGit(['--version'], { env: env as NodeJS.ProcessEnv, timeoutMs: 10_000 });
    const version = parseGitVersion(stdout);
    if (!version) return { check: 'git', status: 'warn', detail: `unrecognised version string: ${stdout.trim()}` };
    if (!versionAtLeast(version, MINIMUM_GIT)) {
      return { check: 'git', status: 'fail', detail: `git ${version.join('.')} is older than ${MINIMUM_GIT.join('.')}`, fix: 'install a newer git (apt-get install git)' };
    }
    return { check: 'git', status: 'ok', detail: `git ${version.join('.')}` };
  } catch {
    return { check: 'git', status: 'fail', detail: 'git was not found on PATH', fix: 'install git (apt-get install git)' };
  }
}

function checkStateDir(stateDir: string): CheckResult[] {
  if (!existsSync(stateDir)) {
    return [{ check: 'state dir', status: 'ok', detail: `${stateDir} (not created yet; made 0700 on first use)` }];
  }
  const results: CheckResult[] = [];
  const mode = statSync(stateDir).mode & 0o777;
  if (mode & 0o077) {
    results.push({ check: 'state dir', status: 'fail', detail: `${stateDir} is open to others (mode ${mode.toString(8)})`, fix: `chmod 700 ${stateDir}` });
  } else {
    results.push({ check: 'state dir', status: 'ok', detail: `${stateDir} (mode ${mode.toString(8)})` });
  }
  const loose: string[] = [];
  for (const entry of readdirSync(stateDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(stateDir, entry.name);
    if (statSync(path).mode & 0o077) loose.push(path);
  }
  results.push(
    loose.length
      ? { check: 'private files', status: 'fail', detail: `readable by others: ${loose.join(', ')}`, fix: `chmod 600 ${loose.join(' ')}` }
      : { check: 'private files', status: 'ok', detail: 'every file in the state dir is 0600 or stricter' },
  );
  return results;
}

async function checkStore(loaded: LoadedConfig, env: Env): Promise<CheckResult> {
  try {
    const store = await openConfiguredStore(loaded, env);
    try {
      const probe = store.namespace('doctor');
      const value = `probe-${Date.now()}`;
      await probe.set('probe', value, 60_000);
      const read = await probe.get('probe');
      await probe.delete('probe');
      if (read !== value) return { check: 'store', status: 'fail', detail: `${store.kind} at ${store.location} did not return what was written` };
      return { check: 'store', status: 'ok', detail: `${store.kind} at ${store.location}` };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { check: 'store', status: 'fail', detail: errorMessage(error), fix: 'check store.url in the config (or the state dir permissions for sqlite)' };
  }
}

function findOnPath(name: string, env: Env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function checkRoleLinks(env: Env, selfBinary: string | null): CheckResult[] {
  const gatehouse = findOnPath('gatehouse', env);
  const target = selfBinary ?? (gatehouse ? realpathSync(gatehouse) : null);
  const results: CheckResult[] = [
    gatehouse
      ? { check: 'gatehouse on PATH', status: 'ok', detail: gatehouse }
      : { check: 'gatehouse on PATH', status: 'warn', detail: 'gatehouse is not on PATH', fix: 'run ./install.sh, or add its bin directory to PATH' },
  ];
  for (const name of INSTALLED_ROLE_LINKS) {
    const found = findOnPath(name, env);
    if (!found) {
      results.push({ check: `role ${name}`, status: 'warn', detail: `${name} is not on PATH`, fix: `run ./install.sh, or: ln -s "$(command -v gatehouse)" "$(dirname "$(command -v gatehouse)")/${name}"` });
    } else if (target && realpathSync(found) !== target) {
      results.push({ check: `role ${name}`, status: 'fail', detail: `${found} is not this gatehouse (${target})`, fix: `ln -sf ${target} ${found}` });
    } else {
      results.push({ check: `role ${name}`, status: 'ok', detail: found });
    }
  }
  return results;
}
