// A mirror's gatehouse settings live in its own git config (gatehouse.*), so the hooks, which
// git runs inside the repository, find them without any other lookup, and a bare repository
// gatehouse did not create can be set up with plain `git config`.
import { runGit } from '../git/run.ts';
import type { RefPolicy } from './ref-policy.ts';

export interface MirrorSettings {
  name: string;
  gitDir: string;
  upstream: string;
  sshKey: string;
  knownHosts: string;
  /** Credential rule or source name for HTTPS upstreams. */
  credential: string;
  policy: RefPolicy;
  /** Largest pack a push may send (also set as receive.maxInputSize); 0 for no limit. */
  maxPackBytes: number;
}

export async function readMirrorSettings(gitDir: string, env: NodeJS.ProcessEnv): Promise<MirrorSettings> {
  let stdout = '';
  try {
    ({ stdout } = await runGit(['config', '-z', '--get-regexp', '^gatehouse\\.'], { cwd: gitDir, env: { ...env, GIT_DIR: gitDir } }));
  } catch (error) {
    // exit 1: no gatehouse.* keys at all
    if ((error as { code?: number }).code !== 1) throw error;
  }
  const values = new Map<string, string[]>();
  for (const entry of stdout.split('\0')) {
    if (!entry) continue;
    const nl = entry.indexOf('\n');
    const key = (nl === -1 ? entry : entry.slice(0, nl)).toLowerCase();
    const value = nl === -1 ? '' : entry.slice(nl + 1);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const one = (key: string) => values.get(key)?.at(-1) ?? '';
  const max = Number(one('gatehouse.maxpackbytes') || 0);
  return {
    name: one('gatehouse.name'),
    gitDir,
    upstream: one('gatehouse.upstream'),
    sshKey: one('gatehouse.sshkey'),
    knownHosts: one('gatehouse.knownhosts'),
    credential: one('gatehouse.credential'),
    policy: { allow: values.get('gatehouse.allowref') ?? [], protect: values.get('gatehouse.protectref') ?? [] },
    maxPackBytes: Number.isFinite(max) && max > 0 ? max : 0,
  };
}
