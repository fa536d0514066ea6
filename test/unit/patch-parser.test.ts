// The patch parser on hand-written `git log -p -U0 --cc` text: combined diffs from real
// conflicting merges (git 2.39 output, ids shortened to fake ones).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/git/line-reader.ts';
import { PatchParser } from '../../src/git/patch-parser.ts';

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
}

function parse(text: string): Parsed {
  const out: Parsed = { commits: [], files: [] };
  const parser = new PatchParser(
    {
      commit: (oid) => out.commits.push(oid),
      file: (f) => out.files.push({ commit: f.commit, path: f.path, lines: f.lineNumbers, text: f.text }),
    },
    { maxFileBytes: 1 << 20 },
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
});
