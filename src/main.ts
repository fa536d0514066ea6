// Entry point when running from source (bin/gatehouse, tests): roles load with import(), so
// a role never evaluates the code of another.
import { dispatch, type RoleModule } from './dispatch.ts';
import type { Role } from './roles.ts';
import { gatehouseVersion } from './version.ts';

async function load(role: Role): Promise<RoleModule> {
  switch (role) {
    case 'credential':
      return import('./chunks/credential.ts');
    case 'pre-receive':
      return import('./chunks/pre-receive.ts');
    case 'access-hook':
      return import('./chunks/access-hook.ts');
    case 'cli':
      return import('./chunks/cli.ts');
  }
}

dispatch(load, gatehouseVersion);
