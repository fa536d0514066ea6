// Reads many objects, in order, from one `git cat-file --batch`: each object's bytes are copied
// once into a buffer of exactly its size (git's header says it, so no content can desynchronise
// the stream), and an object over the size limit is skipped without being held in memory.
import { spawn } from 'node:child_process';

export interface StreamedObject {
  oid: string;
  /** commit, tree, blob, tag; "missing" when git has no such object. */
  type: string;
  size: number;
  /** The raw content; null when it is larger than the limit (or missing). */
  content: Buffer | null;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export async function* streamObjects(repo: string, env: NodeJS.ProcessEnv, oids: readonly string[], maxBytes: number): AsyncGenerator<StreamedObject> {
  for (const oid of oids) if (!OID.test(oid)) throw new Error(`not an object id: ${oid.slice(0, 80)}`);
  if (oids.length === 0) return;
  const child = spawn('git', ['cat-file', '--batch', '--buffer'], { cwd: repo, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  child.stdin.on('error', () => {}); // git exiting early shows up as its exit code below
  child.stdin.end(`${oids.join('\n')}\n`);

  let next = 0;
  let header: Buffer[] = [];
  let current: { oid: string; type: string; size: number; content: Buffer | null; filled: number } | null = null;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        if (!current) {
          const nl = chunk.indexOf(10, at);
          if (nl === -1) {
            header.push(chunk.subarray(at));
            at = chunk.length;
            break;
          }
          header.push(chunk.subarray(at, nl));
          at = nl + 1;
          const line = Buffer.concat(header).toString('latin1');
          header = [];
          const expected = oids[next++];
          if (expected === undefined) throw new Error(`git cat-file sent output nobody asked for: ${line.slice(0, 80)}`);
          if (line === `${expected} missing`) {
            yield { oid: expected, type: 'missing', size: 0, content: null };
            continue;
          }
          const [oid, type, sizeText] = line.split(' ');
          const size = Number(sizeText);
          if (oid !== expected || !type || !Number.isSafeInteger(size) || size < 0) throw new Error(`bad git cat-file header: ${line.slice(0, 80)}`);
          // The body, then one newline: size + 1 bytes to consume.
          current = { oid, type, size, content: size <= maxBytes ? Buffer.allocUnsafe(size) : null, filled: 0 };
        }
        const want = current.size + 1 - current.filled;
        const take = Math.min(want, chunk.length - at);
        if (current.content) {
          const bodyEnd = Math.min(current.filled + take, current.size);
          if (bodyEnd > current.filled) chunk.copy(current.content, current.filled, at, at + (bodyEnd - current.filled));
        }
        current.filled += take;
        at += take;
        if (current.filled === current.size + 1) {
          const done = current;
          current = null;
          yield { oid: done.oid, type: done.type, size: done.size, content: done.content };
        }
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`git cat-file failed (exit ${code}): ${stderr.trim().slice(0, 300)}`);
    if (next !== oids.length || current) throw new Error(`git cat-file stopped after ${next} of ${oids.length} objects`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
