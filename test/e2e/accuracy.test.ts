// Accuracy of the built-in rules, the way a new user meets them: `gatehouse scan git --all` over a
// realistic repository the rules were not tuned on (test/fixtures/accuracy/corpus.ts), with secrets
// planted where teams really leak them and look-alikes that are not secrets next to them.
//
// Bar: recall >= 0.95 over the planted secrets, and at most 2 false positives.
//
// Matching. A finding matches a plant when it has the plant's Commit and File and
//   (a) its Secret contains the planted secret (e.g. a URI rule reporting the whole URL when the
//       planted secret is the password in it), or
//   (b) the planted secret contains its Secret and that Secret is at least 20 characters (a rule
//       reporting the significant part of a longer planted value), or
//   (c) the plant is encoded (base64/hex/percent) or spans several lines (a PEM block, a whole
//       service-account JSON), and the finding's StartLine..EndLine overlaps the plant's lines: a
//       secret found by decoding is reported at the encoded text, and a key file may be reported
//       by more than one rule (the block, the key id, the file name) at different lines within it.
// A plant is found when at least one finding matches it. Recall = found / planted.
// A finding that matches no plant is a false positive. That includes reporting a planted secret
// again somewhere it was not planted (e.g. in the commit that only renamed its file): a duplicate
// in a second place is one more finding a user has to triage.
//
// The numbers are printed (t.diagnostic), never written into the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildCorpus, type Corpus, type Negative, type Plant } from '../fixtures/accuracy/corpus.ts';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

const MIN_RECALL = 0.95;
const MAX_FALSE_POSITIVES = 2;
const MIN_PARTIAL_SECRET = 20;

interface JsonFinding {
  RuleID: string;
  File: string;
  Commit: string;
  StartLine: number;
  EndLine: number;
  StartColumn: number;
  Secret: string;
  Match: string;
  Tags: string[];
}

type Context = { after(fn: () => void): void; diagnostic(message: string): void };

function matches(f: JsonFinding, p: Plant): boolean {
  if (f.Commit !== p.commit || f.File !== p.file) return false;
  if (f.Secret.includes(p.secret)) return true;
  if (f.Secret.length >= MIN_PARTIAL_SECRET && p.secret.includes(f.Secret)) return true;
  if (p.encoded || p.multiline) return f.StartLine <= p.endLine && (f.EndLine || f.StartLine) >= p.line;
  return false;
}

/** Reads many objects with one `git cat-file --batch` (object names may hold spaces and UTF-8). */
function readObjects(dir: string, names: string[]): Map<string, string> {
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd: dir, env: GIT_ENV, input: names.join('\n') + '\n', maxBuffer: 1 << 27 });
  const objects = new Map<string, string>();
  let at = 0;
  for (const name of names) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString('utf8');
    const size = Number(/ (\d+)$/.exec(header)?.[1]);
    assert.ok(!header.endsWith('missing') && Number.isFinite(size), `corpus object ${name}: ${header}`);
    objects.set(name, out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return objects;
}

/** The object a plant or negative lives in, and its text (a message without the object headers). */
function objectName(r: Plant | Negative): string {
  if (r.file === '(commit message)') return r.commit;
  const tag = /^\(tag (.+)\)$/.exec(r.file);
  if (tag) return `refs/tags/${tag[1]}`;
  return `${r.commit}:${r.file}`;
}

function textOf(r: Plant | Negative, raw: string): string {
  return r.file.startsWith('(') ? raw.slice(raw.indexOf('\n\n') + 2) : raw;
}

/** Every way an encoded plant's line could hide its secret, decoded. */
function decodings(text: string): string[] {
  const out = [text];
  for (const m of text.matchAll(/[A-Za-z0-9+/=_-]{16,}/g)) out.push(Buffer.from(m[0], 'base64').toString('latin1'));
  for (const m of text.matchAll(/(?:[0-9a-fA-F]{2}){8,}/g)) out.push(Buffer.from(m[0], 'hex').toString('latin1'));
  try {
    out.push(decodeURIComponent(text));
  } catch {
    // not percent-encoded
  }
  return out;
}

/** The manifest must describe the repository exactly, or the measurement means nothing. */
function checkManifest(corpus: Corpus): void {
  const records: Array<Plant | Negative> = [...corpus.plants, ...corpus.negatives];
  const names = [...new Set(records.map(objectName))];
  const objects = readObjects(corpus.dir, names);
  for (const r of records) {
    assert.match(r.commit, /^[0-9a-f]{40}$/, `${r.id} has no commit`);
    const lines = textOf(r, objects.get(objectName(r))!).split('\n');
    const text = lines.slice(r.line - 1, r.endLine).join('\n');
    if ('secret' in r) {
      const haystacks = r.encoded ? decodings(text) : [text];
      assert.ok(haystacks.some((h) => h.includes(r.secret)), `${r.id}: ${r.file}:${r.line}-${r.endLine} does not hold the planted secret`);
    } else {
      assert.ok(text.replace(/\r/g, '').includes(r.text.split('\n')[0]!), `${r.id}: ${r.file}:${r.line} does not hold the negative`);
    }
  }
}

const shape = (s: string): string => {
  const flat = s.replace(/\n/g, '\\n');
  return flat.length <= 24 ? `"${flat}"` : `"${flat.slice(0, 16)}…${flat.slice(-4)}" (${s.length} chars)`;
};
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

describe('accuracy on a realistic repository', () => {
  before(assertBuilt);

  it('the corpus is deterministic', (t) => {
    const a = buildCorpus(join(tempDir(t, 'gatehouse-accuracy'), 'repo'));
    const b = buildCorpus(join(tempDir(t, 'gatehouse-accuracy'), 'repo'));
    const refs = (c: Corpus) => execFileSync('git', ['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: c.dir, env: GIT_ENV, encoding: 'utf8' });
    assert.equal(refs(a), refs(b));
    assert.deepEqual(a.plants, b.plants);
    assert.deepEqual(a.negatives, b.negatives);
  });

  it(`finds >= ${MIN_RECALL * 100}% of planted secrets with <= ${MAX_FALSE_POSITIVES} false positives`, async (t: Context) => {
    const started = Date.now();
    const corpus = buildCorpus(join(tempDir(t, 'gatehouse-accuracy'), 'repo'));
    const built = Date.now();
    assert.ok(corpus.plants.length >= 60, `only ${corpus.plants.length} plants`);
    assert.ok(corpus.negatives.length >= 60, `only ${corpus.negatives.length} negatives`);
    assert.equal(new Set(corpus.plants.map((p) => p.id)).size, corpus.plants.length);
    checkManifest(corpus);

    const home = tempDir(t, 'gatehouse-accuracy-home');
    const result = await run(BINARY, ['scan', 'git', '--all', '--json', '--no-redact', '--no-cache', '--state-dir', join(home, 'state')], {
      env: { ...GIT_ENV, HOME: home },
      cwd: corpus.dir,
      timeoutMs: 60_000,
    });
    const scanned = Date.now();
    let findings: JsonFinding[];
    try {
      findings = JSON.parse(result.stdout) as JsonFinding[];
    } catch {
      assert.fail(`not JSON (exit ${result.code}): ${result.stdout.slice(0, 2000)}\n${result.stderr}`);
    }
    assert.equal(result.code, 1, `exit ${result.code} (1 = findings; 2 = error or something not scanned): ${result.stderr}`);

    const matchedBy = new Map<Plant, JsonFinding[]>(corpus.plants.map((p) => [p, []]));
    const falsePositives: JsonFinding[] = [];
    for (const f of findings) {
      const hit = corpus.plants.filter((p) => matches(f, p));
      if (hit.length === 0) falsePositives.push(f);
      for (const p of hit) matchedBy.get(p)!.push(f);
    }
    const missed = corpus.plants.filter((p) => matchedBy.get(p)!.length === 0);
    const found = corpus.plants.length - missed.length;
    const recall = found / corpus.plants.length;

    const where = (r: { file: string; commit: string; line: number }) => `${r.file}:${r.line} @${r.commit.slice(0, 7)}`;
    const negativeAt = (f: JsonFinding): Negative | undefined =>
      corpus.negatives.find((n) => n.commit === f.Commit && n.file === f.File && f.StartLine <= n.endLine && (f.EndLine || f.StartLine) >= n.line);
    const rows = [`${pad('plant', 34)} ${pad('found', 5)} ${pad('where', 62)} rules`];
    for (const p of corpus.plants) {
      const by = matchedBy.get(p)!;
      rows.push(`${pad(p.id, 34)} ${pad(by.length ? 'yes' : 'NO', 5)} ${pad(where(p), 62)} ${[...new Set(by.map((f) => f.RuleID))].join(', ') || '-'}`);
    }
    for (const row of rows) t.diagnostic(row);
    t.diagnostic(`recall ${found}/${corpus.plants.length} = ${recall.toFixed(3)} (bar ${MIN_RECALL}); false positives ${falsePositives.length} (bar <= ${MAX_FALSE_POSITIVES}); ${findings.length} findings; ${corpus.negatives.length} look-alike negatives; ${corpus.commits} commits`);
    t.diagnostic(`time: corpus ${built - started} ms, scan ${scanned - built} ms`);
    for (const p of missed) t.diagnostic(`MISSED ${p.id} (${p.note}) at ${where(p)}: ${shape(p.secret)}${p.encoded ? ' [encoded]' : ''}${p.multiline ? ` [lines ${p.line}-${p.endLine}]` : ''}`);
    for (const f of falsePositives) {
      const neg = negativeAt(f);
      t.diagnostic(`FALSE POSITIVE ${f.RuleID} at ${where({ file: f.File, commit: f.Commit, line: f.StartLine })}: ${shape(f.Secret)}${neg ? ` — look-alike ${neg.id}: ${shape(neg.text)}` : ''}`);
    }

    assert.ok(recall >= MIN_RECALL, `recall ${recall.toFixed(3)} < ${MIN_RECALL}; missed: ${missed.map((p) => p.id).join(', ')}`);
    assert.ok(
      falsePositives.length <= MAX_FALSE_POSITIVES,
      `${falsePositives.length} false positives: ${falsePositives.map((f) => `${f.RuleID} ${f.File}:${f.StartLine}`).join('; ')}`,
    );
  });
});
