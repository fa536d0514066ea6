// The detection engine: given a text (a file, the lines a commit adds, a commit message) it
// reports every rule match that survives entropy and allowlists. One keyword pass over the
// text picks the candidate rules; each candidate's regex runs only over the lines around its
// keyword hits. Encoded segments (base64, hex, percent, string escapes) are decoded and scanned
// again, to a bounded depth; what is still encoded below that depth can be reported as not scanned.
import { KeywordMatcher } from './aho-corasick.ts';
import { findEncodedSegments } from './decode.ts';
import { LinePrefilter, type PrefilterPlan } from './prefilter.ts';
import { shannonEntropy } from './entropy.ts';
import type { Allowlist, Rule } from './rule.ts';

/**
 * Part of the verdict cache key (run.ts): bump when the engine reports differently on the same
 * rules and content, so verdicts cached by an older engine are not reused.
 */
export const ENGINE_VERSION = 2;

export interface Fragment {
  text: string;
  /** File path (for path rules and path allowlists); "" for stdin or messages. */
  path: string;
  commit: string;
  /** The file's line number of each line of text, when text holds only some of its lines (FindingContext.lineNumbers). */
  lineNumbers?: ArrayLike<number>;
}

/**
 * What a scan could not look into. undecoded: places (1-based line numbers of the scanned text,
 * through Fragment.lineNumbers) where decoding stopped at the depth limit on a segment that
 * still holds encoded text; encoding lists the encodings from the outside in, the last one not
 * undone ("base64>base64>hex"). Such content is unscanned, not clean.
 */
export interface ScanCoverage {
  undecoded: Array<{ line: number; encoding: string }>;
}

/** An undecoded segment, at the offset (in the fragment's text) of the outermost segment holding it. */
interface Undecoded {
  offset: number;
  encoding: string;
}

/** A match before report fields are attached: positions are offsets into the fragment text. */
export interface RawFinding {
  rule: Rule;
  start: number;
  end: number;
  secretStart: number;
  secretEnd: number;
  match: string;
  secret: string;
  entropy: number;
  /** Set when found inside decoded text: how the segment at start..end was encoded. */
  decodedFrom: string[];
}

export interface DetectorOptions {
  globalAllowlists?: Allowlist[];
  /** How many rounds of decoding to apply to encoded segments; 0 turns decoding off. */
  maxDecodeDepth?: number;
  /** How many lines past a keyword's line a multiline rule's window reaches, unless the rule says. */
  multilineLines?: number;
}

export class Detector {
  readonly rules: readonly Rule[];
  private readonly matcher: KeywordMatcher;
  /** keyword index -> indexes of rules that list it */
  private readonly rulesByKeyword: number[][];
  /** rules without keywords: they run over every text */
  private readonly unconditional: number[];
  private readonly pathRules: number[];
  private readonly globalAllowlists: Allowlist[];
  private readonly maxDecodeDepth: number;
  private readonly multilineLines: number;
  private readonly prefilterPlan: PrefilterPlan;
  /** Each rule's place in the ruleset: of two rules reporting one secret, the earlier is kept. */
  private readonly ruleOrder: Map<Rule, number>;

  constructor(rules: readonly Rule[], options: DetectorOptions = {}) {
    this.rules = rules;
    this.ruleOrder = new Map(rules.map((rule, i) => [rule, i]));
    this.globalAllowlists = options.globalAllowlists ?? [];
    this.maxDecodeDepth = options.maxDecodeDepth ?? 2;
    this.multilineLines = options.multilineLines ?? 1000;
    const keywords: string[] = [];
    const keywordIndex = new Map<string, number>();
    this.rulesByKeyword = [];
    this.unconditional = [];
    this.pathRules = [];
    rules.forEach((rule, r) => {
      if (!rule.regex) {
        this.pathRules.push(r);
        return;
      }
      if (rule.keywords.length === 0) {
        this.unconditional.push(r);
        return;
      }
      for (const keyword of rule.keywords) {
        let k = keywordIndex.get(keyword);
        if (k === undefined) {
          k = keywords.length;
          keywords.push(keyword);
          keywordIndex.set(keyword, k);
          this.rulesByKeyword.push([]);
        }
        this.rulesByKeyword[k]!.push(r);
      }
    });
    this.matcher = new KeywordMatcher(keywords);
    // Per keyword, the longest window (lines after the keyword's) of the multiline rules listing it (0: none does).
    const keywordWindows = new Int32Array(keywords.length);
    this.rulesByKeyword.forEach((ruleIndexes, k) => {
      for (const r of ruleIndexes) if (rules[r]!.multiline) keywordWindows[k] = Math.max(keywordWindows[k]!, this.windowLinesOf(rules[r]!));
    });
    // Per keyword, the token tail every rule listing it promises (0 if one does not).
    const keywordTails = Int32Array.from(this.rulesByKeyword, (ruleIndexes) => Math.min(...ruleIndexes.map((r) => rules[r]!.keywordTail)));
    // Per keyword, the keywordThen regexes of the rules listing it; null if one of them states none.
    const keywordThens = this.rulesByKeyword.map((ruleIndexes) => (ruleIndexes.every((r) => rules[r]!.keywordThen) ? ruleIndexes.map((r) => rules[r]!.keywordThen!) : null));
    this.prefilterPlan = { matcher: this.matcher, keywordWindows, keywordTails, keywordThens, everyLine: this.unconditional.length > 0 };
  }

  /** A byte-level first pass that tells which lines of a text this detector could report on (prefilter.ts). */
  linePrefilter(): LinePrefilter {
    return new LinePrefilter(this.prefilterPlan);
  }

  /** Rules that fire on the path alone (e.g. a committed .p12 keystore). */
  scanPath(path: string, commit: string): RawFinding[] {
    const found: RawFinding[] = [];
    for (const r of this.pathRules) {
      const rule = this.rules[r]!;
      rule.path!.lastIndex = 0;
      if (!rule.path!.test(path)) continue;
      const raw: RawFinding = { rule, start: 0, end: 0, secretStart: 0, secretEnd: 0, match: `file detected: ${path}`, secret: '', entropy: 0, decodedFrom: [] };
      if (!this.allowed(raw, { text: '', path, commit }, '')) found.push(raw);
    }
    return found;
  }

  /** Raw findings of one fragment; with coverage, also where encoded content went unscanned (added to it). */
  scan(fragment: Fragment, coverage?: ScanCoverage): RawFinding[] {
    const found: RawFinding[] = [];
    const undecoded: Undecoded[] | null = coverage ? [] : null;
    this.scanText(fragment, fragment.text, 0, found, [], 0, undecoded);
    if (coverage && undecoded!.length) addUndecoded(coverage, fragment, undecoded!);
    return dropDuplicates(dropGenericOverlaps(found), this.ruleOrder);
  }

  /** place: in a decoded text, the offset of the outermost encoded segment in the fragment's text. */
  private scanText(fragment: Fragment, text: string, depth: number, found: RawFinding[], decodedFrom: string[], place: number, undecoded: Undecoded[] | null): void {
    const levelStart = found.length;
    // Per candidate rule, the sorted ends of its keyword hits.
    const hits = new Map<number, number[]>();
    this.matcher.scan(text, (keyword, end) => {
      for (const r of this.rulesByKeyword[keyword]!) {
        const list = hits.get(r);
        if (list) list.push(end);
        else hits.set(r, [end]);
      }
    });
    for (const r of this.unconditional) hits.set(r, [-1]);

    for (const [r, ends] of hits) {
      const rule = this.rules[r]!;
      if (rule.path) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(fragment.path)) continue;
      }
      for (const [from, to] of this.windows(text, ends, rule.multiline ? this.windowLinesOf(rule) : 0)) this.runRegex(rule, fragment, text, from, to, found, decodedFrom);
    }

    if (depth < this.maxDecodeDepth) {
      for (const segment of findEncodedSegments(text, depth === 0 ? fragment.lineNumbers : undefined)) {
        const before = found.length;
        this.scanText(fragment, segment.decoded, depth + 1, found, [...decodedFrom, segment.encoding], depth === 0 ? segment.start : place, undecoded);
        // Findings in decoded text (at any depth below) are reported at the encoded segment's place in this text.
        for (let i = before; i < found.length; i++) {
          const f = found[i]!;
          f.start = f.secretStart = segment.start;
          f.end = f.secretEnd = segment.end;
        }
        dropRepeats(found, levelStart, before, segment);
      }
    } else if (undecoded && depth > 0) {
      for (const segment of findEncodedSegments(text)) undecoded.push({ offset: place, encoding: [...decodedFrom, segment.encoding].join('>') });
    }
  }

  private windowLinesOf(rule: Rule): number {
    return Math.max(1, rule.windowLines ?? this.multilineLines);
  }

  /** Merged [from, to) windows: whole lines around each hit (further for multiline rules). */
  private windows(text: string, ends: number[], extraLines: number): Array<[number, number]> {
    if (ends[0] === -1) return [[0, text.length]];
    const out: Array<[number, number]> = [];
    let lastTo = -1;
    for (const end of ends) {
      // A hit on a line already covered adds nothing, unless its own window reaches further.
      if (end <= lastTo && extraLines === 0) continue;
      const lineStart = text.lastIndexOf('\n', end - 1) + 1;
      // The hit's line, and for a multiline rule as many lines after it.
      let to = end;
      for (let line = 0; line <= extraLines && to !== text.length; line++) {
        const nl = text.indexOf('\n', line === 0 ? to : to + 1);
        to = nl === -1 ? text.length : nl;
      }
      const from = lineStart;
      if (out.length && from <= lastTo) out[out.length - 1]![1] = Math.max(lastTo, to);
      else out.push([from, to]);
      lastTo = Math.max(lastTo, to);
    }
    return out;
  }

  private runRegex(rule: Rule, fragment: Fragment, text: string, from: number, to: number, found: RawFinding[], decodedFrom: string[]): void {
    const regex = rule.regex!;
    const window = from === 0 && to === text.length ? text : text.slice(from, to);
    regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(window)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      const group = secretGroupOf(rule, m);
      const secret = group === 0 ? m[0] : (m[group] ?? '');
      if (!secret) continue;
      const indices = m.indices![group] ?? m.indices![0]!;
      const start = from + m.index;
      const raw: RawFinding = {
        rule,
        start,
        end: start + m[0].length,
        secretStart: from + indices[0],
        secretEnd: from + indices[1],
        match: m[0],
        secret,
        entropy: shannonEntropy(secret),
        decodedFrom,
      };
      if (rule.entropy > 0 && raw.entropy < rule.entropy) continue;
      if (this.allowed(raw, fragment, lineAround(text, start))) continue;
      found.push(raw);
    }
  }

  private allowed(raw: RawFinding, fragment: Fragment, line: string): boolean {
    for (const list of raw.rule.allowlists) if (allowlistMatches(list, raw, fragment, line)) return true;
    for (const list of this.globalAllowlists) if (allowlistMatches(list, raw, fragment, line)) return true;
    return false;
  }
}

/**
 * A generic rule (id "generic-*") that reports the same secret a vendor rule reports adds
 * nothing but noise: keep the specific finding, as gitleaks does.
 */
export function dropGenericOverlaps(found: RawFinding[]): RawFinding[] {
  if (found.length < 2) return found;
  const specific = found.filter((f) => !f.rule.id.startsWith('generic'));
  if (specific.length === found.length || specific.length === 0) return found;
  return found.filter(
    (f) => !f.rule.id.startsWith('generic') || !specific.some((s) => s.secretStart < f.secretEnd && f.secretStart < s.secretEnd),
  );
}

/**
 * Two rules reporting the same secret at the same place (a vendor's format rule and a rule that
 * finds the same token by the vendor's name) make one finding: the rule earlier in the ruleset's
 * order keeps it.
 */
export function dropDuplicates(found: RawFinding[], order: Map<Rule, number>): RawFinding[] {
  if (found.length < 2) return found;
  const kept = new Map<string, RawFinding>();
  for (const f of found) {
    const key = `${f.secretStart}:${f.secretEnd}:${f.decodedFrom.join('/')}:${f.secret}`;
    const other = kept.get(key);
    if (!other || (order.get(f.rule) ?? 0) < (order.get(other.rule) ?? 0)) kept.set(key, f);
  }
  if (kept.size === found.length) return found;
  const keep = new Set(kept.values());
  return found.filter((f) => keep.has(f));
}

/**
 * Drops the findings found[before..] (from decoding segment) that repeat one found earlier in the
 * same text (found[levelStart..before]) by the same rule, of the same secret, overlapping the
 * segment: the secret seen undecoded, or a line of wrapped base64 that its block already revealed.
 */
function dropRepeats(found: RawFinding[], levelStart: number, before: number, segment: { start: number; end: number }): void {
  if (found.length === before || before === levelStart) return;
  let kept = before;
  for (let i = before; i < found.length; i++) {
    const f = found[i]!;
    let repeat = false;
    for (let j = levelStart; j < before && !repeat; j++) {
      const g = found[j]!;
      repeat = g.rule === f.rule && g.secret === f.secret && g.secretStart < segment.end && segment.start < g.secretEnd;
    }
    if (!repeat) found[kept++] = f;
  }
  found.length = kept;
}

/** Adds each undecoded place once, by line and encoding. */
function addUndecoded(coverage: ScanCoverage, fragment: Fragment, undecoded: Undecoded[]): void {
  const seen = new Set(coverage.undecoded.map((u) => `${u.line} ${u.encoding}`));
  for (const u of undecoded) {
    let index = 0;
    for (let i = fragment.text.indexOf('\n'); i !== -1 && i < u.offset; i = fragment.text.indexOf('\n', i + 1)) index++;
    const line = fragment.lineNumbers ? (fragment.lineNumbers[index] ?? index + 1) : index + 1;
    const key = `${line} ${u.encoding}`;
    if (seen.has(key)) continue;
    seen.add(key);
    coverage.undecoded.push({ line, encoding: u.encoding });
  }
}

function secretGroupOf(rule: Rule, m: RegExpExecArray): number {
  if (rule.secretGroup !== null) return rule.secretGroup;
  return m.length === 2 ? 1 : 0;
}

function lineAround(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  return text.slice(start, nl === -1 ? text.length : nl);
}

function allowlistMatches(list: Allowlist, raw: RawFinding, fragment: Fragment, line: string): boolean {
  const checks: boolean[] = [];
  if (list.commits.size) checks.push(fragment.commit !== '' && list.commits.has(fragment.commit));
  if (list.paths.length) checks.push(list.paths.some((p) => testRegex(p, fragment.path)));
  if (list.regexes.length) {
    const target = list.regexTarget === 'match' ? raw.match : list.regexTarget === 'line' ? line : raw.secret;
    checks.push(list.regexes.some((r) => testRegex(r, target)));
  }
  if (list.stopwords.length) {
    const secret = raw.secret.toLowerCase();
    checks.push(list.stopwords.some((w) => secret.includes(w)));
  }
  if (checks.length === 0) return false;
  return list.condition === 'AND' ? checks.every(Boolean) : checks.some(Boolean);
}

function testRegex(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0;
  return regex.test(text);
}
