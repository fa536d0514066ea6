import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordMatcher } from '../../src/scan/aho-corasick.ts';
import { findEncodedSegments } from '../../src/scan/decode.ts';
import { Detector, type ScanCoverage } from '../../src/scan/detector.ts';
import { createDetector, defaultRuleset } from '../../src/scan/ruleset.ts';
import { shannonEntropy } from '../../src/scan/entropy.ts';
import { LineIndex, toFindings } from '../../src/scan/locate.ts';
import { compileAllowlist, compileRule, RuleError, type RuleSpec } from '../../src/scan/rule.ts';

const TOKEN = 'tok_' + 'Q7wE9rT2yU4iO6pA8sD0';
const spec: RuleSpec = { id: 'test-token', description: 'test token', regex: String.raw`\b(tok_[A-Za-z0-9]{20})\b`, keywords: ['tok_'] };
const detector = (specs: RuleSpec[] = [spec], options = {}) => new Detector(specs.map(compileRule), options);

describe('KeywordMatcher', () => {
  it('finds every occurrence of every keyword, case-insensitively, overlapping ones too', () => {
    const m = new KeywordMatcher(['he', 'she', 'hers', 'his']);
    const hits: Array<[string, number]> = [];
    m.scan('uSHErs his', (k, end) => hits.push([m.keywords[k]!, end]));
    assert.deepEqual(hits.sort(), [['he', 4], ['hers', 6], ['his', 10], ['she', 4]].sort());
  });

  it('ignores non-ASCII text around keywords', () => {
    const m = new KeywordMatcher(['key']);
    const hits: number[] = [];
    m.scan('ключ key ключ KEY', (_k, end) => hits.push(end));
    assert.deepEqual(hits, [8, 17]);
  });
});

describe('Detector', () => {
  it('runs a rule only where its keyword occurs, and reports exact offsets', () => {
    const text = `line one\nsome ${TOKEN} here\nline three`;
    const found = detector().scan({ text, path: 'a.txt', commit: '' });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.secret, TOKEN);
    assert.equal(text.slice(found[0]!.secretStart, found[0]!.secretEnd), TOKEN);
    const [f] = toFindings(found, text, { file: 'a.txt', commit: '' });
    assert.deepEqual([f!.StartLine, f!.StartColumn, f!.EndLine, f!.EndColumn], [2, 6, 2, 29]);
    assert.equal(f!.Line, `some ${TOKEN} here`);
  });

  it('skips a rule whose keyword is absent even if its regex would match', () => {
    const noKeyword = { ...spec, keywords: ['zzz'] };
    assert.deepEqual(detector([noKeyword]).scan({ text: TOKEN, path: '', commit: '' }), []);
  });

  it('applies the entropy floor', () => {
    const low = 'tok_' + 'a'.repeat(20);
    assert.equal(detector([{ ...spec, entropy: 3 }]).scan({ text: low, path: '', commit: '' }).length, 0);
    assert.equal(detector([{ ...spec, entropy: 3 }]).scan({ text: TOKEN, path: '', commit: '' }).length, 1);
  });

  it('applies allowlists: stopwords, regexes on secret/match/line, paths, commits, AND', () => {
    const text = `x = ${TOKEN} # sample`;
    const run = (allowlists: RuleSpec['allowlists'], path = 'src/a.txt', commit = 'c1') => detector([{ ...spec, allowlists }]).scan({ text, path, commit }).length;
    assert.equal(run([{ stopwords: ['Q7WE9'] }]), 0);
    assert.equal(run([{ regexes: ['^tok_Q7'] }]), 0);
    assert.equal(run([{ regexes: ['# sample'], regexTarget: 'line' }]), 0);
    assert.equal(run([{ regexes: ['# sample'], regexTarget: 'secret' }]), 1);
    assert.equal(run([{ paths: ['^src/'] }]), 0);
    assert.equal(run([{ commits: ['c1'] }]), 0);
    assert.equal(run([{ commits: ['c2'] }]), 1);
    assert.equal(run([{ condition: 'AND', paths: ['^src/'], commits: ['c2'] }]), 1);
    assert.equal(run([{ condition: 'AND', paths: ['^src/'], commits: ['c1'] }]), 0);
    const global = compileAllowlist({ paths: ['\\.lock$'] }, 'g');
    assert.equal(detector([spec], { globalAllowlists: [global] }).scan({ text, path: 'yarn.lock', commit: '' }).length, 0);
  });

  it('restricts a rule with a path regex to matching files', () => {
    const pathed = { ...spec, path: String.raw`\.env$` };
    assert.equal(detector([pathed]).scan({ text: TOKEN, path: 'prod.env', commit: '' }).length, 1);
    assert.equal(detector([pathed]).scan({ text: TOKEN, path: 'prod.txt', commit: '' }).length, 0);
  });

  it('finds a multiline secret whole when the rule is multiline', () => {
    const block: RuleSpec = { id: 'block', description: 'block', regex: String.raw`BEGIN SECRET\n([A-Za-z0-9\n]{10,})\nEND SECRET`, keywords: ['begin secret'], multiline: true };
    const text = 'a\nBEGIN SECRET\nabcdefghij\nklmnopqrst\nEND SECRET\nz';
    const found = detector([block]).scan({ text, path: '', commit: '' });
    assert.equal(found.length, 1);
    const [f] = toFindings(found, text, { file: '', commit: '' });
    assert.deepEqual([f!.StartLine, f!.EndLine], [3, 4]);
    assert.equal(detector([{ ...block, multiline: false }]).scan({ text, path: '', commit: '' }).length, 0);
  });

  it('reports a secret two rules find at the same place once, by the earlier rule', () => {
    const byName: RuleSpec = { id: 'by-name', description: 'by name', regex: String.raw`token = (tok_[A-Za-z0-9]{20})`, keywords: ['token'] };
    const text = `token = ${TOKEN}`;
    assert.deepEqual(detector([spec, byName]).scan({ text, path: '', commit: '' }).map((f) => f.rule.id), ['test-token']);
    assert.deepEqual(detector([byName, spec]).scan({ text, path: '', commit: '' }).map((f) => f.rule.id), ['by-name']);
    // Different places stay two findings.
    assert.equal(detector([spec, byName]).scan({ text: `${text}\n${TOKEN}`, path: '', commit: '' }).length, 2);
  });

  it("extends a multiline window from a keyword inside another keyword's window", () => {
    // "start" opens a two-line window at line 1; "begin" at line 2 must still reach line 4.
    const ml: RuleSpec = { id: 'ml', description: 'ml', regex: String.raw`(?:start|begin)\n[^\n]*\n[ \t]*(tok_[A-Za-z0-9]{20})`, keywords: ['start', 'begin'], multiline: true, windowLines: 2 };
    const text = ['start', 'begin', 'middle', `  ${TOKEN}`, 'end'].join('\n');
    assert.deepEqual(detector([ml]).scan({ text, path: '', commit: '' }).map((f) => f.secret), [TOKEN]);
  });

  it('finds secrets hidden in base64, hex and percent-encoding, at the encoded place', () => {
    for (const encoded of [Buffer.from(`key: ${TOKEN}`).toString('base64'), Buffer.from(`key=${TOKEN}`).toString('hex'), encodeURIComponent(`k=${TOKEN}&x=1`).replace(/_/g, '%5F')]) {
      const text = `config:\n  value: ${encoded}\n`;
      const found = detector().scan({ text, path: '', commit: '' });
      assert.equal(found.length, 1, encoded);
      assert.equal(found[0]!.secret, TOKEN);
      assert.equal(text.slice(found[0]!.start, found[0]!.end), encoded);
      assert.equal(found[0]!.decodedFrom.length, 1);
    }
  });

  it('decodes to the configured depth only', () => {
    const twice = Buffer.from(Buffer.from(`token ${TOKEN}`).toString('base64')).toString('base64');
    assert.equal(detector([spec], { maxDecodeDepth: 1 }).scan({ text: twice, path: '', commit: '' }).length, 0);
    assert.equal(detector([spec], { maxDecodeDepth: 2 }).scan({ text: twice, path: '', commit: '' }).length, 1);
    assert.equal(detector([spec], { maxDecodeDepth: 0 }).scan({ text: Buffer.from(TOKEN).toString('base64'), path: '', commit: '' }).length, 0);
  });

  it('reports a secret encoded twice at the outer encoded place', () => {
    const twice = Buffer.from(Buffer.from(`token ${TOKEN}`).toString('base64')).toString('base64');
    const text = `line one\nsecret: ${twice}\nline three`;
    const [found] = detector([spec], { maxDecodeDepth: 2 }).scan({ text, path: '', commit: '' });
    assert.equal(text.slice(found!.start, found!.end), twice);
    assert.deepEqual(found!.decodedFrom, ['base64', 'base64']);
  });

  it('uses secretGroup, the only group, or the whole match', () => {
    const two: RuleSpec = { id: 'two', description: '', regex: String.raw`(user)=(tok_[A-Za-z0-9]{20})`, keywords: ['tok_'], secretGroup: 2 };
    assert.equal(detector([two]).scan({ text: `user=${TOKEN}`, path: '', commit: '' })[0]!.secret, TOKEN);
    const none: RuleSpec = { id: 'none', description: '', regex: String.raw`tok_[A-Za-z0-9]{20}`, keywords: ['tok_'] };
    assert.equal(detector([none]).scan({ text: TOKEN, path: '', commit: '' })[0]!.secret, TOKEN);
  });

  it('refuses rules that would report everywhere or cannot compile', () => {
    assert.throws(() => compileRule({ id: 'empty', description: '', regex: 'a*', keywords: ['a'] }), RuleError);
    assert.throws(() => compileRule({ id: 'bad', description: '', regex: '(', keywords: ['a'] }), /invalid regex/);
    assert.throws(() => compileRule({ id: 'none', description: '' }), /needs a regex or a path/);
  });
});

describe('encodings', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const wrap = (s: string, width: number): string[] => s.match(new RegExp(`.{1,${width}}`, 'g'))!;
  const scan = (text: string, options = {}, lineNumbers?: number[]) => detector([spec], options).scan({ text, path: '', commit: '', lineNumbers });
  const place = (text: string, f: { start: number; end: number }) => text.slice(f.start, f.end);

  it('decodes unpadded base64 and base64url of any length', () => {
    for (const payload of [`key: ${TOKEN}`, `key: ${TOKEN}?`, `key: ${TOKEN}??`, `k=${TOKEN}>>?`]) {
      for (const encoded of [b64(payload).replace(/=+$/, ''), Buffer.from(payload).toString('base64url')]) {
        const text = `value: ${encoded}`;
        const [found] = scan(text);
        assert.equal(found?.secret, TOKEN, encoded);
        assert.equal(place(text, found!), encoded);
      }
    }
  });

  it('undoes \\u, \\u{}, \\x and \\/ escapes in strings, with the name next to the value', () => {
    const u = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const x = (s: string) => [...s].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    for (const text of [`{"key": "${u(TOKEN)}"}`, `const k = '${x(TOKEN)}';`, `k = "\\u{74}${TOKEN.slice(1)}"`, `{"url": "https:\\/\\/h.example\\/${u(TOKEN.slice(0, 5))}${TOKEN.slice(5)}"}`]) {
      const [found] = scan(text);
      assert.equal(found?.secret, TOKEN, text);
      assert.deepEqual(found!.decodedFrom, ['escape']);
    }
    const generic = createDetector(defaultRuleset());
    const password = `{"db_password": "${u('Zq8vLm2xKp4Wn7')}"}`;
    assert.deepEqual(generic.scan({ text: password, path: 'a.json', commit: '' }).map((f) => [f.rule.id, f.secret]), [['generic-password', 'Zq8vLm2xKp4Wn7']]);
  });

  it('undoes escapes in a long line only in the string that holds them', () => {
    const line = `${'var a=1;'.repeat(700)}x="${'\\u0074'}${TOKEN.slice(1)}";${'var b=2;'.repeat(10)}`;
    const [found] = scan(line);
    assert.equal(place(line, found!), `\\u0074${TOKEN.slice(1)}`);
  });

  it('keeps only escaped text that decodes to text', () => {
    const cyrillic = [...'ключ доступа к серверу'].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    assert.deepEqual(findEncodedSegments(`label = "${cyrillic}"`), []);
    assert.deepEqual(findEncodedSegments('msg = "line one\\nline two\\t\\"quoted\\""'), [], 'no \\u, \\x or \\/: nothing is hidden');
  });

  it('reports a secret once when it is also seen undecoded', () => {
    const url = `{"remote": "https:\\/\\/h.example\\/${TOKEN}"}`;
    assert.equal(scan(url).length, 1);
  });

  it('joins base64 wrapped at any width, so a secret split by the wrap is found, at the block', () => {
    const payload = `# generated\nservice:\n  token: ${TOKEN}\n  region: eu-west-1\n`;
    for (const width of [50, 61, 64, 76, 7]) {
      const lines = wrap(b64(payload), width);
      assert.ok(lines.some((l, i) => i > 0 && !Buffer.from(l, 'base64').toString('latin1').includes(TOKEN)));
      for (const [indent, end] of [['', ''], ['    ', ''], ['\t', ''], ['  ', ' \\'], ['', '\r']] as const) {
        const block = lines.map((l) => indent + l + end).join('\n');
        const text = `apiVersion: v1\ndata: |\n${block}\nkind: Secret`;
        const found = scan(text);
        assert.equal(found.length, 1, `width ${width}, ${JSON.stringify(indent + end)}`);
        assert.deepEqual(found[0]!.decodedFrom, ['base64']);
        assert.equal(place(text, found[0]!), block.trimStart().replace(/ \\$|\r$/, ''));
      }
    }
  });

  it('finds wrapped base64 next to a word or a marker line', () => {
    const lines = wrap(b64(`token: ${TOKEN} and some more text to make it longer`), 61);
    for (const text of [['fi', ...lines].join('\n'), ['EOF', ...lines, 'EOF'].join('\n'), ['-----', ...lines, '-----'].join('\r\n')]) {
      assert.equal(scan(text).length, 1, JSON.stringify(text));
    }
  });

  it('joins wrapped lines only where they are adjacent in the file', () => {
    // Lines of 40 characters decode alone, but the token's bytes (40 to 64) span lines 2 and 3.
    const lines = wrap(b64(`# ${'x'.repeat(30)} token: ${TOKEN}`), 40);
    const text = lines.join('\n');
    assert.equal(scan(text, {}, lines.map((_, i) => 10 + i)).length, 1);
    assert.equal(scan(text, {}, lines.map((_, i) => 10 + 2 * i)).length, 0, 'lines 10 and 12 are not one block');
  });

  it('reports a secret once when a line of wrapped base64 reveals it as well as the block', () => {
    const lines = wrap(b64(`token: ${TOKEN} ${'and more text '.repeat(4)}`), 64);
    const found = scan(lines.join('\n'));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.end - found[0]!.start, lines.join('\n').length);
  });
});

describe('coverage: content encoded deeper than the decode depth', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const hex = (s: string): string => Buffer.from(s).toString('hex');
  const covered = (text: string, depth: number, lineNumbers?: number[]) => {
    const coverage: ScanCoverage = { undecoded: [] };
    const found = detector([spec], { maxDecodeDepth: depth }).scan({ text, path: '', commit: '', lineNumbers }, coverage);
    return { found: found.map((f) => f.secret), undecoded: coverage.undecoded };
  };

  it('is reported as undecoded, at the line of the outer encoding, not as clean', () => {
    const text = `kind: Secret\nvalue: ${b64(b64(hex(`token ${TOKEN}`)))}\n`;
    assert.deepEqual(covered(text, 2), { found: [], undecoded: [{ line: 2, encoding: 'base64>base64>hex' }] });
    assert.deepEqual(covered(text, 3), { found: [TOKEN], undecoded: [] });
    assert.deepEqual(covered(text, 1), { found: [], undecoded: [{ line: 2, encoding: 'base64>base64' }] });
    assert.deepEqual(covered(text, 2, [7, 41]).undecoded, [{ line: 41, encoding: 'base64>base64>hex' }], 'in file line numbers');
  });

  it('is not reported for encodings within the depth, or text that only decodes to bytes', () => {
    assert.deepEqual(covered(`v: ${b64(b64(`token ${TOKEN}`))}`, 2), { found: [TOKEN], undecoded: [] });
    const bytes = Buffer.from([0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    assert.deepEqual(covered(`v: ${b64(bytes.toString('base64'))}`, 1).undecoded, []);
  });

  it('leaves a scan without a coverage argument as it was', () => {
    const text = `v: ${b64(b64(hex(`token ${TOKEN}`)))}`;
    assert.deepEqual(detector([spec]).scan({ text, path: '', commit: '' }), []);
  });
});

describe('helpers', () => {
  it('entropy matches the textbook values', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.ok(Math.abs(shannonEntropy('0123456789abcdef') - 4) < 1e-12);
  });

  it('LineIndex maps offsets to lines and columns', () => {
    const text = 'ab\ncd\n\nef';
    const index = new LineIndex(text);
    assert.deepEqual(index.locate(0), { line: 0, column: 0 });
    assert.deepEqual(index.locate(4), { line: 1, column: 1 });
    assert.deepEqual(index.locate(7), { line: 3, column: 0 });
    assert.equal(index.lineText(text, 1), 'cd');
  });

  it('only keeps decodings that come out as text', () => {
    assert.deepEqual(findEncodedSegments(Buffer.from([0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]).toString('base64')), []);
    assert.deepEqual(findEncodedSegments('d41d8cd98f00b204e9800998ecf8427e'), []);
  });
});

describe('overlapping findings', () => {
  it('drops a generic finding of a secret a specific rule already reports', () => {
    const generic: RuleSpec = { id: 'generic-token', description: 'generic', regex: String.raw`token=([A-Za-z0-9_]{10,})`, keywords: ['token'] };
    const specific: RuleSpec = { ...spec };
    const both = detector([generic, specific]).scan({ text: `token=${TOKEN}`, path: '', commit: '' });
    assert.deepEqual(both.map((f) => f.rule.id), ['test-token']);
    const genericOnly = detector([generic, specific]).scan({ text: 'token=Zq9Xw8Yv7Ut6', path: '', commit: '' });
    assert.deepEqual(genericOnly.map((f) => f.rule.id), ['generic-token']);
  });
});

describe('adversarial input size', () => {
  it('decodes and scans a 400 KB one-line run of letters quickly (no quadratic backtracking)', () => {
    const started = Date.now();
    detector().scan({ text: 'a'.repeat(400_000), path: '', commit: '' });
    detector().scan({ text: `${'A'.repeat(200_000)}${'b'.repeat(200_000)}`, path: '', commit: '' });
    // Generous bound: quadratic behaviour here took tens of seconds.
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});
