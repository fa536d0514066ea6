// Property test: the patch parser against real git on random merges (two and three parents,
// resolutions that keep, drop and rewrite each side's lines and add their own, files added and
// deleted by the merge), run through the scanner's own `git log` arguments.
//
// The oracle is independent of the parser: for each commit and each parent, `git diff-tree -p
// -U0` (two-way, whose hunk counts are exact) gives the result lines new against that parent; a
// line the parser must report is one that is new against every parent, with its text taken from
// the content this test generated. That is what --cc marks "+" in every column: --cc also drops
// hunks where the result matches one parent (or, with three, agrees with all but one), but such
// a hunk has no line new against every parent, so dropping it changes nothing here. The bases
// and sides (one parent or none) are checked the same way.
//
// One nuance is git's, not the parser's: with -U0 a combined hunk leaves out a result line that
// every parent has when the hunk holds it only to hang removed lines on, and does not count it,
// so later lines of that hunk are numbered one lower per such line. The output does not say
// where that happened, so the oracle models it (expectedNumber) from the same per-parent diffs,
// the way combine-diff.c groups lines into hunks.
//
// Deterministic: PATCH_MERGE_SEED=<n> reruns a failing seed (every failure message names it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LineSplitter } from '../../src/git/line-reader.ts';
import { PatchParser, type FileChange } from '../../src/git/patch-parser.ts';
import { gitLogArguments } from '../../src/scan/sources/git.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

const SEED = Number(process.env.PATCH_MERGE_SEED ?? 0x6a7e40);
const MERGES = 300;

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FileVersion {
  lines: string[];
  /** Whether the last line ends with a newline. */
  eol: boolean;
}
type Tree = Map<string, FileVersion>;

interface Commit {
  label: string;
  parents: Commit[];
  tree: Tree;
  mark: number;
  oid: string;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'return x;', '  if (y) {', '}'];
// Content that looks like patch structure: the parser must take it as content all the same.
const TRICKY = ['@@@ -1,1 -1,1 +1,1 @@@', '@@ -1 +1 @@', '++ not a header', '-- not a header', 'diff --cc', '+++ b/fake', 'gatehouse-commit 0123456789012345678901234567890123456789', '\\ No newline at end of file', ' leading space'];
const PATHS = ['a.txt', 'b.txt', 'src/c.txt', 'src/deep/d.txt', 'e.txt'];

class Generator {
  private counter = 0;
  readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)]!;
  }

  /**
   * A line. Each names its file, so no file looks like a rename of another to git log -M (the
   * oracle pairs files by path); repeated lines within a file give the diffs choices to make.
   */
  line(path: string): string {
    const r = this.rnd();
    if (r < 0.04) return '';
    if (r < 0.1) return `${this.pick(TRICKY)} ${path}`;
    if (r < 0.25) return `${this.pick(WORDS)} ${path}`;
    return `${path} ${this.pick(WORDS)} ${this.counter++}`;
  }

  lines(path: string, lo: number, hi: number): string[] {
    return Array.from({ length: this.int(lo, hi) }, () => this.line(path));
  }

  version(path: string, lines: string[]): FileVersion {
    if (lines.length && !lines.some((l) => l !== '')) lines.push(`${path} ${this.counter++}`);
    // Sometimes no newline at the end (a last line that is empty has to have one to exist).
    return { lines, eol: lines.length === 0 || lines.at(-1) === '' || this.rnd() > 0.08 };
  }

  /** Random edits: insert, delete, replace and rewrite lines, cut or extend the end. */
  edit(path: string, lines: string[], edits: number, others: string[][] = []): string[] {
    const out = lines.slice();
    for (let e = 0; e < edits; e++) {
      const r = this.rnd();
      const at = this.int(0, out.length);
      if (r < 0.25 && others.length) {
        const from = this.pick(others);
        const start = this.int(0, Math.max(0, from.length - 1));
        out.splice(at, this.int(0, 3), ...from.slice(start, start + this.int(1, 4)));
      } else if (r < 0.45) out.splice(at, this.int(1, 3));
      else if (r < 0.6) out.splice(at, 0, ...this.lines(path, 1, 3));
      else if (r < 0.75) out.splice(at, this.int(1, 2), ...this.lines(path, 1, 2));
      else if (r < 0.85) {
        if (at < out.length) out[at] = `${out[at]} edited ${this.counter++}`;
      } else if (r < 0.95) out.splice(Math.max(0, out.length - this.int(1, 3)));
      else out.push(...this.lines(path, 1, 2));
    }
    return out;
  }
}

function content(v: FileVersion): string {
  return v.lines.join('\n') + (v.eol && v.lines.length ? '\n' : '');
}

interface Coverage {
  merges: number;
  octopus: number;
  addedByMerge: number;
  deletedByMerge: number;
  keptOneSide: number;
  eofRemovals: number;
  renumbered: number;
}

function generate(seed: number, coverage: Coverage): Commit[] {
  const g = new Generator(seed);
  const commits: Commit[] = [];
  let mark = 1;
  const commit = (label: string, parents: Commit[], tree: Tree): Commit => {
    const c: Commit = { label, parents, tree, mark: mark++, oid: '' };
    commits.push(c);
    return c;
  };
  for (let m = 0; m < MERGES; m++) {
    const baseTree: Tree = new Map();
    for (const path of PATHS) if (g.rnd() < 0.5) baseTree.set(path, g.version(path, g.lines(path, 0, 10)));
    const base = commit(`case ${m} base`, [], baseTree);
    const parentCount = g.rnd() < 0.3 ? 3 : 2;
    const parents: Commit[] = [];
    for (let p = 0; p < parentCount; p++) {
      const tree: Tree = new Map();
      for (const path of PATHS) {
        const old = baseTree.get(path);
        const r = g.rnd();
        if (old && r < 0.1) continue; // deleted on this side
        if (old) tree.set(path, g.version(path, g.edit(path, old.lines, g.int(0, 4))));
        else if (r < 0.2) tree.set(path, g.version(path, g.lines(path, 0, 8))); // added on this side
      }
      parents.push(commit(`case ${m} parent ${p}`, [base], tree));
    }
    const tree: Tree = new Map();
    for (const path of PATHS) {
      const sides = parents.map((p) => p.tree.get(path)).filter((v): v is FileVersion => v !== undefined);
      const r = g.rnd();
      if (!sides.length) {
        if (r < 0.25) {
          tree.set(path, g.version(path, g.lines(path, 0, 6)));
          coverage.addedByMerge++;
        }
        continue;
      }
      if (r < 0.1) {
        coverage.deletedByMerge++;
        continue;
      }
      if (r < 0.25) {
        tree.set(path, g.pick(sides));
        coverage.keptOneSide++;
        continue;
      }
      const start = g.pick(sides).lines;
      tree.set(path, g.version(path, g.edit(path, start, g.int(1, 6), sides.map((s) => s.lines))));
    }
    commit(`case ${m} merge`, parents, tree);
    coverage.merges++;
    if (parentCount === 3) coverage.octopus++;
  }
  return commits;
}

function fastImport(commits: Commit[]): string {
  const parts: string[] = [];
  for (const c of commits) {
    const [first, ...more] = c.parents;
    // One branch, reset each time (parents are always explicit): a ref per commit costs seconds.
    parts.push(`reset refs/heads/work\ncommit refs/heads/work\nmark :${c.mark}\ncommitter Test <test@example.test> 1767225600 +0000\n`);
    parts.push(`data ${Buffer.byteLength(c.label)}\n${c.label}\n`);
    if (first) parts.push(`from :${first.mark}\n`);
    for (const p of more) parts.push(`merge :${p.mark}\n`);
    parts.push('deleteall\n');
    for (const [path, v] of c.tree) {
      const body = content(v);
      parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
    }
    parts.push('\n');
  }
  return parts.join('');
}

interface PairDiff {
  /** Result line numbers new against this parent. */
  added: Set<number>;
  /** Result lines that removed lines hang on in combine-diff.c (line count + 1: the end of the file). */
  removedBefore: Set<number>;
}

/** `git diff-tree -p -U0` output for each "commit parent" pair, in input order, by path. */
function pairDiffs(output: string, pairs: number): Array<Map<string, PairDiff>> {
  const out: Array<Map<string, PairDiff>> = [];
  const lines = output.split('\n');
  let path = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[0-9a-f]{40}$/.test(line)) out.push(new Map());
    else if (line.startsWith('diff --git a/')) path = line.slice('diff --git a/'.length, line.indexOf(' b/'));
    else if (line.startsWith('@@ ')) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      assert.ok(m, line);
      const removed = m[2] === undefined ? 1 : Number(m[2]);
      const start = Number(m[3]);
      const added = m[4] === undefined ? 1 : Number(m[4]);
      const map = out.at(-1)!;
      let d = map.get(path);
      if (!d) map.set(path, (d = { added: new Set(), removedBefore: new Set() }));
      for (let k = start; k < start + added; k++) d.added.add(k);
      // combine-diff.c consume_hunk: a pure removal hangs on the line after it, otherwise on the
      // first added line.
      if (removed) d.removedBefore.add(added ? start : start + 1);
      // Skip the hunk's lines by its (two-way, exact) counts, so content is never read as a header.
      let left = removed + added;
      while (left > 0) if (!lines[++i]!.startsWith('\\')) left--;
    }
  }
  assert.equal(out.length, pairs, 'diff-tree output for every pair');
  return out;
}

/**
 * The number git's -U0 combined diff gives result line k (see the top of this file): k less the
 * lines of its hunk before it that are shown only for the removed lines they carry.
 */
function expectedNumber(k: number, lineCount: number, diffs: PairDiff[]): number {
  const addedAny = (j: number) => j <= lineCount && diffs.some((d) => d.added.has(j));
  const marked = (j: number) => addedAny(j) || diffs.some((d) => d.removedBefore.has(j));
  let hidden = 0;
  for (let j = k - 1; j >= 1 && marked(j); j--) if (!addedAny(j)) hidden++;
  return k - hidden;
}

type Lines = Array<[number, string]>;

test('patch parser: lines new in random merges, as git log --cc shows them', (t) => {
  const seedNote = `seed ${SEED} (rerun with PATCH_MERGE_SEED=${SEED})`;
  const repo = new TestRepo(tempDir(t, 'gatehouse-merges'));
  const coverage: Coverage = { merges: 0, octopus: 0, addedByMerge: 0, deletedByMerge: 0, keptOneSide: 0, eofRemovals: 0, renumbered: 0 };
  const commits = generate(SEED, coverage);

  const marks = join(repo.dir, 'marks');
  // fast-import allocates and frees zlib's buffers for every object; without a trim threshold
  // glibc hands that memory back each time, which cost seconds (of brk) on a loaded machine.
  const importEnv = { ...GIT_ENV, MALLOC_TRIM_THRESHOLD_: String(256 << 20) };
  execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: repo.dir, env: importEnv, input: fastImport(commits) });
  const oids = new Map(readFileSync(marks, 'utf8').trim().split('\n').map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)] as const));
  for (const c of commits) c.oid = oids.get(c.mark)!;

  // The parser, on exactly what the scanner reads.
  const tips = commits.filter((c) => c.parents.length > 1).map((c) => c.oid);
  const log = execFileSync('git', gitLogArguments(tips), { cwd: repo.dir, env: GIT_ENV, maxBuffer: 1 << 30 });
  const actual = new Map<string, Lines>();
  const parsedCommits = new Set<string>();
  const parser = new PatchParser(
    {
      commit: (oid) => parsedCommits.add(oid),
      file: (f: FileChange) => {
        if (!f.lineNumbers.length) return;
        const key = `${f.commit} ${f.path}`;
        assert.ok(!actual.has(key), `${seedNote}: ${key} reported twice`);
        const texts = f.text.split('\n');
        actual.set(key, f.lineNumbers.map((n, i) => [n, texts[i]!]));
      },
    },
    { maxFileBytes: 1 << 30 },
  );
  const splitter = new LineSplitter();
  try {
    splitter.push(log, parser.line);
    splitter.end(parser.line);
    parser.end();
  } catch (error) {
    assert.fail(`${seedNote}: ${(error as Error).message}`);
  }
  assert.equal(parsedCommits.size, commits.length, seedNote);

  // The oracle: two-way diffs against each parent.
  const pairs = commits.flatMap((c) => c.parents.map((p) => `${c.oid} ${p.oid}\n`));
  const diffTree = execFileSync(
    'git',
    ['diff-tree', '--stdin', '--always', '-p', '-U0', '--no-renames', '--diff-algorithm=histogram', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'],
    { cwd: repo.dir, env: GIT_ENV, input: pairs.join(''), maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const diffs = pairDiffs(diffTree, pairs.length);
  const expected = new Map<string, Lines>();
  const where = new Map<string, string>();
  let pair = 0;
  for (const c of commits) {
    const byParent = c.parents.map(() => diffs[pair++]!);
    for (const [path, v] of c.tree) {
      const none: PairDiff = { added: new Set(), removedBefore: new Set() };
      const perParent = byParent.map((d) => d.get(path) ?? none);
      const lines: Lines = [];
      for (let k = 1; k <= v.lines.length; k++) {
        if (!perParent.every((d) => d.added.has(k))) continue;
        const shown = c.parents.length > 1 ? expectedNumber(k, v.lines.length, perParent) : k;
        if (shown !== k) coverage.renumbered++;
        lines.push([shown, v.lines[k - 1]!]);
      }
      if (c.parents.length > 1 && perParent.some((d) => d.removedBefore.has(v.lines.length + 1))) coverage.eofRemovals++;
      if (lines.length) {
        expected.set(`${c.oid} ${path}`, lines);
        where.set(`${c.oid} ${path}`, c.label);
      }
    }
  }

  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    assert.deepEqual(actual.get(key), expected.get(key), `${seedNote}, ${where.get(key) ?? 'a commit'} (${key}): added lines [line, text]`);
  }
  t.diagnostic(`${seedNote}: ${commits.length} commits, ${expected.size} files with added lines; ${JSON.stringify(coverage)}`);
  // The generator must reach the cases the parser once got wrong, or the test proves little.
  assert.ok(coverage.octopus > 0 && coverage.addedByMerge > 0 && coverage.deletedByMerge > 0 && coverage.keptOneSide > 0, `${seedNote}: ${JSON.stringify(coverage)}`);
  assert.ok(coverage.eofRemovals > 0 && coverage.renumbered > 0, `${seedNote}: ${JSON.stringify(coverage)}`);
});
