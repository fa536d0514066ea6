// Every built-in rule against its own samples: each true sample is found by that rule, each
// false sample is not reported by it. Run with the global allowlist, as scans run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Detector } from '../../src/scan/detector.ts';
import { compileAllowlist, compileRule } from '../../src/scan/rule.ts';
import { DEFAULT_RULE_FILES, defaultGlobalAllowlist, defaultRuleSpecs } from '../../src/scan/rules/index.ts';
import { compileRuleset } from '../../src/scan/ruleset.ts';
import { samplePathFor } from '../helpers/rule-sample-path.ts';

const globals = [compileAllowlist(defaultGlobalAllowlist(), 'global')];

describe('built-in ruleset', () => {
  it('compiles, with unique ids', () => {
    const ruleset = compileRuleset(defaultRuleSpecs(), [defaultGlobalAllowlist()]);
    assert.ok(ruleset.rules.length > 0);
  });

  it('has at least 150 rules, each with keywords and samples both ways', () => {
    const specs = defaultRuleSpecs();
    assert.ok(specs.length >= 150, `only ${specs.length} rules`);
    for (const spec of specs) {
      assert.ok(spec.keywords?.length || !spec.regex, `${spec.id} has no keywords: it would run its regex over every text`);
      assert.ok(spec.tps?.length, `${spec.id} has no true-positive samples`);
      assert.ok(spec.fps?.length, `${spec.id} has no false-positive samples`);
      // compileRule skips this check for built-in rules (it compiles every regex): it is made here.
      if (spec.regex) assert.equal(new RegExp(spec.regex, (spec.flags ?? '').replace(/[gdy]/g, '')).test(''), false, `${spec.id} matches the empty string`);
    }
  });

  for (const [file, specs] of Object.entries(DEFAULT_RULE_FILES)) {
    describe(`rules/${file}.ts`, () => {
      for (const spec of specs) {
        it(spec.id, () => {
          const rule = compileRule(spec);
          const detector = new Detector([rule], { globalAllowlists: globals });
          for (const sample of spec.tps ?? []) {
            const found = spec.regex ? detector.scan({ text: sample, path: samplePathFor(spec), commit: '' }) : detector.scanPath(sample, '');
            assert.ok(found.some((f) => f.rule.id === spec.id), `${spec.id} missed its true sample: ${sample}`);
          }
          for (const sample of spec.fps ?? []) {
            const found = spec.regex ? detector.scan({ text: sample, path: samplePathFor(spec), commit: '' }) : detector.scanPath(sample, '');
            assert.deepEqual(found.map((f) => f.secret), [], `${spec.id} fired on its false sample: ${sample}`);
          }
        });
      }
    });
  }
});
