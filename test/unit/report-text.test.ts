// The text report shows each finding's line with only the secret masked, so whoever reads it can
// tell a real credential from a false alarm without the report leaking the secret; findings come
// in file and line order whatever order the scan produced them in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { Detector } from '../../src/scan/detector.ts';
import { redactFindings } from '../../src/scan/finding.ts';
import { toFindings } from '../../src/scan/locate.ts';
import { compileRule } from '../../src/scan/rule.ts';
import { formatTextReport } from '../../src/scan/report/text.ts';
import { rejectionForFindings } from '../../src/gate/push-report.ts';
import { emptyStats } from '../../src/scan/result.ts';

const TOKEN = 'tok_' + 'Q7wE9rT2yU4iO6pA8sD0';
const detector = new Detector([compileRule({ id: 'test-token', description: 'test token', regex: String.raw`\b(tok_[A-Za-z0-9]{20})\b`, keywords: ['tok_'] })]);

function report(text: string, percent: number): string {
  const findings = toFindings(detector.scan({ text, path: 'app.js', commit: '' }), text, { file: 'app.js', commit: '' });
  return formatTextReport({ findings: redactFindings(findings, percent), notScanned: [], stats: emptyStats() }, new Chalk({ level: 0 }));
}

describe('text report', () => {
  it('shows the line with the secret masked', () => {
    const out = report(`const a = 1;\nconst client = connect({ token: "${TOKEN}", retries: 3 });\n`, 100);
    assert.ok(out.includes('      | const client = connect({ token: "REDACTED", retries: 3 });'), out);
    assert.ok(!out.includes(TOKEN), out);
  });

  it('masks as much of it as --redact says, and shows it whole with --no-redact', () => {
    assert.ok(report(`token: "${TOKEN}"`, 50).includes(`| token: "${TOKEN.slice(0, 12)}..."`));
    assert.ok(report(`token: "${TOKEN}"`, 0).includes(`| token: "${TOKEN}"`));
  });

  it('masks an encoded secret as a whole and cuts long lines around it', () => {
    const encoded = Buffer.from(`key=${TOKEN}`).toString('base64');
    const out = report(`${'x'.repeat(300)} blob=${encoded} ${'y'.repeat(300)}`, 100);
    const line = out.split('\n').find((l) => l.startsWith('      | '))!;
    assert.ok(line.includes('blob=REDACTED '), line);
    assert.ok(!line.includes(encoded) && line.length < 200, line);
  });

  it('lists findings by file, then line, whatever order they came in (scan report and push rejection)', () => {
    const found = (file: string, text: string) => toFindings(detector.scan({ text, path: file, commit: '' }), text, { file, commit: '' });
    const findings = [
      ...found('src/b.js', `x\n${TOKEN}\n`),
      ...found('Z.js', `${TOKEN}\n`),
      ...found('src/a.js', `\n\n\n\n\n\n\n\n\n${TOKEN}\n`),
      ...found('src/a.js', `\n${TOKEN}\n`),
    ];
    const expected = ['Z.js:1', 'src/a.js:2', 'src/a.js:10', 'src/b.js:2'];
    const text = formatTextReport({ findings: redactFindings(findings, 100), notScanned: [], stats: emptyStats() }, new Chalk({ level: 0 }));
    assert.deepEqual([...text.matchAll(/test-token {2}(\S+):\d+ /g)].map((m) => m[1]), expected);
    const rejection = rejectionForFindings({ findings, notScanned: [], stats: emptyStats() });
    assert.deepEqual([...rejection.matchAll(/test-token {2}(\S+)/g)].map((m) => m[1]), expected);
  });
});
