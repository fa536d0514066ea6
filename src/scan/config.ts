// Loads rules from TOML in gitleaks' config format, so an existing .gitleaks.toml works as it
// is: [[rules]], [[rules.allowlists]] (and the older [rules.allowlist]), the global [allowlist]
// / [[allowlists]], and [extend] (useDefault, path, disabledRules). A key gitleaks has and we do
// not support is an error naming it; nothing is silently ignored.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { GatehouseError } from '../errors.ts';
import { GoRegexError, translateGoRegex } from './go-regex.ts';
import type { AllowlistSpec, RuleSpec } from './rule.ts';
import { defaultGlobalAllowlist, defaultRuleSpecs } from './rules/index.ts';

export interface RuleConfig {
  rules: RuleSpec[];
  globalAllowlists: AllowlistSpec[];
  /** Where the rules came from, for reports and errors. */
  source: string;
}

export function defaultRuleConfig(): RuleConfig {
  return { rules: defaultRuleSpecs(), globalAllowlists: [defaultGlobalAllowlist()], source: 'built-in rules' };
}

export class RuleConfigError extends GatehouseError {
  constructor(file: string, where: string, problem: string) {
    super(`${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.name = 'RuleConfigError';
  }
}

const TOP_KEYS = new Set(['title', 'description', 'minVersion', 'extend', 'rules', 'allowlist', 'allowlists']);
const RULE_KEYS = new Set(['id', 'description', 'regex', 'secretGroup', 'entropy', 'keywords', 'path', 'tags', 'allowlist', 'allowlists']);
const ALLOWLIST_KEYS = new Set(['description', 'condition', 'commits', 'paths', 'regexes', 'regexTarget', 'stopwords', 'targetRules']);
const EXTEND_KEYS = new Set(['useDefault', 'path', 'disabledRules']);
const UNSUPPORTED: Record<string, string> = {
  required: 'composite rules ([[rules.required]]) are not supported',
  skipReport: 'skipReport is not supported',
  reportGroup: 'reportGroup is not supported',
  'extend.url': 'extending from a URL is not supported (the gate works offline); download the file and use extend.path',
};

export function loadRuleConfigFile(file: string, seen: Set<string> = new Set()): RuleConfig {
  const absolute = resolve(file);
  if (seen.has(absolute)) throw new RuleConfigError(absolute, 'extend.path', 'extends itself (a cycle)');
  seen.add(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new GatehouseError(`cannot read rules file ${absolute}: ${(error as Error).message}`);
  }
  return parseRuleConfig(text, absolute, seen);
}

export function parseRuleConfig(text: string, file: string, seen: Set<string> = new Set()): RuleConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) throw new RuleConfigError(file, '', `TOML syntax error at line ${error.line}, column ${error.column}`);
    throw error;
  }
  checkKeys(raw, TOP_KEYS, file, '');

  let base: RuleConfig | null = null;
  const extend = raw.extend as Record<string, unknown> | undefined;
  let disabled = new Set<string>();
  if (extend !== undefined) {
    if (typeof extend !== 'object' || extend === null) throw new RuleConfigError(file, 'extend', 'must be a table');
    if ('url' in extend) throw new RuleConfigError(file, 'extend.url', UNSUPPORTED['extend.url']!);
    checkKeys(extend, EXTEND_KEYS, file, 'extend');
    if (extend.useDefault && extend.path) throw new RuleConfigError(file, 'extend', 'set either useDefault or path, not both');
    if (extend.useDefault === true) base = defaultRuleConfig();
    else if (extend.useDefault !== undefined && typeof extend.useDefault !== 'boolean') throw new RuleConfigError(file, 'extend.useDefault', 'must be true or false');
    if (typeof extend.path === 'string') base = loadRuleConfigFile(resolve(dirname(file), extend.path), seen);
    disabled = new Set(stringList(extend.disabledRules, file, 'extend.disabledRules'));
  }

  const own = asTableList(raw.rules, file, 'rules').map((table, i) => parseRule(table, file, `rules[${i}]`));
  const globals: AllowlistSpec[] = [];
  if (raw.allowlist !== undefined) globals.push(parseAllowlist(asTable(raw.allowlist, file, 'allowlist'), file, 'allowlist'));
  for (const [i, table] of asTableList(raw.allowlists, file, 'allowlists').entries()) globals.push(parseAllowlist(table, file, `allowlists[${i}]`));

  // Merge: own rules override base rules of the same id (their allowlists and keywords add up).
  const byId = new Map<string, RuleSpec>();
  for (const rule of base?.rules ?? []) byId.set(rule.id, rule);
  for (const rule of own) {
    const prior = byId.get(rule.id);
    byId.set(rule.id, prior ? mergeRule(prior, rule) : rule);
  }
  for (const id of disabled) byId.delete(id);
  for (const rule of byId.values()) {
    if (!rule.regex && !rule.path) throw new RuleConfigError(file, `rule ${rule.id}`, 'needs a regex or a path');
  }
  return {
    rules: [...byId.values()],
    globalAllowlists: [...(base?.globalAllowlists ?? []), ...globals],
    source: base ? `${file} (extending ${base.source})` : file,
  };
}

function parseRule(table: Record<string, unknown>, file: string, where: string): RuleSpec {
  for (const key of Object.keys(table)) if (key in UNSUPPORTED) throw new RuleConfigError(file, `${where}.${key}`, UNSUPPORTED[key]!);
  checkKeys(table, RULE_KEYS, file, where);
  const id = table.id;
  if (typeof id !== 'string' || !id) throw new RuleConfigError(file, `${where}.id`, 'every rule needs an id');
  const at = `rule ${id}`;
  const spec: RuleSpec = { id, description: optionalString(table.description, file, `${at}.description`) ?? id };
  const regex = optionalString(table.regex, file, `${at}.regex`);
  if (regex !== undefined) {
    const translated = translate(regex, file, `${at}.regex`);
    spec.regex = translated.source;
    if (translated.flags) spec.flags = translated.flags;
  }
  const path = optionalString(table.path, file, `${at}.path`);
  if (path !== undefined) spec.path = translateFlagless(path, file, `${at}.path`);
  if (table.secretGroup !== undefined) spec.secretGroup = nonNegativeInteger(table.secretGroup, file, `${at}.secretGroup`);
  if (table.entropy !== undefined) {
    if (typeof table.entropy !== 'number' || table.entropy < 0) throw new RuleConfigError(file, `${at}.entropy`, 'must be a non-negative number');
    spec.entropy = table.entropy;
  }
  if (table.keywords !== undefined) spec.keywords = stringList(table.keywords, file, `${at}.keywords`);
  if (table.tags !== undefined) spec.tags = stringList(table.tags, file, `${at}.tags`);
  const lists: AllowlistSpec[] = [];
  if (table.allowlist !== undefined) lists.push(parseAllowlist(asTable(table.allowlist, file, `${at}.allowlist`), file, `${at}.allowlist`));
  for (const [i, t] of asTableList(table.allowlists, file, `${at}.allowlists`).entries()) lists.push(parseAllowlist(t, file, `${at}.allowlists[${i}]`));
  if (lists.length) spec.allowlists = lists;
  // gitleaks runs a regex over the whole text; one that can match a newline (\n, \s, [^...],
  // dot-all) may span lines, so its window reaches past the keyword's line.
  if (spec.regex && (/\\n|\\s|\[\^|\(\?[a-z]*s/.test(spec.regex) || spec.flags?.includes('s'))) spec.multiline = true;
  return spec;
}

function parseAllowlist(table: Record<string, unknown>, file: string, where: string): AllowlistSpec {
  checkKeys(table, ALLOWLIST_KEYS, file, where);
  if (table.targetRules !== undefined) throw new RuleConfigError(file, `${where}.targetRules`, 'targetRules is not supported; put the allowlist under each rule instead');
  const spec: AllowlistSpec = {};
  const description = optionalString(table.description, file, `${where}.description`);
  if (description !== undefined) spec.description = description;
  if (table.condition !== undefined) {
    const condition = String(table.condition).toUpperCase();
    if (condition !== 'OR' && condition !== 'AND') throw new RuleConfigError(file, `${where}.condition`, 'must be "OR" or "AND"');
    spec.condition = condition;
  }
  if (table.commits !== undefined) spec.commits = stringList(table.commits, file, `${where}.commits`);
  if (table.paths !== undefined) spec.paths = stringList(table.paths, file, `${where}.paths`).map((p, i) => translateFlagless(p, file, `${where}.paths[${i}]`));
  if (table.regexes !== undefined) spec.regexes = stringList(table.regexes, file, `${where}.regexes`).map((r, i) => translateFlagless(r, file, `${where}.regexes[${i}]`));
  if (table.regexTarget !== undefined) {
    const target = String(table.regexTarget);
    if (target !== 'secret' && target !== 'match' && target !== 'line') throw new RuleConfigError(file, `${where}.regexTarget`, 'must be "secret", "match" or "line"');
    spec.regexTarget = target;
  }
  if (table.stopwords !== undefined) spec.stopwords = stringList(table.stopwords, file, `${where}.stopwords`);
  return spec;
}

function mergeRule(base: RuleSpec, own: RuleSpec): RuleSpec {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)),
    keywords: [...new Set([...(base.keywords ?? []), ...(own.keywords ?? [])])],
    tags: [...new Set([...(base.tags ?? []), ...(own.tags ?? [])])],
    allowlists: [...(base.allowlists ?? []), ...(own.allowlists ?? [])],
  };
}

function translate(go: string, file: string, where: string) {
  try {
    const t = translateGoRegex(go);
    new RegExp(t.source, t.flags);
    return t;
  } catch (error) {
    const problem = error instanceof GoRegexError || error instanceof SyntaxError ? error.message : String(error);
    throw new RuleConfigError(file, where, `regex cannot be used: ${problem}`);
  }
}

/** Path and allowlist patterns get no flags of their own, so a case-insensitive one is inlined. */
function translateFlagless(go: string, file: string, where: string): string {
  const t = translate(go, file, where);
  return t.flags ? `(?${t.flags}:${t.source})` : t.source;
}

function checkKeys(table: Record<string, unknown>, allowed: Set<string>, file: string, where: string): void {
  for (const key of Object.keys(table)) {
    if (!allowed.has(key)) throw new RuleConfigError(file, where ? `${where}.${key}` : key, UNSUPPORTED[key] ?? 'unknown key');
  }
}

function asTable(value: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RuleConfigError(file, where, 'must be a table');
  return value as Record<string, unknown>;
}

function asTableList(value: unknown, file: string, where: string): Array<Record<string, unknown>> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new RuleConfigError(file, where, 'must be an array of tables ([[...]])');
  return value.map((v, i) => asTable(v, file, `${where}[${i}]`));
}

function stringList(value: unknown, file: string, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new RuleConfigError(file, where, 'must be a list of strings');
  return value as string[];
}

function optionalString(value: unknown, file: string, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RuleConfigError(file, where, 'must be a string');
  return value;
}

function nonNegativeInteger(value: unknown, file: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new RuleConfigError(file, where, 'must be a whole number, 0 or more');
  return value;
}
