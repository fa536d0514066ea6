// The patch parser on hand-written `git log -p -U0 --cc` text: combined diffs from real
// conflicting merges (git 2.39 output, ids shortened to fake ones), its strictness, and how it
// reports output it cannot follow when asked to go on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/git/line-reader.ts';
import { PatchFormatError, PatchParser, type SkippedOutput } from '../../src/git/patch-parser.ts';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);
const PA = 'a'.repeat(40);
const PB = 'b'.repeat(40);
const B1 = 'c'.repeat(40);
const B2 = 'd'.repeat(40);
const B3 = 'e'.repeat(40);

interface Parsed {
  commits: string[];
  files: Array<{ commit: string; path: string; lines: number[]; text: string }>;
  skipped: SkippedOutput[];
}

function parse(text: string, recover = false): Parsed {
  const out: Parsed = { commits: [], files: [], skipped: [] };
  const parser = new PatchParser(
    {
      commit: (oid) => out.commits.push(oid),
      file: (f) => out.files.push({ commit: f.commit, path: f.path, lines: f.lineNumbers, text: f.text }),
    },
    { maxFileBytes: 1 << 20, onFormatError: recover ? (s) => out.skipped.push(s) : null },
  );
  const splitter = new LineSplitter();
  splitter.push(Buffer.from(text), parser.line);
  splitter.end(parser.line);
  parser.end();
  return out;
}

const merge = (commit: string, ...files: string[]) => `gatehouse-commit ${commit} ${PA} ${PB}\n\n${files.join('')}`;
const ccFile = (path: string, hunks: string) => `diff --cc ${path}\nindex ${B1},${B2}..${B3}\n--- a/${path}\n+++ b/${path}\n${hunks}`;
const plainCommit = (commit: string, parent: string, path: string, hunks: string) =>
  `gatehouse-commit ${commit} ${parent}\n\ndiff --git a/${path} b/${path}\nindex ${B1}..${B2} 100644\n--- a/${path}\n+++ b/${path}\n${hunks}`;

// Parents p/x and q/y, resolved as N/C/Z: each side's lines are removed with a blank in the
// other side's column, a parent that never had them.
const BOTH_SIDES_REMOVED = ccFile('f', '@@@ -1,1 -1,1 +1,1 @@@\n- p\n -q\n++N\n@@@ -3,1 -3,1 +3,1 @@@\n- x\n -y\n++Z\n');

describe('patch parser, combined diffs', () => {
  it('does not count a blank column of a removed line against that parent (was: "hunk longer than its header said")', () => {
    const out = parse(merge(C1, BOTH_SIDES_REMOVED, ccFile('g', '@@@ -1,0 -1,0 +1,1 @@@\n++secret\n')));
    assert.deepEqual(out.files, [
      { commit: C1, path: 'f', lines: [1, 3], text: 'N\nZ' },
      { commit: C1, path: 'g', lines: [1], text: 'secret' },
    ]);
  });

  it('reads a hunk whose count git wrapped to 2^64-1 (lines removed at the end, none added)', () => {
    // Parents C/x and C/y resolved as N/C: git prints "+3,18446744073709551615" for "+3,0" less one.
    const f = ccFile('f', '@@@ -1,0 -1,0 +1,1 @@@\n++N\n@@@ -2,0 -2,0 +3,18446744073709551615 @@@\n- x\n -y\n');
    const out = parse(merge(C1, f, ccFile('g', '@@@ -1,0 -1,0 +1,1 @@@\n++after\n')));
    assert.deepEqual(out.files.map((x) => [x.path, x.lines, x.text]), [['f', [1], 'N'], ['g', [1], 'after']]);
  });

  it('reads a hunk git counted one short in every range (lines removed at the end, some kept)', () => {
    // Parents K/X and Y resolved as S/K: the header says 1, 0 and 1 for 2, 1 and 2 lines.
    const f = ccFile('f', '@@@ -1,1 -1,0 +1,1 @@@\n -Y\n++S\n +K\n- X\n');
    const out = parse(merge(C1, f, ccFile('g', '@@@ -1,0 -1,0 +1,1 @@@\n++after\n')));
    assert.deepEqual(out.files.map((x) => [x.path, x.lines, x.text]), [['f', [1], 'S'], ['g', [1], 'after']]);
  });

  it('reads three-parent hunks, a wrapped parent range among them', () => {
    const three = `gatehouse-commit ${C1} ${PA} ${PB} ${'f'.repeat(40)}\n\ndiff --cc f\nindex ${B1},${B2},${B3}..${'9'.repeat(40)}\n--- a/f\n+++ b/f\n`;
    const hunks = '@@@@ -1,1 -1,1 -1,0 +1,1 @@@@\n-  p\n - q\n+++N\n@@@@ -3,0 -3,0 -2,18446744073709551615 +3,18446744073709551615 @@@@\n-  x\n - y\n';
    assert.deepEqual(parse(three + hunks).files.map((x) => [x.lines, x.text]), [[[1], 'N']]);
  });

  it('numbers lines as git does after a line -U0 leaves out of a combined hunk', () => {
    // Parents K/X/M/qa and M/qb resolved as K/M/N3: M, kept from both, carries "- X" and is not
    // shown or counted, so git's own numbering puts N3 (line 3 of the file) at line 2.
    const f = ccFile('f', '@@@ -1,3 -1,1 +1,2 @@@\n +K\n- X\n- qa\n -qb\n++N3\n');
    assert.deepEqual(parse(merge(C1, f)).files.map((x) => [x.lines, x.text]), [[[2], 'N3']]);
  });
});

describe('patch parser, strictness', () => {
  const fails = (text: string, message: RegExp) => assert.throws(() => parse(text), (e: unknown) => e instanceof PatchFormatError && message.test(e.message));

  it('refuses a one-parent hunk longer than its header', () => {
    fails(plainCommit(C1, PA, 'f', '@@ -1 +1 @@\n-a\n+b\n+c\n'), /line after the hunks of f/);
    fails(plainCommit(C1, PA, 'f', '@@ -1,0 +1 @@\n+b\n-c\n'), /line after the hunks/);
  });

  it('gives a combined hunk one extra line per range at most, once', () => {
    fails(merge(C1, ccFile('f', '@@@ -1,1 -1,0 +1,1 @@@\n -Y\n++S\n++T\n++U\n')), /hunk longer than its header said/);
    fails(merge(C1, ccFile('f', '@@@ -1,1 -1,1 +1,0 @@@\n- a\n- b\n- c\n')), /hunk longer than its header said/);
  });

  it('refuses a hunk header promising no lines, a line both removed and added, and a line no hunk accounts for', () => {
    fails(merge(C1, ccFile('f', '@@@ -1,0 -1,0 +1,0 @@@\n++hidden\n')), /promising no lines/);
    fails(plainCommit(C1, PA, 'f', '@@ -0,0 +0,0 @@\n+hidden\n'), /promising no lines/);
    fails(merge(C1, ccFile('f', '@@@ -1,1 -1,0 +1,1 @@@\n-+a\n')), /both removed and added/);
    fails(merge(C1, ccFile('f', '@@@ -1,0 -1,0 +1,1 @@@\n++a\n++b\n@@@ -5,0 -5,0 +5,1 @@@\n++c\n')), /line after the hunks/);
    fails(merge(C1, ccFile('f', '@@@ -1,0 -1,0 +1,2 @@@\n++a\n')), /stream ended inside a hunk/);
  });

  it('still takes "\\ No newline at end of file" after a hunk', () => {
    const out = parse(plainCommit(C1, PA, 'f', '@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n'));
    assert.deepEqual(out.files.map((x) => [x.lines, x.text]), [[[1], 'b']]);
  });
});

describe('patch parser, going on after output it cannot follow', () => {
  const bad = ccFile('bad', '@@@ -1,0 -1,0 +1,1 @@@\n++early\n++late\n++more\n');
  const good = ccFile('good', '@@@ -1,0 -1,0 +1,1 @@@\n++kept\n');

  it('reports the file by commit and path, drops it, and goes on with the next file and commit', () => {
    const out = parse(merge(C1, bad, good) + plainCommit(C2, C1, 'next', '@@ -0,0 +1 @@\n+also kept\n'), true);
    assert.deepEqual(out.skipped, [{ commit: C1, path: 'bad', reason: 'unexpected git patch output: line after the hunks of bad: "++late"; the file was not scanned' }]);
    assert.deepEqual(out.files.map((x) => [x.commit, x.path, x.text]), [[C1, 'good', 'kept'], [C2, 'next', 'also kept']]);
    assert.deepEqual(out.commits, [C1, C2]);
  });

  it('skips content that looks like a header while it skips (content lines always carry a prefix)', () => {
    const hunk = ccFile('bad', '@@@ -1,0 -1,0 +1,1 @@@\n++a\n++b\n++diff --cc fake\n++gatehouse-commit ' + C3 + '\n');
    const out = parse(merge(C1, hunk, good), true);
    assert.deepEqual(out.skipped.map((s) => [s.commit, s.path]), [[C1, 'bad']]);
    assert.deepEqual(out.files.map((x) => x.path), ['good']);
    assert.deepEqual(out.commits, [C1]);
  });

  it('names the commit when the trouble is outside any file', () => {
    const out = parse(`gatehouse-commit ${C1} ${PA}\n\nsomething new\n${good}`, true);
    assert.deepEqual(out.skipped, [{ commit: C1, path: '', reason: `unexpected git patch output: line outside any file: "something new"; the commit's output up to its next file was not scanned` }]);
    assert.deepEqual(out.files.map((x) => [x.commit, x.path]), [[C1, 'good']]);
  });

  it('skips to the next commit after a bad commit line, so no file is put down to the wrong commit', () => {
    const out = parse(merge(C1, good) + `gatehouse-commit nonsense\n\n${good}` + merge(C2, good), true);
    assert.deepEqual(out.skipped.map((s) => [s.commit, s.path]), [['', '']]);
    assert.deepEqual(out.files.map((x) => x.commit), [C1, C2]);
  });

  it('reports a stream that ends inside a hunk', () => {
    const out = parse(merge(C1, good, ccFile('cut', '@@@ -1,0 -1,0 +1,3 @@@\n++a\n')), true);
    assert.deepEqual(out.skipped.map((s) => [s.commit, s.path, s.reason]), [[C1, 'cut', 'unexpected git patch output: stream ended inside a hunk; the file was not scanned']]);
    assert.deepEqual(out.files.map((x) => x.path), ['good']);
  });

  it('still throws what is not a format error', () => {
    const parser = new PatchParser(
      {
        commit: () => {},
        file: () => {
          throw new Error('handler failed');
        },
      },
      { maxFileBytes: 1 << 20, onFormatError: () => assert.fail('not a format error') },
    );
    const splitter = new LineSplitter();
    assert.throws(() => {
      splitter.push(Buffer.from(merge(C1, good, good)), parser.line);
      parser.end();
    }, /handler failed/);
  });
});
