// Differential test of the byte prefilter: a scan through it (Scanner.scanBytes, as files and
// history are scanned) must report exactly what a scan of the whole text reports
// (Scanner.scanText, as commit messages are scanned). Every built-in rule's true and false
// samples, and the secrets the true ones hold, are put in the places secrets are written: after
// other keys on the line or before them, in each assignment syntax, in a URL query, as a YAML
// list item, before a comment, indented by a tab, after non-ASCII text, with CRLF line ends; and
// encoded: unpadded base64, base64url, base64 wrapped at several widths, \u-escaped, nested two
// deep (found) and three deep (reported as undecoded, the same way by both).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { createDetector, defaultRuleset } from '../../src/scan/ruleset.ts';
import { Scanner, type ScanCoverage } from '../../src/scan/scanner.ts';
import type { Finding } from '../../src/scan/finding.ts';

const scanner = new Scanner({ detector: createDetector(defaultRuleset()), rulesetId: 'test' });
const CTX = { file: 'deploy/settings.conf', commit: '' };

function view(f: Finding): string {
  return [f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Secret].join(' | ');
}

/** Asserts both scans agree on text, findings and what went undecoded; returns the findings. */
function assertSame(text: string, why: string, undecoded: string[] = []): string[] {
  const wholeCoverage: ScanCoverage = { undecoded: [] };
  const keptCoverage: ScanCoverage = { undecoded: [] };
  const whole = scanner.scanText(text, CTX, wholeCoverage).map(view).sort();
  const kept = scanner.scanBytes(Buffer.from(text, 'utf8'), CTX, keptCoverage).map(view).sort();
  assert.deepEqual(kept, whole, `prefiltered scan differs (${why}) for:\n${JSON.stringify(text.slice(0, 600))}`);
  assert.deepEqual(keptCoverage, wholeCoverage, `prefiltered scan sees other undecoded content (${why}) in:\n${JSON.stringify(text.slice(0, 600))}`);
  undecoded.push(...wholeCoverage.undecoded.map((u) => `${u.line} ${u.encoding}`));
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

const base64 = (s: string): string => Buffer.from(s).toString('base64');
const wrap = (s: string, width: number, indent: string): string => s.match(new RegExp(`.{1,${width}}`, 'g'))!.map((l) => indent + l).join('\n');
/** Every character as \uXXXX (JSON), or every third one. */
const uEscape = (s: string, every = 1): string => [...s].map((c, i) => (i % every ? c : [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''))).join('');

/** Encoded forms of a sample, each with the encodings a finding in it reports. */
const ENCODED: Array<[string, (s: string) => string, string[]]> = [
  ['unpadded base64', (s) => `value: ${base64(s).replace(/=+$/, '')}`, ['base64']],
  ['base64url', (s) => `value=${Buffer.from(s).toString('base64url')}`, ['base64']],
  ...[50, 61, 64, 76].map((w): [string, (s: string) => string, string[]] => [`base64 wrapped at ${w}`, (s) => `data: |\n${wrap(base64(s), w, '  ')}\nkind: Secret`, ['base64']]),
  ['base64 wrapped at 61, CRLF', (s) => `-----\r\n${wrap(base64(s), 61, '').replace(/\n/g, '\r\n')}\r\n-----`, ['base64']],
  ['\\u-escaped JSON', (s) => `{"value": "${uEscape(s)}"}`, ['escape']],
  ['partly \\u-escaped JSON', (s) => `  "value": "${uEscape(s, 3)}",`, ['escape']],
  ['base64 of base64', (s) => `value: ${base64(base64(s))}`, ['base64', 'base64']],
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

  it('on every sample in each encoded form, and finds what the plain sample holds', () => {
    let missed = 0;
    let expected = 0;
    for (const sample of samples) {
      const plain = new Set(scanner.scanText(sample, CTX).map((f) => f.RuleID));
      for (const [why, encode, encodings] of ENCODED) {
        const text = encode(sample);
        const found = scanner.scanText(text, CTX).filter((f) => f.Tags.includes(`decode-depth:${encodings.length}`));
        assertSame(text, why);
        expected += plain.size;
        missed += [...plain].filter((id) => !found.some((f) => f.RuleID === id)).length;
      }
    }
    // A few samples are encoded already (a key inside base64) or span lines that a \\u-escaped
    // JSON string does not.
    assert.ok(expected > 5000 && missed / expected < 0.01, `${missed} of ${expected} findings missed in encoded samples`);
  });

  it('reports a sample nested three deep as undecoded, the same way in both', () => {
    let reported = 0;
    for (const sample of samples.filter((s) => s.length >= 16)) {
      const undecoded: string[] = [];
      const text = `kind: Secret\nvalue: ${base64(base64(Buffer.from(sample).toString('hex')))}\n`;
      assert.deepEqual(assertSame(text, 'nested three deep', undecoded), [], 'nothing is found below the decode depth');
      if (undecoded.includes('2 base64>base64>hex')) reported++;
    }
    assert.ok(reported > samples.length * 0.9, `${reported} samples reported undecoded`);
  });

  it('on random mixes of wrapped base64, escapes and lines that look like them', () => {
    const next = random(23);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const lookalikes = ['else', 'fi', 'EOF', '--', '-----', 'true', '  done', '\tx1', 'Zg==', 'QUJD=', 'ключ', '}', '', '  \\', 'a\\u0041\\x42'];
    for (let round = 0; round < 400; round++) {
      const lines: string[] = [];
      while (lines.length < 40) {
        const r = next();
        if (r < 0.3) {
          const indent = pick(['', '  ', '\t']);
          const end = pick(['', '', '\r', ' \\']);
          lines.push(...wrap(base64(pick(samples)), 1 + Math.floor(next() * 80), indent).split('\n').map((l) => l + end));
        } else if (r < 0.4) lines.push(pick(ENCODED)[1](pick(samples)));
        else if (r < 0.8) lines.push(pick(lookalikes));
        else lines.push(pick(samples));
      }
      assertSame(lines.join('\n'), `round ${round}`);
    }
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
