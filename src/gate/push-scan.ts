// What a push brings that the mirror has never seen: the commits reachable from the new tips
// and from no existing ref (`new --not --all`, in the push quarantine), and the annotated tag
// objects the push creates. Every line those commits add, their messages and the tag messages
// go through the scanner.
import { CatFileBatch, parseTag } from '../git/cat-file.ts';
import type { ScanResult } from '../scan/result.ts';
import type { Scanner } from '../scan/scanner.ts';
import { scanGit } from '../scan/sources/git.ts';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';

export async function scanPush(scanner: Scanner, updates: RefUpdate[], gitDir: string, env: NodeJS.ProcessEnv): Promise<ScanResult> {
  const tips = [...new Set(updates.filter((u) => !isZeroOid(u.newOid)).map((u) => u.newOid))];
  if (tips.length === 0) return { findings: [], notScanned: [], stats: { commits: 0, files: 0, bytes: 0, binarySkipped: 0, cacheHits: 0, durationMs: 0 } };
  const catFile = new CatFileBatch(gitDir, env);
  try {
    const tagObjects = await annotatedTags(tips, catFile);
    return await scanGit(scanner, { repo: gitDir, revisions: [...tips, '--not', '--all'], tagObjects, env, catFile });
  } finally {
    catFile.close();
  }
}

/** The annotated tag objects among the tips, following tags of tags. */
async function annotatedTags(tips: string[], batch: CatFileBatch): Promise<string[]> {
  const tags: string[] = [];
  const queue = [...tips];
  const seen = new Set<string>();
  while (queue.length) {
    const oid = queue.shift()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    const object = await batch.get(oid);
    if (object?.type !== 'tag') continue;
    tags.push(oid);
    queue.push(parseTag(object.content).object);
  }
  return tags;
}
