// A compiled ruleset: the rules and the global allowlists, ready for a Detector.
import { Detector, type DetectorOptions } from './detector.ts';
import { compileAllowlist, compileRule, RuleError, type Allowlist, type AllowlistSpec, type Rule, type RuleSpec } from './rule.ts';
import { defaultGlobalAllowlist, defaultRuleSpecs } from './rules/index.ts';

export interface Ruleset {
  rules: Rule[];
  globalAllowlists: Allowlist[];
}

export function compileRuleset(specs: RuleSpec[], globals: AllowlistSpec[]): Ruleset {
  const seen = new Set<string>();
  const rules = specs.map((spec) => {
    if (seen.has(spec.id)) throw new RuleError(`rule id ${spec.id} is defined twice`);
    seen.add(spec.id);
    return compileRule(spec);
  });
  return { rules, globalAllowlists: globals.map((g, i) => compileAllowlist(g, `allowlist[${i}]`)) };
}

let cachedDefault: Ruleset | undefined;

export function defaultRuleset(): Ruleset {
  return (cachedDefault ??= compileRuleset(defaultRuleSpecs(), [defaultGlobalAllowlist()]));
}

export function createDetector(ruleset: Ruleset, options: Omit<DetectorOptions, 'globalAllowlists'> = {}): Detector {
  return new Detector(ruleset.rules, { ...options, globalAllowlists: ruleset.globalAllowlists });
}
