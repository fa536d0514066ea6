// Where each blob of a set of commits came in: for every commit, the paths whose content differs
// from every parent (`git log --raw -c`, renames followed for one-parent commits), with the blob
// each parent had there. The gate uses it to name the commit and path of a finding and to tell a
// secret a push adds from one its pre-image already had. Read with -z, by position: a path is
// whatever bytes git wrote, and can never pose as a record.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { isFullOid, isZeroOid } from './oid.ts';

export interface BlobIntroduction {
  commit: string;
  path: string;
  /** The blob each parent had at this path (or at the rename source); zero-free, missing sides left out. */
  preimages: string[];
}

const MARKER = 'gatehouse-commit ';
const GITLINK = '160000';

export function introductionArguments(): string[] {
  return ['log', '--no-walk=unsorted', '--stdin', `--format=tformat:${MARKER}%H`, '--raw', '-z', '-c', '-M', '--root', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-textconv'];
}

/** For every new commit's changed paths: which blob came in there, from which pre-images. */
export async function readIntroductions(repo: string, env: NodeJS.ProcessEnv, commits: readonly string[]): Promise<Map<string, BlobIntroduction[]>> {
  if (commits.length === 0) return new Map();
  for (const c of commits) if (!isFullOid(c)) throw new Error(`not a commit id: ${c.slice(0, 80)}`);
  const child = spawn('git', introductionArguments(), { cwd: repo, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});
  child.stdin.end(`${commits.join('\n')}\n`);
  try {
    return await readAll(child);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function readAll(child: ChildProcessWithoutNullStreams): Promise<Map<string, BlobIntroduction[]>> {
  const out = new Map<string, BlobIntroduction[]>();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const parser = new RawRecordParser((intro, blob) => {
    const list = out.get(blob);
    if (list) list.push(intro);
    else out.set(blob, [intro]);
  });
  let carry: Buffer | null = null;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let at = 0;
    for (let nul = data.indexOf(0, at); nul !== -1; nul = data.indexOf(0, at)) {
      parser.token(data.subarray(at, nul));
      at = nul + 1;
    }
    carry = at < data.length ? Buffer.from(data.subarray(at)) : null;
  }
  const code = await exited;
  if (code !== 0) throw new Error(`git log --raw failed (exit ${code}): ${stderr.trim().slice(0, 300)}`);
  if (carry && carry.length) parser.token(carry);
  parser.end();
  return out;
}

type Expect = 'record' | 'path' | 'renameSource' | 'renameTarget';

/** The -z raw format as a state machine over NUL-separated tokens. Exported for unit tests. */
export class RawRecordParser {
  private expect: Expect = 'record';
  private commit = '';
  private pending: { blob: string; preimages: string[]; gitlink: boolean } | null = null;
  private readonly emit: (intro: BlobIntroduction, blob: string) => void;

  constructor(emit: (intro: BlobIntroduction, blob: string) => void) {
    this.emit = emit;
  }

  token(bytes: Buffer): void {
    if (this.expect === 'path' || this.expect === 'renameTarget') {
      this.finish(bytes.toString('utf8'));
      return;
    }
    if (this.expect === 'renameSource') {
      this.expect = 'renameTarget';
      return;
    }
    // A record: a commit marker or a raw line; git separates the two with a newline, not a NUL.
    let text = bytes.toString('latin1');
    if (text.startsWith('\n')) text = text.slice(1);
    if (text === '') return;
    if (text.startsWith(MARKER)) {
      const oid = text.slice(MARKER.length);
      if (!isFullOid(oid)) throw new Error(`unexpected git log --raw output: ${text.slice(0, 80)}`);
      this.commit = oid;
      return;
    }
    this.record(text);
  }

  end(): void {
    if (this.expect !== 'record') throw new Error('git log --raw output ended inside a record');
  }

  private record(text: string): void {
    let parents = 0;
    while (text[parents] === ':') parents++;
    const fields = text.slice(parents).split(' ');
    // parents+1 modes, parents+1 object ids, one status (with a score for renames and copies)
    if (parents === 0 || fields.length !== 2 * (parents + 1) + 1 || !this.commit) throw new Error(`unexpected git log --raw output: ${text.slice(0, 120)}`);
    const modes = fields.slice(0, parents + 1);
    const oids = fields.slice(parents + 1, 2 * (parents + 1));
    const status = fields[2 * (parents + 1)]!;
    const blob = oids[parents]!;
    const preimages = oids.slice(0, parents).filter((oid, i) => !isZeroOid(oid) && modes[i] !== GITLINK);
    this.pending = { blob, preimages, gitlink: modes[parents] === GITLINK || isZeroOid(blob) };
    this.expect = parents === 1 && /^[RC]/.test(status) ? 'renameSource' : 'path';
  }

  private finish(path: string): void {
    const pending = this.pending!;
    this.pending = null;
    this.expect = 'record';
    if (!pending.gitlink) this.emit({ commit: this.commit, path, preimages: pending.preimages }, pending.blob);
  }
}
