// The engine as the sources use it: a detector, the limits, and an optional verdict cache.
import { createHash } from 'node:crypto';
import type { Detector, ScanCoverage } from './detector.ts';
import type { Finding } from './finding.ts';
import { toFindings, type FindingContext } from './locate.ts';
import { keptLines, type LinePrefilter } from './prefilter.ts';
import { blobViews, type BlobViewLimits, type Unreadable } from './blob-views.ts';

export type { ScanCoverage } from './detector.ts';

export interface ScanLimits {
  /** Largest file (or added content of one file in one commit) that is scanned, in bytes. */
  maxFileBytes: number;
  /** Wall-clock budget for one run in milliseconds; 0 for none. */
  maxRunMs: number;
}

export const DEFAULT_LIMITS: ScanLimits = { maxFileBytes: 10 * 1024 * 1024, maxRunMs: 0 };

/** Content already found clean, by a hash of the ruleset, path and object ids. Never holds a finding. */
export interface VerdictCache {
  isClean(key: string): Promise<boolean>;
  markClean(key: string): Promise<void>;
}

export interface ScannerOptions {
  detector: Detector;
  /** Identifies the ruleset and options, so cached verdicts from other rules are never reused. */
  rulesetId: string;
  limits?: Partial<ScanLimits>;
  cache?: VerdictCache | null;
}

export class Scanner {
  readonly detector: Detector;
  readonly limits: ScanLimits;
  readonly cache: VerdictCache | null;
  readonly rulesetId: string;
  private prefilter: LinePrefilter | undefined;

  constructor(options: ScannerOptions) {
    this.detector = options.detector;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.cache = options.cache ?? null;
    this.rulesetId = options.rulesetId;
  }

  /**
   * Scans one text: a file, the lines a commit adds to a file, a message. With coverage, also
   * adds to it what could not be scanned (encodings nested deeper than the decode depth).
   */
  scanText(text: string, ctx: FindingContext, coverage?: ScanCoverage): Finding[] {
    const raws = this.detector.scan({ text, path: ctx.file, commit: ctx.commit, lineNumbers: ctx.lineNumbers }, coverage);
    return toFindings(raws, text, ctx);
  }

  /**
   * Scans a whole text held as bytes (a file, stdin): only the lines the byte prefilter keeps
   * are decoded and scanned, with their real line numbers.
   */
  scanBytes(bytes: Buffer, ctx: FindingContext, coverage?: ScanCoverage): Finding[] {
    const kept = keptLines((this.prefilter ??= this.detector.linePrefilter()), bytes);
    if (kept.lineNumbers.length === 0) return [];
    return this.scanText(kept.text, { ...ctx, lineNumbers: kept.lineNumbers }, coverage);
  }

  /**
   * Scans every text blob-views finds in one file's bytes (itself, decoded, archive members,
   * printable strings). A member's findings are placed at "path!/member". The same secret read
   * twice (as text and as strings) is one finding. With coverage, also adds to it what could not
   * be decoded (the line numbers are those of the view).
   */
  scanBlob(content: Buffer, ctx: FindingContext, limits: BlobViewLimits, coverage?: ScanCoverage): { findings: Finding[]; unreadable: Unreadable[] } {
    const { views, unreadable } = blobViews(content, limits);
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const view of views) {
      const file = view.member ? `${ctx.file}!/${view.member}` : ctx.file;
      for (const f of this.scanBytes(view.bytes, { ...ctx, file }, coverage)) {
        const key = `${f.File}\0${f.RuleID}\0${f.Secret}\0${f.StartLine}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (view.kind !== 'text') f.Tags = [...f.Tags, `read-as:${view.kind}`];
        findings.push(f);
      }
    }
    return { findings, unreadable };
  }

  scanPath(ctx: FindingContext): Finding[] {
    return toFindings(this.detector.scanPath(ctx.file, ctx.commit), '', ctx);
  }

  cacheKey(path: string, objects: string): string {
    return createHash('sha256').update(`${this.rulesetId}\0${path}\0${objects}`).digest('base64url');
  }
}
