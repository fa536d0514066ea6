// Which replica this is: an id made once per state dir, so every process of one gate (hooks,
// serve, CLI) agrees on it and replicas sharing one store tell themselves apart.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateFileOnce } from '../config/private-files.ts';

const REPLICA_ID_FILE = 'replica-id';
const known = new Map<string, string>();

export function replicaId(stateDir: string): string {
  let id = known.get(stateDir);
  if (id) return id;
  const file = join(stateDir, REPLICA_ID_FILE);
  if (!existsSync(file)) createPrivateFileOnce(file, `${randomUUID()}\n`);
  id = readFileSync(file, 'utf8').trim();
  known.set(stateDir, id);
  return id;
}
