// Reads many objects, in order, from `git cat-file --batch` fed by `git rev-list --objects`:
// each object's bytes are copied once into a buffer of exactly its size (git's header says it,
// so no content can desynchronise the stream), and an object over the size limit is skipped
// without being held in memory. The two gits run as one shell pipeline: the hook pays for one
// process start from Node (the costly kind: Node is large to fork), and listing and reading
// overlap.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { isFullOid } from './oid.ts';

export interface StreamedObject {
  oid: string;
  /** commit, tree, blob, tag; "missing" when git has no such object. */
  type: string;
  size: number;
  /** The raw content; null when it is larger than the limit (or missing). */
  content: Buffer | null;
  /** What followed the id on the request line ("" if nothing). */
  rest: string;
}

const REV_LIST_FAILED = 'gatehouse: rev-list failed';
// Constant text, no input in it: the tips arrive on stdin. dash has no pipefail, so rev-list's
// failure is reported on stderr and turned into an error below.
const pipeline = (exclude: string) =>
  `git rev-list --objects --stdin ${exclude} || { echo "${REV_LIST_FAILED} ($?)" >&2; exit 1; }; } | git cat-file '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)' --buffer`;

export class ObjectStream implements AsyncIterable<StreamedObject> {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly maxBytes: number;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  /**
   * The objects reachable from tips and not from `known` (object ids; those this repository lacks
   * are ignored), or, without `known`, from no ref of the repository: as `rev-list --objects`
   * lists them.
   */
  static newObjects(repo: string, env: NodeJS.ProcessEnv, tips: readonly string[], maxBytes: number, known?: readonly string[]): ObjectStream {
    for (const oid of [...tips, ...(known ?? [])]) if (!isFullOid(oid)) throw new Error(`not an object id: ${oid.slice(0, 80)}`);
    const input = `${tips.join('\n')}\n${known ? known.map((oid) => `^${oid}\n`).join('') : ''}`;
    return new ObjectStream(repo, env, maxBytes, `{ ${pipeline(known ? '--ignore-missing' : '--not --all')}`, input);
  }

  private constructor(repo: string, env: NodeJS.ProcessEnv, maxBytes: number, script: string, input: string) {
    this.maxBytes = maxBytes;
    this.child = spawn('/bin/sh', ['-c', script], { cwd: repo, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (c: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += c.toString();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => resolve(code));
    });
    this.exited.catch(() => {}); // surfaced by the iterator
    this.child.stdin.on('error', () => {}); // git exiting early shows up as its exit code
    this.child.stdin.end(input);
  }

  close(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamedObject> {
    let header: Buffer[] = [];
    let current: (StreamedObject & { filled: number }) | null = null;
    try {
      for await (const chunk of this.child.stdout as AsyncIterable<Buffer>) {
        let at = 0;
        while (at < chunk.length) {
          if (!current) {
            const nl = chunk.indexOf(10, at);
            if (nl === -1) {
              header.push(chunk.subarray(at));
              break;
            }
            header.push(chunk.subarray(at, nl));
            at = nl + 1;
            const line = Buffer.concat(header).toString('utf8');
            header = [];
            const parsed = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (\S+) (\d+) ?(.*)$/s.exec(line);
            if (!parsed) {
              const missing = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) missing$/.exec(line);
              if (!missing) throw new Error(`bad git cat-file header: ${line.slice(0, 80)}`);
              yield { oid: missing[1]!, type: 'missing', size: 0, content: null, rest: '' };
              continue;
            }
            const size = Number(parsed[3]);
            if (!Number.isSafeInteger(size)) throw new Error(`bad git cat-file header: ${line.slice(0, 80)}`);
            // The body, then one newline: size + 1 bytes to consume.
            current = { oid: parsed[1]!, type: parsed[2]!, size, content: size <= this.maxBytes ? Buffer.allocUnsafe(size) : null, rest: parsed[4]!, filled: 0 };
          }
          const take = Math.min(current.size + 1 - current.filled, chunk.length - at);
          const bodyEnd = Math.min(current.filled + take, current.size);
          if (current.content && bodyEnd > current.filled) chunk.copy(current.content, current.filled, at, at + (bodyEnd - current.filled));
          current.filled += take;
          at += take;
          if (current.filled === current.size + 1) {
            const { filled: _filled, ...done } = current;
            current = null;
            yield done;
          }
        }
      }
      const code = await this.exited;
      if (code !== 0 || this.stderr.includes(REV_LIST_FAILED)) throw new Error(`listing the pushed objects failed (exit ${code}): ${this.stderr.trim().slice(0, 300)}`);
      if (header.length || current) throw new Error('git cat-file stopped in the middle of an object');
    } finally {
      this.close();
    }
  }
}
