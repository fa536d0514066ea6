// Differential test of the byte prefilter: a scan through it (Scanner.scanBytes, as files and
// history are scanned) must report exactly what a scan of the whole text reports
// (Scanner.scanText, as commit messages are scanned). Every built-in rule's true and false
// samples, and the secrets the true ones hold, are put in the places secrets are written: after
// other keys on the line or before them, in each assignment syntax, in a URL query, as a YAML
// list item, before a comment, indented by a tab, after non-ASCII text, with CRLF line ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { createDetector, defaultRuleset } from '../../src/scan/ruleset.ts';
import { Scanner } from '../../src/scan/scanner.ts';
import type { Finding } from '../../src/scan/finding.ts';

const scanner = new Scanner({ detector: createDetector(defaultRuleset()), rulesetId: 'test' });
const CTX = { file: 'deploy/settings.conf', commit: '' };

function view(f: Finding): string {
  return [f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Secret].join(' | ');
}

/** Asserts both scans agree on text; returns the findings. */
function assertSame(text: string, why: string): string[] {
  const whole = scanner.scanText(text, CTX).map(view).sort();
  const kept = scanner.scanBytes(Buffer.from(text, 'utf8'), CTX).map(view).sort();
  assert.deepEqual(kept, whole, `prefiltered scan differs (${why}) for:\n${JSON.stringify(text.slice(0, 600))}`);
  return whole;
}

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Where a whole sample line is put. */
const SAMPLE_PLACES: Array<[string, (s: string) => string]> = [
  ['as written', (s) => s],
  ['after other keys', (s) => `region=eu-west-1 retries=3 ${s}`],
  ['before other keys', (s) => `${s} region=eu-west-1; timeout: 30`],
  ['tab-indented', (s) => `\t\t${s}`],
  ['after non-ASCII text', (s) => `параметр «конфигурация» — ${s}`],
  ['before a comment', (s) => `${s}  # rotated 2024-05-01`],
];

/** Key names the secret is assigned to: a neutral one and the generic rules' names. */
const KEYS = ['SETTING_VALUE', 'db_password', 'api_key', 'auth_token', 'client_secret'];

/** Where a bare secret is put: each assignment form, a URL query, a list item, alone. */
const SECRET_PLACES: Array<[string, (v: string, key: string) => string]> = [
  ['alone', (v) => v],
  ['KEY=v', (v, k) => `${k.toUpperCase()}=${v}`],
  ['KEY: v', (v, k) => `${k}: ${v}`],
  ['JSON member', (v, k) => `  "${k}": "${v}",`],
  ["key = 'v'", (v, k) => `${k} = '${v}'`],
  ['export KEY="v"', (v, k) => `export ${k.toUpperCase()}="${v}"`],
  ['--flag=v', (v, k) => `deploy --region eu-west-1 --${k.replace(/_/g, '-')}=${v} --dry-run`],
  ['XML attribute', (v, k) => `<add key="${k}" value="${v}" />`],
  ['URL query', (v, k) => `https://svc.corp.internal/callback?state=af0ifjsldkj&${k}=${v}&next=%2Fhome`],
  ['YAML list item', (v) => `  - ${v}`],
  ['trailing comment', (v, k) => `${k} = ${v} // do not commit`],
  ['tab-indented', (v, k) => `\t${k}\t${v}`],
  ['after non-ASCII text', (v, k) => `ключ доступа (${k}): ${v}`],
  ['between other keys', (v, k) => `user=svc-deploy ${k}=${v} host=db01.corp.internal port=5432`],
];

const specs = defaultRuleSpecs();
const samples = specs.flatMap((spec) => [...(spec.tps ?? []), ...(spec.fps ?? [])]);
/** Secrets the whole-text scan reports in the true samples. */
const secrets = [...new Set(specs.flatMap((spec) => (spec.tps ?? []).flatMap((s) => scanner.scanText(s, CTX).map((f) => f.Secret))))].filter((s) => s.length >= 8);

describe('prefilter differential: scanBytes reports what scanText reports', () => {
  it('on every sample, in each place a line can take', () => {
    let found = 0;
    for (const sample of samples) {
      for (const [why, place] of SAMPLE_PLACES) found += assertSame(place(sample), why).length;
    }
    assert.ok(found > 2000, `the samples should produce findings (got ${found})`);
  });

  it("on every true sample's secret, alone and in each assignment form", () => {
    const next = random(7);
    let found = 0;
    for (const secret of secrets) {
      // Each form once with a key picked at random (seeded), once with the neutral key.
      for (const [why, place] of SECRET_PLACES) {
        found += assertSame(place(secret, KEYS[Math.floor(next() * KEYS.length)]!), why).length;
        found += assertSame(place(secret, KEYS[0]!), why).length;
      }
    }
    assert.ok(secrets.length > 500 && found > secrets.length * 10, `${secrets.length} secrets, ${found} findings`);
  });

  it('on samples among other lines, with CRLF line ends', () => {
    const next = random(11);
    for (let i = 0; i < samples.length; i += 3) {
      const lines = samples.slice(i, i + 3).map((s) => SAMPLE_PLACES[Math.floor(next() * SAMPLE_PLACES.length)]![1](s));
      const secret = secrets[i % secrets.length]!;
      const [why, place] = SECRET_PLACES[Math.floor(next() * SECRET_PLACES.length)]!;
      lines.push(place(secret, KEYS[Math.floor(next() * KEYS.length)]!), 'done', '');
      assertSame(lines.join('\r\n'), `CRLF, ${why}`);
    }
  });
});
