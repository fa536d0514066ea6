// A rule's keywordTail and keywordThen are promises about every match: the prefilter drops a
// line whose keyword hits break them. A false promise loses findings in files (scanned through
// the prefilter) that the same text yields in a commit message (scanned whole). Each rule that
// makes one is checked here alone, without allowlists or entropy floor (so every regex match
// counts), on its samples and on variants of their matches: every character of a match replaced
// by probes from each character class, probes inserted after the keyword, letter case flipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Detector } from '../../src/scan/detector.ts';
import { compileRule, type RuleSpec } from '../../src/scan/rule.ts';
import { defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { Scanner } from '../../src/scan/scanner.ts';
import type { Finding } from '../../src/scan/finding.ts';
import { samplePathFor } from '../helpers/rule-sample-path.ts';

/** One or more characters of each kind a regex class tells apart, ASCII and beyond. */
const PROBES = [
  'a', 'f', 'z', 'A', 'F', 'Z', '0', '7', '+', '/', '_', '-', '=', '.', ':', '@', '~', '!', '#', '$', '%', '&', '*', '(', ')',
  ',', ';', '<', '>', '?', '[', ']', '{', '}', '|', '^', '`', '"', "'", '\\', ' ', '\t', '\r', 'é', 'ж', '€', '😀',
];

function view(f: Finding): string {
  return [f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Secret].join(' | ');
}

function unpromised(spec: RuleSpec): Scanner {
  const rule = compileRule({ ...spec, allowlists: [], entropy: 0 });
  return new Scanner({ detector: new Detector([rule]), rulesetId: spec.id });
}

/** Texts derived from a sample: each regex match changed one character at a time, and case-flipped. */
function variants(spec: RuleSpec, sample: string): string[] {
  const regex = new RegExp(spec.regex!, `${(spec.flags ?? '').replace(/[gdy]/g, '')}g`);
  const keywords = (spec.keywords ?? []).map((k) => k.toLowerCase());
  const out: string[] = [];
  for (const m of [...sample.matchAll(regex)].slice(0, 2)) {
    const from = m.index;
    const to = from + m[0].length;
    const at = (i: number, piece: string, drop: number) => sample.slice(0, i) + piece + sample.slice(i + drop);
    for (let i = from; i < to; i++) for (const p of PROBES) out.push(at(i, p, 1));
    // Right after each keyword occurrence inside the match: an insertion and a deletion.
    const lower = sample.toLowerCase();
    for (const k of keywords) {
      for (let i = lower.indexOf(k, from); i !== -1 && i < to; i = lower.indexOf(k, i + 1)) {
        const after = i + k.length;
        for (const p of PROBES) out.push(at(after, p, 0), at(after, p + p, 0));
        out.push(at(after, '', 1));
      }
    }
    out.push(at(from, m[0].toUpperCase(), m[0].length), at(from, m[0].toLowerCase(), m[0].length));
  }
  return out;
}

const promising = defaultRuleSpecs().filter((spec) => spec.regex && (spec.keywordTail || spec.keywordThen));

describe('keyword promises (keywordTail, keywordThen)', () => {
  it('are made by some rules', () => assert.ok(promising.length >= 10, `${promising.length} rules`));

  for (const spec of promising) {
    it(`${spec.id}: its prefiltered scan equals its whole scan on its samples and their variants`, () => {
      const scanner = unpromised(spec);
      let matched = 0;
      const samples = [...(spec.tps ?? []), ...(spec.fps ?? [])];
      for (const text of [...samples, ...samples.flatMap((s) => variants(spec, s))]) {
        const file = samplePathFor(spec);
        const whole = scanner.scanText(text, { file, commit: '' }).map(view);
        const kept = scanner.scanBytes(Buffer.from(text, 'utf8'), { file, commit: '' }).map(view);
        assert.deepEqual(kept, whole, `${spec.id}: the prefilter loses a match in ${JSON.stringify(text)}`);
        if (whole.length) matched++;
      }
      assert.ok(matched >= (spec.tps ?? []).length, `${spec.id}: too few texts matched (${matched})`);
    });
  }
});
