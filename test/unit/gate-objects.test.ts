// Pure parts of the gate's object-set scan: the raw diff reader, path allowlists at the gate,
// replace refs, unscannable allowances, and how a finding is shown to the pusher.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawRecordParser, type BlobIntroduction } from '../../src/git/blob-introductions.ts';
import { withoutPathAllowlists } from '../../src/gate/gate-rules.ts';
import { describePlace, maskedLine } from '../../src/gate/push-report.ts';
import { allowUnscannable } from '../../src/gate/pre-receive.ts';
import { replaceRefViolations } from '../../src/gate/ref-policy.ts';
import { defaultRuleConfig } from '../../src/scan/config.ts';
import type { Finding } from '../../src/scan/finding.ts';
import { emptyStats } from '../../src/scan/result.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const Z = '0'.repeat(40);

function parse(tokens: string[]): Array<[string, BlobIntroduction]> {
  const out: Array<[string, BlobIntroduction]> = [];
  const parser = new RawRecordParser((intro, blob) => out.push([blob, intro]));
  for (const t of tokens) parser.token(Buffer.from(t, 'utf8'));
  parser.end();
  return out;
}

describe('raw diff records (git log --raw -z -c)', () => {
  it('reads modifications, additions, renames and combined merge records by position', () => {
    const got = parse([
      `gatehouse-commit ${A}`,
      `\n:100644 100644 ${B} ${C} M`, 'src/app.js',
      `:000000 100644 ${Z} ${B} A`, ':100644 100644 looks like a record.txt',
      `:100644 100644 ${C} ${A} R087`, 'old name', 'new\nname',
      `gatehouse-commit ${C}`,
      '',
      `::100644 100644 100644 ${A} ${B} ${C} MM`, 'merged.txt',
    ]);
    assert.deepEqual(got, [
      [C, { commit: A, path: 'src/app.js', preimages: [B] }],
      [B, { commit: A, path: ':100644 100644 looks like a record.txt', preimages: [] }],
      [A, { commit: A, path: 'new\nname', preimages: [C] }],
      [C, { commit: C, path: 'merged.txt', preimages: [A, B] }],
    ]);
  });

  it('leaves out deletions and submodule entries, and refuses what it does not understand', () => {
    assert.deepEqual(parse([`gatehouse-commit ${A}`, `:100644 000000 ${B} ${Z} D`, 'gone.txt', `:160000 160000 ${B} ${C} M`, 'vendor/lib']), []);
    assert.throws(() => parse([`gatehouse-commit ${A}`, ':100644 100644 short M', 'x']), /unexpected git log --raw output/);
    assert.throws(() => parse([`:100644 100644 ${B} ${C} M`, 'x']), /unexpected git log --raw output/);
    assert.throws(() => parse([`gatehouse-commit ${A}`, `:100644 100644 ${B} ${C} M`]), /ended inside a record/);
  });
});

describe('rules at the gate', () => {
  it('the built-in allowlists lose their path patterns and keep their other checks', () => {
    const builtIn = defaultRuleConfig();
    const gate = withoutPathAllowlists(builtIn, () => true);
    const paths = (c: typeof builtIn) => [...c.globalAllowlists, ...c.rules.flatMap((r) => r.allowlists ?? [])].filter((a) => a.paths?.length).length;
    assert.ok(paths(builtIn) > 5, 'the built-in rules have path allowlists to drop');
    assert.equal(paths(gate), 0);
    const generic = gate.rules.find((r) => r.id === 'generic-password')!;
    assert.ok(generic.allowlists!.some((a) => a.stopwords?.length), 'stopword allowlists stay');
    assert.equal(gate.globalAllowlists.length, 1, 'the global allowlist keeps its value regexes');
    assert.ok(gate.globalAllowlists[0]!.regexes!.length > 0);
  });

  it('an AND allowlist with a path goes whole; one the strip predicate spares stays', () => {
    const config = { rules: [{ id: 'r', description: 'r', regex: 'x', allowlists: [{ condition: 'AND' as const, paths: ['^a$'], regexes: ['y'] }, { paths: ['^b$'] }] }], globalAllowlists: [], source: 's' };
    assert.deepEqual(withoutPathAllowlists(config, () => true).rules[0]!.allowlists, []);
    const own = config.rules[0]!.allowlists[1]!;
    assert.deepEqual(withoutPathAllowlists(config, (l) => l !== own).rules[0]!.allowlists, [own]);
  });

  it('refuses replace refs unless allowed', () => {
    const updates = [{ oldOid: Z, newOid: A, ref: `refs/replace/${B}` }, { oldOid: Z, newOid: A, ref: 'refs/heads/main' }];
    assert.deepEqual(replaceRefViolations(updates, false), [{ ref: `refs/replace/${B}`, reason: 'replace refs are refused by the gate (gate.allow_replace_refs is off)' }]);
    assert.deepEqual(replaceRefViolations(updates, true), []);
  });

  it('gate.allow_unscannable takes matching paths (outer archive path too) out of what refuses the push', () => {
    const result = { findings: [], stats: emptyStats(), notScanned: [
      { path: 'assets/video.xz', commit: '', reason: 'xz' },
      { path: 'dist/a.zip!/inner/secret.7z', commit: '', reason: '7z' },
      { path: 'src/dump.xz', commit: '', reason: 'xz' },
      { path: '', commit: '', reason: 'time limit' },
    ] };
    const allowed = allowUnscannable(result, ['assets/**', 'dist/*.zip']);
    assert.deepEqual(allowed.map((n) => n.path), ['assets/video.xz', 'dist/a.zip!/inner/secret.7z']);
    assert.deepEqual(result.notScanned.map((n) => n.path), ['src/dump.xz', '']);
  });
});

function finding(overrides: Partial<Finding>): Finding {
  return {
    RuleID: 'github-pat', Description: 'd', StartLine: 3, EndLine: 3, StartColumn: 14, EndColumn: 53, Match: '', Secret: 'ghp_x', File: 'config/app.env',
    SymlinkFile: '', Commit: '', Entropy: 0, Author: '', Email: '', Date: '', Message: '', Tags: [], Fingerprint: '', ...overrides,
  };
}

describe('what the pusher sees', () => {
  it('masks exactly the secret\'s columns of its line', () => {
    const token = 'ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9nA';
    const line = `GITHUB_TOKEN=${token} # deploy`;
    assert.equal(maskedLine(finding({ Line: line, StartColumn: 14, EndColumn: 13 + token.length })), 'GITHUB_TOKEN=[REDACTED] # deploy');
    // An encoded secret's columns cover the whole encoded segment.
    const encoded = Buffer.from(`token=${token}`).toString('base64');
    assert.equal(maskedLine(finding({ Line: `data: ${encoded}`, StartColumn: 7, EndColumn: 6 + encoded.length })), 'data: [REDACTED]');
    // A secret that continues on later lines masks the rest of its first line.
    assert.equal(maskedLine(finding({ Line: 'key: "-----BEGIN', StartColumn: 7, EndLine: 9, EndColumn: 3 })), 'key: "[REDACTED]');
  });

  it('cuts long lines to a window around the secret and shows control characters as ?', () => {
    const shown = maskedLine(finding({ Line: `${'a'.repeat(500)}SECRET${'b'.repeat(500)}\u0007`, StartColumn: 501, EndColumn: 506 }));
    assert.equal(shown, `...${'a'.repeat(60)}[REDACTED]${'b'.repeat(90)}...`);
    assert.equal(maskedLine(finding({ Line: 'x\u0000y=SECRET', StartColumn: 5, EndColumn: 10 })), 'x?y=[REDACTED]');
  });

  it('names the place: file and line, archive member, header, message line', () => {
    assert.equal(describePlace(finding({})), 'config/app.env:3');
    assert.equal(describePlace(finding({ File: 'dist/c.zip!/a/b.txt' })), 'member a/b.txt:3 of dist/c.zip');
    assert.equal(describePlace(finding({ File: 'x.jar!/lib/in.zip!/k.env' })), 'member k.env:3 of lib/in.zip in x.jar');
    assert.equal(describePlace(finding({ File: 'r.tar.gz!/(gunzipped)!/etc/a.env' })), 'member etc/a.env:3 of r.tar.gz');
    assert.equal(describePlace(finding({ File: 'backup/s.json.gz!/(gunzipped)' })), 'backup/s.json.gz:3 (gunzipped)');
    assert.equal(describePlace(finding({ File: '(author of commit)' })), '(author of commit)');
    assert.equal(describePlace(finding({ File: '(commit message)', StartLine: 2 })), '(commit message) line 2');
    assert.equal(describePlace(finding({ File: '(message of tag v1)', StartLine: 1 })), '(message of tag v1) line 1');
  });
});
