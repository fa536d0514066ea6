// The byte prefilter must never change what a scan reports: scanning only the lines it keeps
// gives exactly the findings of scanning the whole text. Checked here on every built-in rule's
// samples, embedded among ordinary lines, encoded, split across lines, and in random mixes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRule, type RuleSpec } from '../../src/scan/rule.ts';
import { defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { createDetector, defaultRuleset } from '../../src/scan/ruleset.ts';
import { Detector } from '../../src/scan/detector.ts';
import { keptLines } from '../../src/scan/prefilter.ts';
import { Scanner } from '../../src/scan/scanner.ts';
import type { Finding } from '../../src/scan/finding.ts';

const scanner = new Scanner({ detector: createDetector(defaultRuleset()), rulesetId: 'test' });

const ORDINARY = [
  'const path = require("path");',
  'export default function render(props) {',
  '  return items.map((item) => item.id).filter(Boolean);',
  '# Deploying',
  '',
  '\tif (x > 100) { width = "50%"; }',
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
  'ключ = значение // non-ASCII text',
  'const pattern = /[a-z]+/g; // a pattern, not a PAT',
  'url: https://example.com/docs/getting-started',
];

function view(f: Finding): string {
  return [f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Secret, f.Match, f.Line, f.Tags.join(',')].join(' | ');
}

function assertSame(text: string, s: Scanner = scanner): Finding[] {
  const whole = s.scanText(text, { file: 'config/app.env', commit: '' }).map(view).sort();
  const kept = s.scanBytes(Buffer.from(text, 'utf8'), { file: 'config/app.env', commit: '' }).map(view).sort();
  assert.deepEqual(kept, whole, `prefiltered scan differs for:\n${text.slice(0, 400)}`);
  return s.scanText(text, { file: 'config/app.env', commit: '' });
}

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('line prefilter', () => {
  const samples = defaultRuleSpecs().flatMap((spec) => [...(spec.tps ?? []), ...(spec.fps ?? [])]);

  it('gives the whole-text findings for every built-in sample among ordinary lines', () => {
    let found = 0;
    for (const sample of samples) {
      const text = [...ORDINARY.slice(0, 4), sample, ...ORDINARY.slice(4)].join('\n');
      found += assertSame(text).length;
    }
    assert.ok(found > 300, `the samples should produce findings (got ${found})`);
  });

  it('gives the whole-text findings for samples hidden in base64, hex and percent-encoding', () => {
    for (const sample of samples.slice(0, 400)) {
      const encoded = [
        `data = "${Buffer.from(sample).toString('base64')}"`,
        `hex = ${Buffer.from(sample).toString('hex')}`,
        `q = ${encodeURIComponent(sample)}`,
      ];
      assertSame([...ORDINARY, ...encoded, ...ORDINARY].join('\n'));
    }
  });

  it('gives the whole-text findings on random mixes of samples, noise, CRLF and non-ASCII', () => {
    const next = random(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
    for (let round = 0; round < 300; round++) {
      const lines: string[] = [];
      const count = 1 + Math.floor(next() * 30);
      for (let i = 0; i < count; i++) {
        const r = next();
        if (r < 0.3) lines.push(pick(samples));
        else if (r < 0.4) lines.push(Buffer.from(pick(samples)).toString('base64'));
        else if (r < 0.5) lines.push(`${pick(ORDINARY)} ${pick(samples)}\r`);
        else lines.push(pick(ORDINARY));
      }
      assertSame(lines.join('\n'));
    }
  });

  it('keeps the lines after a multiline keyword, so a PEM block is found whole', () => {
    const pem = samples.find((s) => s.includes('PRIVATE KEY-----') && s.includes('\n'));
    assert.ok(pem, 'a multi-line PEM sample exists');
    const found = assertSame([...ORDINARY, pem, ...ORDINARY].join('\n'));
    assert.ok(found.some((f) => f.EndLine > f.StartLine), 'the PEM finding spans lines');
  });

  it('keeps a netrc entry written across lines, after a keyword as common as "default"', () => {
    const entry = 'machine api.heroku.com\n  login ops@example.org\n  password ' + 'c3f1a9e7-2b4d-4e8f';
    const found = assertSame([...ORDINARY, entry, ...ORDINARY].join('\n'));
    assert.deepEqual(found.map((f) => f.RuleID), ['netrc-password']);
    const defaultEntry = 'default\n  login anonymous\n  password ' + 'Zq8vLm2xKp4Wn7';
    assert.deepEqual(assertSame(defaultEntry).map((f) => f.RuleID), ['netrc-password']);
  });

  it("passes over keyword hits where the rule's keywordThen cannot match", () => {
    const kept = (line: string) => keptLines(scanner.detector.linePrefilter(), Buffer.from(line)).lineNumbers.length === 1;
    assert.equal(kept('export default function render() {}'), false);
    assert.equal(kept('see https://example.org/docs/page for details'), false);
    assert.equal(kept('const tokens = tokenize(input);'), false);
    assert.equal(kept('default login anonymous password ' + 'Zq8vLm2xKp4Wn7'), true);
    assert.equal(kept('default'), true, 'a netrc entry may go on after "default" on the next line');
    assert.equal(kept('url = "https://bot:' + 'Zk3pQ9vL2mN7xR4t@git.corp.internal/x.git"'), true);
    assert.equal(kept('auth_token = "' + 'Zq8vLm2xKp4Wn7Rt5Yu1"'), true);
  });

  it('keeps every line that wrapped base64 could be made of, since a block is joined across them', () => {
    const kept = (text: string) => keptLines(scanner.detector.linePrefilter(), Buffer.from(text)).lineNumbers;
    const block = ['  QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk', '  ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx \\', '  Mjm=\r', 'fi'];
    assert.deepEqual(kept([...ORDINARY.slice(0, 3), ...block, ...ORDINARY.slice(3)].join('\n')), [4, 5, 6, 7]);
    assert.deepEqual(kept('return x;\n}\nif (a) {\n  b = "c";'), []);
  });

  it('keeps a line with \\u, \\x or \\/ escapes only where unescaping gives text', () => {
    const kept = (line: string) => keptLines(scanner.detector.linePrefilter(), Buffer.from(line)).lineNumbers.length === 1;
    const escape = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    assert.equal(kept(`{"v": "${escape('ghp' + '_notasecretbutsomethinglong')}"}`), true);
    assert.equal(kept(`{"label": "${escape('ключ доступа к серверу')}"}`), false);
    assert.equal(kept('print("one\\ntwo\\tthree")'), false);
    const long = `${'var a=1;'.repeat(2000)}s="${escape('ключ доступа')}";t="\\x41\\x42\\x43\\x44\\x45\\x46\\x47\\x48";`;
    assert.equal(kept(long), true, 'in a long line, the run that decodes');
    assert.equal(kept(long.replace(/\\x4/g, '\\xf')), false);
  });

  it('keeps every line when a rule has no keywords', () => {
    const rule: RuleSpec = { id: 'anything-long', description: 'x', regex: String.raw`\bzz[a-z]{6}\b` };
    const s = new Scanner({ detector: new Detector([compileRule(rule)]), rulesetId: 'x' });
    const found = assertSame('hello\nzzabcdef here\nbye', s);
    assert.equal(found.length, 1);
    assert.equal(keptLines(s.detector.linePrefilter(), Buffer.from('a\nb\nc')).lineNumbers.length, 3);
  });

  it('drops ordinary lines and keeps real line numbers', () => {
    const plain = ['# Deploying', '', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.', '\tif (x > 100) { width = 50; }', 'ключ = значение'];
    const text = [...plain, 'aws_key = AKIA' + 'Q2UHFGZ66MYL4XZQ', ...plain].join('\n');
    const kept = keptLines(scanner.detector.linePrefilter(), Buffer.from(text));
    assert.deepEqual(kept.lineNumbers, [plain.length + 1], 'only the line with the key is kept, under its own number');
    const [finding] = scanner.scanBytes(Buffer.from(text), { file: 'a', commit: '' });
    assert.equal(finding?.StartLine, plain.length + 1);
  });

  it('decodes invalid UTF-8 the same way line by line as whole', () => {
    const bytes = Buffer.concat([Buffer.from('token = "'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('Zq8vLm2xKp4Wn7Rt5Yu1Io3"\n\xff\xfe password = "Q8v!Lm2zKp4Xx9"\n')]);
    const whole = scanner.scanText(bytes.toString('utf8'), { file: 'a', commit: '' }).map(view);
    const kept = scanner.scanBytes(bytes, { file: 'a', commit: '' }).map(view);
    assert.deepEqual(kept, whole);
  });
});
