import type { RuleSpec } from '../rule.ts';

export const rules: RuleSpec[] = [];
