import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRuleConfig, loadRuleConfigFile } from '../../src/scan/config.ts';
import { compileRuleset, createDetector } from '../../src/scan/ruleset.ts';
import { defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const GITLEAKS_STYLE = `
title = "team rules"

[[rules]]
id = "acme-key"
description = "ACME internal key"
regex = '''(?i)\\bacme[_-]?key\\s*=\\s*["']?(ak_[a-z0-9]{16})'''
secretGroup = 1
entropy = 2.5
keywords = ["acme"]
tags = ["acme"]

  [[rules.allowlists]]
  description = "fixtures"
  paths = ['''(?:^|/)fixtures/''']
  stopwords = ["ak_0000"]

[[rules]]
id = "acme-cert"
description = "ACME keystore"
path = '''(?i)\\.acmestore$'''

[allowlist]
description = "global"
regexes = ['''^ak_dead''']
`;

function scan(text: string, path: string, toml = GITLEAKS_STYLE) {
  const config = parseRuleConfig(toml, 'test.toml');
  const ruleset = compileRuleset(config.rules, config.globalAllowlists);
  return createDetector(ruleset).scan({ text, path, commit: '' });
}

describe('gitleaks-format rules', () => {
  it('loads rules with Go regex syntax, secretGroup, entropy, keywords and allowlists', () => {
    const found = scan(`ACME_KEY = "ak_9f8e7d6c5b4a3210"`, 'src/app.py');
    assert.deepEqual(found.map((f) => [f.rule.id, f.secret]), [['acme-key', 'ak_9f8e7d6c5b4a3210']]);
    assert.deepEqual(scan(`acme_key=ak_9f8e7d6c5b4a3210`, 'test/fixtures/x.env'), []);
    assert.deepEqual(scan(`acme_key=ak_0000aaaabbbbcccc`, 'src/x'), []);
    assert.deepEqual(scan(`acme_key=ak_dead1234abcd5678`, 'src/x'), []);
  });

  it('supports path-only rules', () => {
    const config = parseRuleConfig(GITLEAKS_STYLE, 'test.toml');
    const detector = createDetector(compileRuleset(config.rules, config.globalAllowlists));
    assert.equal(detector.scanPath('certs/prod.ACMESTORE', '').length, 1);
    assert.equal(detector.scanPath('certs/prod.pem', '').length, 0);
  });

  it('accepts the older single [rules.allowlist] table', () => {
    const toml = `[[rules]]\nid = "x"\nregex = '''xk_[0-9]{6}'''\nkeywords = ["xk_"]\n[rules.allowlist]\nregexes = ['''xk_000''']\n`;
    assert.equal(scan('xk_000111', '', toml).length, 0);
    assert.equal(scan('xk_123456', '', toml).length, 1);
  });

  it('extends the built-in rules, overriding and disabling by id', () => {
    const toml = `[extend]\nuseDefault = true\ndisabledRules = ["github-oauth"]\n\n[[rules]]\nid = "github-pat"\n[[rules.allowlists]]\nstopwords = ["k7q2"]\n`;
    const config = parseRuleConfig(toml, 'ext.toml');
    const ids = config.rules.map((r) => r.id);
    assert.equal(ids.includes('github-oauth'), false);
    assert.equal(config.rules.length, defaultRuleSpecs().length - 1);
    const pat = config.rules.find((r) => r.id === 'github-pat')!;
    assert.ok(pat.regex, 'the built-in regex is kept when the override gives none');
    assert.equal(pat.allowlists?.at(-1)?.stopwords?.[0], 'k7q2');
  });

  it('extends another file by path, and refuses cycles', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'base.toml'), `[[rules]]\nid = "base-rule"\nregex = '''bk_[0-9]{6}'''\nkeywords = ["bk_"]\n`);
    writeFileSync(join(dir, 'team.toml'), `[extend]\npath = "base.toml"\n[[rules]]\nid = "team-rule"\nregex = '''tk_[0-9]{6}'''\nkeywords = ["tk_"]\n`);
    assert.deepEqual(loadRuleConfigFile(join(dir, 'team.toml')).rules.map((r) => r.id).sort(), ['base-rule', 'team-rule']);
    writeFileSync(join(dir, 'loop.toml'), `[extend]\npath = "loop.toml"\n`);
    assert.throws(() => loadRuleConfigFile(join(dir, 'loop.toml')), /cycle/);
  });

  const refusals: Array<[string, RegExp]> = [
    ['[[rules]]\nid = "a"\nregex = "x"\nkeywords = ["x"]\nfrobnicate = 1\n', /rule a|rules\[0\]\.frobnicate: unknown key/],
    ['[[rules]]\nid = "a"\nregex = "x"\n[[rules.required]]\nid = "b"\n', /rules\[0\]\.required: composite rules/],
    ['[extend]\nurl = "https://example.test/x.toml"\n', /extend\.url: extending from a URL is not supported/],
    ['[[rules]]\nid = "a"\nregex = "\\\\pL+"\n', /rule a\.regex: regex cannot be used: Unicode classes/],
    ['[[rules]]\nid = "a"\nregex = "(unclosed"\n', /rule a\.regex: regex cannot be used/],
    ['[[rules]]\ndescription = "no id"\nregex = "x"\n', /rules\[0\]\.id: every rule needs an id/],
    ['[[rules]]\nid = "a"\n', /rule a: needs a regex or a path/],
    ['[[allowlists]]\ntargetRules = ["a"]\n', /targetRules is not supported/],
    ['[[rules]]\nid = "a"\nregex = "x"\nentropy = "high"\n', /rule a\.entropy: must be a non-negative number/],
    ['this is = = not toml', /TOML syntax error at line 1/],
  ];
  for (const [toml, message] of refusals) {
    it(`refuses with a clear error: ${message.source.slice(0, 50)}`, () => {
      assert.throws(() => parseRuleConfig(toml, 'bad.toml'), (error: Error) => error.message.startsWith('bad.toml: ') && message.test(error.message));
    });
  }
});
