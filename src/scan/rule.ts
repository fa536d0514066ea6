// Rules are data: an id, a regex, keywords for the prefilter, an entropy floor and allowlists,
// the same fields as a gitleaks rule. RuleSpec is how rules are written (in rules/<vendor>.ts
// with their samples, or loaded from TOML); Rule is the compiled form the engine runs.

export type RegexTarget = 'secret' | 'match' | 'line';

export interface AllowlistSpec {
  description?: string;
  /** OR (default): any one check allows the finding; AND: every check given must match. */
  condition?: 'OR' | 'AND';
  commits?: string[];
  /** Regex sources matched against the file path. */
  paths?: string[];
  /** Regex sources matched against regexTarget. */
  regexes?: string[];
  regexTarget?: RegexTarget;
  /** Case-insensitive substrings: a secret containing one is allowed. */
  stopwords?: string[];
}

export interface RuleSpec {
  id: string;
  description: string;
  /** JavaScript RegExp source. Omit for a rule that matches on path alone. */
  regex?: string;
  /** RegExp flags besides g/d/y, e.g. "i" or "is". */
  flags?: string;
  /** Capture group holding the secret; default: the only group if there is one, else the match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Case-insensitive strings one of which must occur for the regex to run at all. */
  keywords?: string[];
  /** Regex source for the file path. */
  path?: string;
  tags?: string[];
  allowlists?: AllowlistSpec[];
  /** The secret may span lines (PEM blocks): the regex window reaches past the keyword's line. */
  multiline?: boolean;
  /**
   * For a multiline rule: how many lines after its keyword's line a match can reach (default:
   * the detector's, 1,000). A rule whose regex allows few line breaks states it here, so a common
   * keyword does not pull long windows through the scan.
   */
  windowLines?: number;
  /**
   * The keywords are token prefixes: in every match, at least this many characters of the
   * base64 alphabet (letters, digits, + / _ -) follow the keyword directly. The prefilter then
   * passes over hits of the keyword inside ordinary words ("pat" in "path").
   */
  keywordTail?: number;
  /**
   * A regex every match satisfies right after its keyword (matched there, sticky, with the rule's
   * flags; a lookbehind sees at least the 16 characters before; the rest of the line after, up to
   * 512 characters). The prefilter passes over keyword hits where it fails, so a keyword as common
   * as "token" or "https://" keeps only the lines where the rule could match.
   */
  keywordThen?: string;
  /** Samples that must be found by this rule. Fake values only. */
  tps?: string[];
  /** Look-alikes that this rule must not report. */
  fps?: string[];
}

export interface Allowlist {
  description: string;
  condition: 'OR' | 'AND';
  commits: Set<string>;
  paths: RegExp[];
  regexes: RegExp[];
  regexTarget: RegexTarget;
  stopwords: string[];
}

export interface Rule {
  id: string;
  description: string;
  regex: RegExp | null;
  secretGroup: number | null;
  entropy: number;
  keywords: string[];
  path: RegExp | null;
  tags: string[];
  allowlists: Allowlist[];
  multiline: boolean;
  /** Lines after the keyword's line a multiline rule's window reaches; null for the detector's default. */
  windowLines: number | null;
  /** Characters of the base64 alphabet that follow the keyword in every match; 0 when not stated. */
  keywordTail: number;
  /** What every match has right after its keyword (sticky); null when not stated. */
  keywordThen: RegExp | null;
}

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

export function compileRegex(source: string, flags: string, where: string): RegExp {
  try {
    // g for iteration, d for group indices (exact columns of the secret inside the match).
    return new RegExp(source, `${[...new Set(flags.replace(/[gdy]/g, ''))].join('')}gd`);
  } catch (error) {
    throw new RuleError(`${where}: invalid regex: ${(error as Error).message}`);
  }
}

export function compileAllowlist(spec: AllowlistSpec, where: string): Allowlist {
  const target = spec.regexTarget ?? 'secret';
  if (!['secret', 'match', 'line'].includes(target)) throw new RuleError(`${where}: regexTarget must be secret, match or line`);
  const condition = (spec.condition ?? 'OR').toUpperCase();
  if (condition !== 'OR' && condition !== 'AND') throw new RuleError(`${where}: condition must be OR or AND`);
  return {
    description: spec.description ?? '',
    condition,
    commits: new Set(spec.commits ?? []),
    paths: (spec.paths ?? []).map((p, i) => compileRegex(p, '', `${where}.paths[${i}]`)),
    regexes: (spec.regexes ?? []).map((r, i) => compileRegex(r, '', `${where}.regexes[${i}]`)),
    regexTarget: target,
    stopwords: (spec.stopwords ?? []).map((s) => s.toLowerCase()),
  };
}

function compileKeywordThen(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, `${[...new Set(flags.replace(/[gdy]/g, ''))].join('')}y`);
  } catch (error) {
    throw new RuleError(`${where}: invalid regex: ${(error as Error).message}`);
  }
}

/** Built-in rules are proven by their samples in the tests; user rules get every check at load. */
const trustedSpecs = new WeakSet<RuleSpec>();

export function markTrusted(specs: RuleSpec[]): RuleSpec[] {
  for (const spec of specs) trustedSpecs.add(spec);
  return specs;
}

/** A copy of a spec with some fields changed; a built-in spec's copy stays trusted. */
export function deriveSpec(spec: RuleSpec, changes: Partial<RuleSpec>): RuleSpec {
  const derived = { ...spec, ...changes };
  if (trustedSpecs.has(spec)) trustedSpecs.add(derived);
  return derived;
}

export function compileRule(spec: RuleSpec): Rule {
  const where = `rule ${spec.id}`;
  if (!spec.id || !/^[A-Za-z0-9_.-]+$/.test(spec.id)) throw new RuleError(`rule id ${JSON.stringify(spec.id)} must be letters, digits, dots, dashes or underscores`);
  if (!spec.regex && !spec.path) throw new RuleError(`${where}: needs a regex or a path`);
  const regex = spec.regex ? compileRegex(spec.regex, spec.flags ?? '', where) : null;
  // Running a regex compiles it, which is most of a ruleset's load time; built-in rules skip this.
  if (regex && !trustedSpecs.has(spec) && new RegExp(regex.source, regex.flags.replace(/[gdy]/g, '')).test('')) {
    throw new RuleError(`${where}: regex matches the empty string, so it would report everywhere`);
  }
  return {
    id: spec.id,
    description: spec.description ?? spec.id,
    regex,
    secretGroup: spec.secretGroup ?? null,
    entropy: spec.entropy ?? 0,
    keywords: [...new Set((spec.keywords ?? []).map((k) => k.toLowerCase()).filter(Boolean))],
    path: spec.path ? compileRegex(spec.path, '', `${where}.path`) : null,
    tags: spec.tags ?? [],
    allowlists: (spec.allowlists ?? []).map((a, i) => compileAllowlist(a, `${where}.allowlists[${i}]`)),
    multiline: spec.multiline ?? false,
    windowLines: spec.windowLines ?? null,
    keywordTail: spec.keywordTail ?? 0,
    keywordThen: spec.keywordThen ? compileKeywordThen(spec.keywordThen, spec.flags ?? '', `${where}.keywordThen`) : null,
  };
}
