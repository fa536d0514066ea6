// The one binary plays several roles; which one is decided by the name it was invoked by,
// so a symlink or hook file named after a role runs that role without any arguments.
import { basename } from 'node:path';

export type Role = 'cli' | 'pre-receive' | 'access-hook' | 'credential';

/** Names the binary answers to, and the role each runs. Installed as symlinks by install.sh. */
export const ROLE_NAMES: Readonly<Record<string, Role>> = {
  'pre-receive': 'pre-receive',
  'gatehouse-pre-receive': 'pre-receive',
  'gatehouse-access-hook': 'access-hook',
  'git-credential-gatehouse': 'credential',
};

/** The symlinks install.sh puts next to the binary (the bare `pre-receive` belongs in hooks/ only). */
export const INSTALLED_ROLE_LINKS = ['git-credential-gatehouse', 'gatehouse-access-hook', 'gatehouse-pre-receive'] as const;

export function roleForInvocation(invokedAs: string): Role {
  const name = basename(invokedAs).replace(/\.(exe|js|ts)$/, '');
  return Object.hasOwn(ROLE_NAMES, name) ? ROLE_NAMES[name]! : 'cli';
}
