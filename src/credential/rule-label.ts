// How a credential rule is named in messages: its name, else what it matches.
import type { CredentialRuleConfig } from '../config/schema.ts';

export function ruleLabel(rule: CredentialRuleConfig): string {
  return rule.name || `${rule.protocol}://${rule.host}${rule.path ? `/${rule.path}` : ''}`;
}
