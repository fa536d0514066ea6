// Parses `git log -p -U0 --cc --format=gatehouse-commit %H %P` output into the lines each
// commit adds, per file, with their line numbers in the new file. Hand-written because the
// input is attacker-controlled in a push: hunks are consumed by the line counts in their
// headers (never by guessing from a line's first characters), so no file content can pose as
// a header and hide the lines after it. Anything unexpected is an error, never a silent skip
// (a caller that asks to go on is told what was skipped: see onFormatError).
import { unquoteGitPath } from './quote.ts';
import { FULL_OID } from './oid.ts';

export const COMMIT_MARKER = 'gatehouse-commit ';

export interface FileChange {
  commit: string;
  /** Path in the new tree (the old path for a deletion). */
  path: string;
  oldPath: string | null;
  /** Blob ids from the index line ("old..new", "a,b..new" for merges); "" if git printed none. */
  blobs: string;
  binary: boolean;
  deleted: boolean;
  /**
   * The added lines the line filter kept (all of them without one), without their diff prefix,
   * joined by newlines; set when the file is complete.
   */
  text: string;
  /** How many lines were added (kept or not). */
  addedLines: number;
  /** 1-based line number in the new file of each kept line. */
  lineNumbers: number[];
  addedBytes: number;
  /** Why some of this file's added lines were not kept (too large); null when complete. */
  incomplete: string | null;
}

export interface PatchHandlers {
  commit(oid: string, parents: string[]): void;
  file(change: FileChange): void;
}

/** Decides which added lines are kept (bytes[start, end), valid during the call); told when a new file starts. */
export interface AddedLineFilter {
  reset(): void;
  keep(bytes: Buffer, start: number, end: number): boolean;
}

export class PatchFormatError extends Error {
  constructor(message: string) {
    super(`unexpected git patch output: ${message}`);
    this.name = 'PatchFormatError';
  }
}

/** Output the parser could not follow, and what of it went unscanned for that (see PatchParser's onFormatError). */
export interface SkippedOutput {
  commit: string;
  /** '' when the error was not inside a file. */
  path: string;
  reason: string;
}

type State = 'between' | 'header' | 'hunk' | 'skip';

const HUNK_2WAY = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export class PatchParser {
  private state: State = 'between';
  private commitOid = '';
  private file: FileChange | null = null;
  private parents = 1; // columns in hunk lines: 1 for a normal diff, N for a combined (merge) diff
  private remainingParent: number[] = [];
  private remainingResult = 0;
  /** Whether the combined hunk being read may still run one line past its header (see hunkHeader). */
  private slack = false;
  /** Hunks read so far in this file. */
  private hunks = 0;
  private newLine = 0;
  private bytes: Buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private readonly handlers: PatchHandlers;
  private readonly maxFileBytes: number;
  private readonly filter: AddedLineFilter | null;
  private readonly onFormatError: ((skipped: SkippedOutput) => void) | null;

  /**
   * Without onFormatError, output the parser cannot follow throws a PatchFormatError. With it,
   * the file (or stretch of output) is reported there, dropped, and parsing resumes at the next
   * file or commit header. That is safe because git prefixes every line of content, so a line
   * starting with "diff " or the commit marker is always one of git's own headers.
   */
  constructor(handlers: PatchHandlers, options: { maxFileBytes: number; filter?: AddedLineFilter | null; onFormatError?: ((skipped: SkippedOutput) => void) | null }) {
    this.handlers = handlers;
    this.maxFileBytes = options.maxFileBytes;
    this.filter = options.filter ?? null;
    this.onFormatError = options.onFormatError ?? null;
  }

  line = (bytes: Buffer, start: number, end: number, truncated: boolean): void => {
    try {
      if (this.state === 'hunk') this.hunkLine(bytes, start, end, truncated);
      else this.otherLine(bytes, start, end);
    } catch (error) {
      this.failed(error);
    }
  };

  end(): void {
    if (this.state === 'hunk') this.failed(new PatchFormatError('stream ended inside a hunk'));
    this.flushFile();
  }

  private otherLine(bytes: Buffer, start: number, end: number): void {
    if (end === start) return;
    const first = bytes[start]!;
    // Cheap dispatch on the first byte before decoding anything.
    if (first === 0x67 /* g */ && startsWith(bytes, start, end, COMMIT_MARKER)) return this.commitLine(bytes.toString('latin1', start, end));
    const diff = first === 0x64 /* d */ && startsWith(bytes, start, end, 'diff ');
    if (this.state === 'skip') {
      // Without a valid commit line, files cannot be told which commit they belong to.
      if (diff && this.commitOid) this.diffLine(bytes.toString('utf8', start, end));
      return;
    }
    if (diff) return this.diffLine(bytes.toString('utf8', start, end));
    if (this.state === 'between') {
      throw new PatchFormatError(`line outside any file: ${JSON.stringify(bytes.toString('utf8', start, Math.min(end, start + 80)))}`);
    }
    if (first === 0x40 /* @ */) return this.hunkHeader(bytes.toString('latin1', start, end));
    this.headerLine(bytes.toString('utf8', start, end));
  }

  private failed(error: unknown): void {
    if (!(error instanceof PatchFormatError) || !this.onFormatError) throw error;
    const file = this.file;
    this.file = null;
    this.used = 0;
    this.state = 'skip';
    if (file) this.onFormatError({ commit: file.commit, path: file.path, reason: `${error.message}; the file was not scanned` });
    else if (this.commitOid) this.onFormatError({ commit: this.commitOid, path: '', reason: `${error.message}; the commit's output up to its next file was not scanned` });
    else this.onFormatError({ commit: '', path: '', reason: `${error.message}; the output up to the next commit was not scanned` });
  }

  private commitLine(text: string): void {
    this.flushFile();
    this.commitOid = '';
    const [oid, ...parents] = text.slice(COMMIT_MARKER.length).trim().split(' ').filter(Boolean);
    if (!oid || !FULL_OID.test(oid) || !parents.every((p) => FULL_OID.test(p))) throw new PatchFormatError(`bad commit line ${text.slice(0, 120)}`);
    this.commitOid = oid;
    this.state = 'between';
    this.handlers.commit(oid, parents);
  }

  private diffLine(text: string): void {
    this.flushFile();
    if (!this.commitOid) throw new PatchFormatError('diff before any commit line');
    let path: string;
    if (text.startsWith('diff --cc ') || text.startsWith('diff --combined ')) {
      path = unquote(text.slice(text.indexOf(' ', 5) + 1));
    } else if (text.startsWith('diff --git ')) {
      path = pathFromGitHeader(text.slice('diff --git '.length));
    } else throw new PatchFormatError(`unknown diff header ${text.slice(0, 120)}`);
    this.file = {
      commit: this.commitOid,
      path,
      oldPath: null,
      blobs: '',
      binary: false,
      deleted: false,
      text: '',
      addedLines: 0,
      lineNumbers: [],
      addedBytes: 0,
      incomplete: null,
    };
    this.parents = 1;
    this.hunks = 0;
    this.state = 'header';
    this.filter?.reset();
  }

  private headerLine(text: string): void {
    const file = this.file!;
    // Once hunks have begun, only another hunk (or git's "\ No newline" note) may follow: a line
    // that no header accounted for is not silently taken for an extended header.
    if (this.hunks > 0 && !text.startsWith('\\')) throw new PatchFormatError(`line after the hunks of ${file.path}: ${JSON.stringify(text.slice(0, 80))}`);
    if (text.startsWith('index ')) {
      file.blobs = text.slice(6).split(' ')[0]!;
      const commas = (file.blobs.split('..')[0]!.match(/,/g) ?? []).length;
      this.parents = commas + 1;
    } else if (text.startsWith('+++ ')) {
      // git appends a tab after a path containing a space, to mark where the path ends.
      const target = text.slice(4).replace(/\t$/, '');
      if (target !== '/dev/null') file.path = stripPrefix(unquote(target), 'b/');
    } else if (text.startsWith('--- ')) {
      const source = text.slice(4).replace(/\t$/, '');
      if (source !== '/dev/null') file.oldPath = stripPrefix(unquote(source), 'a/');
    } else if (text.startsWith('rename from ')) file.oldPath = unquote(text.slice(12));
    else if (text.startsWith('rename to ')) file.path = unquote(text.slice(10));
    else if (text.startsWith('deleted file mode')) file.deleted = true;
    else if (text.startsWith('Binary files ') || text === 'GIT binary patch') file.binary = true;
    // Other extended headers (mode, similarity, copy, new file) carry nothing to scan.
  }

  private hunkHeader(text: string): void {
    this.slack = false;
    if (this.parents === 1) {
      const m = HUNK_2WAY.exec(text);
      if (!m) throw new PatchFormatError(`bad hunk header ${text.slice(0, 120)}`);
      this.remainingParent = [m[1] === undefined ? 1 : Number(m[1])];
      this.newLine = Number(m[2]);
      this.remainingResult = m[3] === undefined ? 1 : Number(m[3]);
    } else {
      const marker = '@'.repeat(this.parents + 1);
      if (!text.startsWith(`${marker} `)) throw new PatchFormatError(`bad combined hunk header ${text.slice(0, 120)}`);
      const end = text.indexOf(` ${marker}`, marker.length);
      const ranges = text.slice(marker.length + 1, end).split(' ');
      if (ranges.length !== this.parents + 1) throw new PatchFormatError(`bad combined hunk header ${text.slice(0, 120)}`);
      this.remainingParent = ranges.slice(0, -1).map((r) => rangeCount(r));
      const result = ranges.at(-1)!;
      // With -U0 git does not print (or count) a result line that every parent has when it is in
      // a hunk only to carry removed lines, so added lines after it in the same hunk are one
      // line lower here than in the file. Nothing in the output says where that happened.
      this.newLine = Number(result.slice(1).split(',')[0]);
      this.remainingResult = rangeCount(result);
      // git's -U0 combined diff (combine-diff.c, dump_sline) undercounts a hunk that reaches
      // lines removed at the end of the file: it subtracts the end-of-file slot twice, so every
      // count in the header is one short, and a count that should be 0 wraps to 2^64-1. A wrapped
      // count says so outright; otherwise the hunk may run one line past the header in each count,
      // and it is given that one line per count (once) when a line would go past the header.
      if (this.remainingResult < 0 || this.remainingParent.some((n) => n < 0)) this.extendHunk();
      else this.slack = true;
    }
    if (this.remainingResult === 0 && this.remainingParent.every((n) => n === 0)) throw new PatchFormatError(`hunk header promising no lines ${text.slice(0, 120)}`);
    this.hunks++;
    this.state = 'hunk';
  }

  private hunkLine(bytes: Buffer, start: number, end: number, truncated: boolean): void {
    if (end > start && bytes[start] === 0x5c /* \ No newline at end of file */) return;
    const n = this.parents;
    if (end - start < n) throw new PatchFormatError('hunk line shorter than its prefix');
    const remaining = this.remainingParent;
    // One column per parent. A line with a '-' is not in the result: '-' marks the parents that
    // had it, ' ' one that did not. A line without one is in the result: ' ' marks the parents
    // that had it, '+' one that did not. (git's Documentation/diff-generate-patch, "combined diff
    // format"; combine-diff.c counts the header's ranges the same way.)
    let removed = false;
    let added = false;
    let kept = false;
    for (let i = 0; i < n; i++) {
      const c = bytes[start + i];
      if (c === 0x2b /* + */) added = true;
      else if (c === 0x2d /* - */) removed = true;
      else if (c === 0x20 /* space */) kept = true;
      else throw new PatchFormatError(`bad hunk line prefix ${JSON.stringify(String.fromCharCode(c ?? 0))}`);
    }
    if (removed) {
      if (added) throw new PatchFormatError('hunk line both removed and added');
      for (let i = 0; i < n; i++) if (bytes[start + i] === 0x2d) remaining[i]!--;
    } else {
      this.remainingResult--;
      if (kept) {
        for (let i = 0; i < n; i++) if (bytes[start + i] === 0x20) remaining[i]!--;
      } else this.keepAdded(bytes, start + n, end, this.newLine, truncated);
      this.newLine++;
    }
    // Plain loops, not some()/every(): this runs for every line of the history.
    let over = this.remainingResult < 0;
    let done = this.remainingResult === 0;
    for (let i = 0; i < n; i++) {
      const left = remaining[i]!;
      if (left < 0) over = true;
      if (left !== 0) done = false;
    }
    if (over) {
      if (!this.slack) throw new PatchFormatError('hunk longer than its header said');
      this.extendHunk();
      done = this.remainingResult === 0 && remaining.every((left) => left === 0);
    }
    if (done) this.state = 'header';
  }

  /** Gives each of the hunk's counts the one line git's combined header left out (see hunkHeader). */
  private extendHunk(): void {
    this.slack = false;
    this.remainingResult++;
    for (let i = 0; i < this.remainingParent.length; i++) this.remainingParent[i]!++;
    if (this.remainingResult < 0 || this.remainingParent.some((n) => n < 0)) throw new PatchFormatError('hunk longer than its header said');
  }

  private keepAdded(bytes: Buffer, start: number, end: number, lineNumber: number, truncated: boolean): void {
    const file = this.file!;
    if (file.incomplete) return;
    if (truncated) {
      file.incomplete = 'a line is longer than the scan limit';
      return;
    }
    const length = end - start;
    if (file.addedBytes + length > this.maxFileBytes) {
      file.incomplete = `added content exceeds ${this.maxFileBytes} bytes`;
      return;
    }
    file.addedLines++;
    file.addedBytes += length + 1;
    if (this.filter && !this.filter.keep(bytes, start, end)) return;
    // Bytes go into one reused buffer rather than a Buffer object per line: history has millions
    // of lines, and per-line objects were most of the scanner's memory and garbage.
    this.append(bytes, start, end);
    file.lineNumbers.push(lineNumber);
  }

  private append(bytes: Buffer, start: number, end: number): void {
    const need = this.used + (end - start) + 1;
    if (need > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    bytes.copy(this.bytes, this.used, start, end);
    this.used += end - start;
    this.bytes[this.used++] = 0x0a;
  }

  private flushFile(): void {
    if (this.file) {
      // Without the newline after the last line.
      this.file.text = this.used ? this.bytes.toString('utf8', 0, this.used - 1) : '';
      this.handlers.file(this.file);
    }
    this.used = 0;
    // Do not keep a huge buffer around after one huge file.
    if (this.bytes.length > 4 * 1024 * 1024) this.bytes = Buffer.allocUnsafe(64 * 1024);
    this.file = null;
  }
}

function startsWith(bytes: Buffer, start: number, end: number, prefix: string): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function rangeCount(range: string): number {
  const comma = range.indexOf(',');
  if (comma === -1) return 1;
  const count = range.slice(comma + 1);
  // -1 printed as an unsigned long (64-bit, or 32-bit where git's long is): see hunkHeader.
  if (count === '18446744073709551615' || count === '4294967295') return -1;
  if (!/^\d{1,9}$/.test(count)) throw new PatchFormatError(`bad hunk range ${range.slice(0, 40)}`);
  return Number(count);
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function unquote(text: string): string {
  return unquoteGitPath(text);
}

/** "a/x b/x" or quoted forms; with identical names (the usual case) the split is unambiguous. */
function pathFromGitHeader(rest: string): string {
  if (rest.startsWith('"')) {
    const end = rest.indexOf('" ', 1);
    const second = end === -1 ? rest : rest.slice(end + 2);
    return stripPrefix(unquote(second), 'b/');
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(0, half).slice(2) === rest.slice(half + 1).slice(2)) return rest.slice(half + 3);
  const idx = rest.lastIndexOf(' b/');
  return idx === -1 ? rest : stripPrefix(unquote(rest.slice(idx + 1)), 'b/');
}
