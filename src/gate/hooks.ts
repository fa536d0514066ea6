// Installing gatehouse's pre-receive role into bare repositories: a symlink to the binary named
// pre-receive. Idempotent; a hook that is not ours is left alone unless --force.
import { existsSync, lstatSync, readlinkSync, realpathSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GatehouseError } from '../errors.ts';

export type HookInstallOutcome = 'installed' | 'already installed' | 'replaced';

export function isBareRepository(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}

export function installPreReceive(gitDir: string, binary: string, force: boolean): HookInstallOutcome {
  const dir = resolve(gitDir);
  if (!isBareRepository(dir)) throw new GatehouseError(`${dir} is not a bare git repository`, { hint: 'pass the path of a bare repository (the directory holding HEAD, objects/ and refs/)' });
  const hook = join(dir, 'hooks', 'pre-receive');
  let existing: import('node:fs').Stats | null = null;
  try {
    existing = lstatSync(hook);
  } catch {
    existing = null;
  }
  if (existing) {
    if (existing.isSymbolicLink() && isOurs(hook, binary)) return 'already installed';
    if (!force) {
      throw new GatehouseError(`${hook} exists and is not gatehouse's`, { exitCode: 1, hint: 'inspect it, then re-run with --force to replace it (it is kept as pre-receive.before-gatehouse)' });
    }
    renameSync(hook, `${hook}.before-gatehouse`);
  }
  const temp = `${hook}.gatehouse-new`;
  if (existsSync(temp)) unlinkSync(temp);
  symlinkSync(binary, temp);
  renameSync(temp, hook);
  return existing ? 'replaced' : 'installed';
}

function isOurs(hook: string, binary: string): boolean {
  try {
    return readlinkSync(hook) === binary || realpathSync(hook) === realpathSync(binary);
  } catch {
    return false;
  }
}
