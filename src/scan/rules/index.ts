// The built-in ruleset: every vendor file's rules, in one list. Each file keeps its rules next to
// the true and false samples that test/unit/rules.test.ts checks.
import { markTrusted, type AllowlistSpec, type RuleSpec } from '../rule.ts';
import { rules as ai } from './ai.ts';
import { rules as cloud } from './cloud.ts';
import { rules as generic } from './generic.ts';
import { rules as github } from './github.ts';
import { rules as keys } from './keys.ts';
import { rules as messaging } from './messaging.ts';
import { rules as payments } from './payments.ts';
import { rules as registries } from './registries.ts';
import { rules as saas } from './saas.ts';
import { rules as sourcehosts } from './sourcehosts.ts';
import { rules as uris } from './uris.ts';
import { globalAllowlist } from './global-allowlist.ts';

export const DEFAULT_RULE_FILES: Readonly<Record<string, RuleSpec[]>> = {
  ai, cloud, generic, github, keys, messaging, payments, registries, saas, sourcehosts, uris,
};

const builtIn = markTrusted(Object.values(DEFAULT_RULE_FILES).flat());

export function defaultRuleSpecs(): RuleSpec[] {
  return builtIn;
}

export function defaultGlobalAllowlist(): AllowlistSpec {
  return globalAllowlist;
}
