// Turns the engine's offsets into report findings: 1-based lines and columns, with the file's
// real line numbers when the text was assembled from the lines a commit added.
import type { RawFinding } from './detector.ts';
import { fingerprint, type Finding } from './finding.ts';

export interface FindingContext {
  file: string;
  commit: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
  /** Maps the text's 0-based line index to the file's 1-based line number; identity+1 when absent. */
  lineNumbers?: ArrayLike<number>;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** 0-based line index and 0-based column of an offset. */
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo]! };
  }
  lineText(text: string, line: number): string {
    const start = this.starts[line] ?? 0;
    const next = this.starts[line + 1];
    return text.slice(start, next === undefined ? text.length : next - 1);
  }
}

export function toFindings(raws: RawFinding[], text: string, ctx: FindingContext): Finding[] {
  if (raws.length === 0) return [];
  const index = new LineIndex(text);
  const lineNo = (i: number) => (ctx.lineNumbers ? (ctx.lineNumbers[i] ?? i + 1) : i + 1);
  return raws.map((raw) => {
    const start = index.locate(raw.secretStart);
    const end = index.locate(Math.max(raw.secretStart, raw.secretEnd - 1));
    const tags = raw.decodedFrom.length ? [...raw.rule.tags, ...raw.decodedFrom.map((e) => `decoded:${e}`), `decode-depth:${raw.decodedFrom.length}`] : [...raw.rule.tags];
    const finding: Finding = {
      RuleID: raw.rule.id,
      Description: raw.rule.description,
      StartLine: lineNo(start.line),
      EndLine: lineNo(end.line),
      StartColumn: start.column + 1,
      EndColumn: end.column + 1,
      Match: raw.match,
      Secret: raw.secret,
      File: ctx.file,
      SymlinkFile: '',
      Commit: ctx.commit,
      Entropy: Math.round(raw.entropy * 1e4) / 1e4,
      Author: ctx.author ?? '',
      Email: ctx.email ?? '',
      Date: ctx.date ?? '',
      Message: ctx.message ?? '',
      Tags: tags,
      Fingerprint: '',
      Line: index.lineText(text, start.line),
    };
    finding.Fingerprint = fingerprint(finding);
    return finding;
  });
}
