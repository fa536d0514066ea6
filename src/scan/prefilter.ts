// The first, cheap pass over raw bytes: which lines could any rule report on? A line is kept when
// it holds a rule keyword, an encoded-looking run (base64, hex), a percent escape, an escaped
// string the decoder would undo, or could be a line of wrapped base64; every other line is
// dropped before it is ever decoded to a string. The engine then scans only the kept lines,
// joined, with their real line numbers. That gives the same findings as scanning the whole text,
// because a keyword rule's regex only ever runs over the lines holding its keyword hits, decoding
// only looks at runs within one line, and wrapped base64 is joined only across lines adjacent in
// the file (every line that could belong to such a block is kept). Two rule kinds need more: a
// multiline rule (PEM blocks) keeps its window's lines after its keyword's line, and a rule
// without keywords keeps every line.
//
// Written by hand over bytes because it touches every byte a push or a history adds: decoding
// all of them to UTF-16 and running the keyword and run finders over the strings was most of
// the scanner's time.
import type { KeywordMatcher } from './aho-corasick.ts';
import { escapedRunDecodes, escapesDecode, isStringChar, MAX_ESCAPED_LINE, MIN_BASE64_RUN, RUN_CLASS, runDecodes } from './decode.ts';

const PERCENT = 0x25;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const CR = 0x0d;

export interface PrefilterPlan {
  matcher: KeywordMatcher;
  /** Per keyword index: the longest window (lines after the keyword's line) of the multiline rules listing it; 0 for none. */
  keywordWindows: Int32Array;
  /** Per keyword index: base64-alphabet characters that must follow a hit for it to count (0: none). */
  keywordTails: Int32Array;
  /** Per keyword index: regexes one of which must match (sticky) right after a hit for it to count; null: none. */
  keywordThens: Array<RegExp[] | null>;
  /** Some rule has no keywords: every line is kept. */
  everyLine: boolean;
}

export class LinePrefilter {
  private readonly everyLine: boolean;
  private readonly classOf: Uint8Array;
  /** The DFA's rows (KeywordMatcher.rows), with a transition into a state where a keyword ends stored as ~row: one load a byte instead of two. */
  private readonly markedRows: Int32Array;
  /** row -> the longest multiline window of the keywords ending in that state (0: none). */
  private readonly rowWindow: Int32Array;
  /** row -> the shortest token tail of the keywords ending in that state (0: a hit always counts). */
  private readonly rowTail: Int32Array;
  /** row -> keywordThen regexes for the keywords ending in that state, where every one of them has some. */
  private readonly rowThens = new Map<number, RegExp[]>();
  private readonly anyMultiline: boolean;
  /** Lines still to keep after a multiline keyword's line. */
  private multilineLinesLeft = 0;
  /** Where escapedAt's look ended. */
  private escapedUntil = 0;

  constructor(plan: PrefilterPlan) {
    const { matcher } = plan;
    this.everyLine = plan.everyLine;
    this.classOf = matcher.classOf;
    this.markedRows = matcher.rows.map((row) => (matcher.rowHasOutput[row] === 1 ? ~row : row));
    this.rowWindow = new Int32Array(matcher.rowHasOutput.length);
    this.rowTail = new Int32Array(matcher.rowHasOutput.length);
    for (let row = 0; row < matcher.rowHasOutput.length; row += matcher.classes) {
      if (matcher.rowHasOutput[row] !== 1) continue;
      const keywords = [...matcher.outputsAt(row)];
      this.rowWindow[row] = Math.max(...keywords.map((k) => plan.keywordWindows[k]!));
      this.rowTail[row] = Math.min(...keywords.map((k) => plan.keywordTails[k]!));
      const thens = keywords.map((k) => plan.keywordThens[k]!);
      if (thens.every((t) => t !== null)) this.rowThens.set(row, [...new Set(thens.flat())]);
    }
    this.anyMultiline = plan.keywordWindows.some((w) => w > 0);
  }

  /** Call at the start of every new text (file): a multiline window never reaches into the next. */
  reset(): void {
    this.multilineLinesLeft = 0;
  }

  /** Whether the line bytes[start, end) (without its newline) must be scanned. Lines must come in order. */
  keep(bytes: Buffer, start: number, end: number): boolean {
    if (this.everyLine) return true;
    if (this.multilineLinesLeft > 0) {
      this.multilineLinesLeft--;
      return this.finishKept(bytes, start, end, 0);
    }
    // The loop holds only the per-byte work; rare events (a keyword, a long run, a "%" or "\") go to methods of their own.
    const classOf = this.classOf;
    const rows = this.markedRows;
    const runClass = RUN_CLASS;
    let row = 0;
    // The current run of base64 characters, kept without branches. The decoder only looks inside
    // runs of 24 or more that hold a digit, + or / (its base64 runs need one; hex-encoded text is
    // at least 32 characters and always has digits, since printable ASCII is 0x20-0x7e): those
    // rare runs get its exact check.
    let base64Run = 0;
    let lastMark = -1;
    let checkedUntil = start;
    let escapedUntil = start;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      row = rows[row + classOf[c]!]!;
      if (row < 0) {
        row = ~row;
        if (this.hitCounts(bytes, start, i, end, row)) return this.finishKept(bytes, i + 1, end, row);
      }
      const cls = runClass[c]!;
      base64Run = (base64Run + 1) & -(cls & 1);
      lastMark = cls & 8 ? i : lastMark;
      if ((base64Run >= MIN_BASE64_RUN && i >= checkedUntil && i - lastMark < base64Run) || cls & 16) {
        if (c === BACKSLASH) {
          // An escape in text already checked needs no look.
          if (i < escapedUntil || !isEscape(bytes, i, end)) continue;
          if (this.escapedAt(bytes, start, i, end)) return this.finishKept(bytes, i + 1, end, row);
          escapedUntil = this.escapedUntil;
          continue;
        }
        const next = this.encodedAt(bytes, i, end, base64Run, checkedUntil);
        if (next < 0) return this.finishKept(bytes, i + 1, end, row);
        checkedUntil = next;
      }
    }
    // Not kept for itself, but wrapped base64 joins it with its neighbours; no keyword here counts.
    return end > start && (runClass[bytes[end - 1]!]! & 32) !== 0 && blockLine(bytes, start, end);
  }

  /** A keyword ends at i: does it count (token tail), and does it open a multiline window? */
  private hitCounts(bytes: Buffer, lineStart: number, i: number, end: number, row: number): boolean {
    const tail = this.rowTail[row]!;
    if (tail > 0 && tailLength(bytes, i + 1, end, tail) < tail) return false;
    const thens = this.rowThens.get(row);
    if (thens && !thenMatches(thens, bytes, lineStart, i + 1, end)) return false;
    if (this.rowWindow[row]! > 0) this.startMultiline(this.rowWindow[row]!);
    return true;
  }

  /**
   * At i a long base64 run with a mark, or a "%": -1 when the decoder would take something here,
   * else how far the run has been checked.
   */
  private encodedAt(bytes: Buffer, i: number, end: number, base64Run: number, checkedUntil: number): number {
    if (bytes[i] === PERCENT) {
      if (i + 2 < end && RUN_CLASS[bytes[i + 1]!]! & 4 && RUN_CLASS[bytes[i + 2]!]! & 4) return -1;
      if (base64Run < MIN_BASE64_RUN) return checkedUntil;
    }
    const runStart = i + 1 - base64Run;
    let runEnd = i + 1;
    while (runEnd < end && RUN_CLASS[bytes[runEnd]!]! & 1) runEnd++;
    let withPadding = runEnd;
    while (withPadding < end && withPadding - runEnd < 2 && bytes[withPadding] === EQUALS) withPadding++;
    return runDecodes(bytes.toString('latin1', runStart, withPadding)) ? -1 : runEnd;
  }

  /**
   * At i an escape (\u, \x, \/): whether the decoder keeps escaped text here (decode.ts
   * collectEscapes); sets escapedUntil to the end of what was checked. A line of up to 3 x
   * MAX_ESCAPED_LINE bytes may be short enough in characters to be unescaped whole: it is decoded
   * and checked as the decoder checks it. A longer one is longer in characters too (a character
   * takes at most 3 bytes), so only the run around the escape is decoded.
   */
  private escapedAt(bytes: Buffer, start: number, i: number, end: number): boolean {
    if (end - start <= 3 * MAX_ESCAPED_LINE) {
      this.escapedUntil = end;
      return escapesDecode(bytes.toString('utf8', start, end));
    }
    let from = i;
    while (from > start && isStringChar(bytes[from - 1]!)) from--;
    this.escapedUntil = escapedRunEnd(bytes, i, end);
    return escapedRunDecodes(bytes.toString('utf8', from, this.escapedUntil));
  }

  /** A multiline keyword ends on this line: keep the window's lines after it. */
  private startMultiline(lines: number): void {
    if (lines > this.multilineLinesLeft) this.multilineLinesLeft = lines;
  }

  /** The rest of a line already kept only matters if a multiline keyword ends in it. Returns true. */
  private finishKept(bytes: Buffer, start: number, end: number, row: number): boolean {
    if (!this.anyMultiline) return true;
    const classOf = this.classOf;
    const rows = this.markedRows;
    for (let i = start; i < end; i++) {
      row = rows[row + classOf[bytes[i]!]!]!;
      if (row < 0) {
        row = ~row;
        if (this.rowWindow[row]! > 0) this.startMultiline(this.rowWindow[row]!);
      }
    }
    return true;
  }
}

/**
 * Whether one of the regexes matches at start, seeing the line's text as the scan will (UTF-8):
 * 16 characters or more before (within the line), 512 after. Most hits are settled by a short
 * look; only one that fails where the look was cut short gets the long one.
 */
function thenMatches(thens: RegExp[], bytes: Buffer, lineStart: number, start: number, end: number): boolean {
  const before = bytes.toString('utf8', Math.max(lineStart, start - 64), start);
  const test = (reach: number): boolean => {
    const text = before + bytes.toString('utf8', start, Math.min(end, start + reach));
    for (const then of thens) {
      then.lastIndex = before.length;
      if (then.test(text)) return true;
    }
    return false;
  };
  // A UTF-16 unit takes at most 3 bytes, so 1,536 bytes hold 512 characters.
  return test(160) || (end > start + 160 && test(1536));
}

/** Whether a backslash at i starts an escape the decoder looks for (decode.ts isEscapeAt): \uXXXX, \u{X}, \xXX or \/. */
function isEscape(bytes: Buffer, i: number, end: number): boolean {
  const next = i + 1 < end ? bytes[i + 1] : 0;
  if (next === 0x2f) return true;
  if (next === 0x78 /* x */) return hexDigits(bytes, i + 2, 2, end);
  if (next !== 0x75 /* u */) return false;
  if (bytes[i + 2] !== 0x7b /* { */) return hexDigits(bytes, i + 2, 4, end);
  let close = i + 3;
  while (close < end && close < i + 10 && RUN_CLASS[bytes[close]!]! & 4) close++;
  return close > i + 3 && close < i + 10 && close < end && bytes[close] === 0x7d /* } */;
}

/** Where the run of an escaped string that goes on from i ends (decode.ts escapedRunEnd): at whitespace or an unescaped quote. */
function escapedRunEnd(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c === BACKSLASH) {
      if (i + 1 >= end || bytes[i + 1]! <= 32) break;
      i += 2;
    } else if (isStringChar(c)) i++;
    else break;
  }
  return Math.min(i, end);
}

function hexDigits(bytes: Buffer, from: number, count: number, end: number): boolean {
  if (from + count > end) return false;
  for (let i = from; i < from + count; i++) if (!(RUN_CLASS[bytes[i]!]! & 4)) return false;
  return true;
}

/**
 * Whether the line could be one of wrapped base64 (decode.ts blockBody, over bytes): base64-alphabet
 * characters, maybe indented, maybe = padded, maybe ending in a line continuation (\) and a \r.
 * Looks back from the line's end, so most lines are settled by their last character.
 */
function blockLine(bytes: Buffer, start: number, end: number): boolean {
  let i = end;
  if (i > start && bytes[i - 1] === CR) i--;
  if (i > start && bytes[i - 1] === BACKSLASH) i--;
  while (i > start && isBlank(bytes[i - 1]!)) i--;
  const bodyEnd = i;
  while (i > start && bodyEnd - i < 2 && bytes[i - 1] === EQUALS) i--;
  const alphabetEnd = i;
  while (i > start && RUN_CLASS[bytes[i - 1]!]! & 1) i--;
  if (i === alphabetEnd) return false;
  while (i > start && isBlank(bytes[i - 1]!)) i--;
  return i === start;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** How many base64-alphabet characters follow from start (counting stops at enough). */
function tailLength(bytes: Buffer, start: number, end: number, enough: number): number {
  const stop = Math.min(end, start + enough);
  let i = start;
  while (i < stop && RUN_CLASS[bytes[i]!]! & 1) i++;
  return i - start;
}

/** Kept lines of a whole text, for sources that hold it in memory (files, stdin). */
export function keptLines(prefilter: LinePrefilter, bytes: Buffer): { text: string; lineNumbers: number[] } {
  prefilter.reset();
  const lines: string[] = [];
  const lineNumbers: number[] = [];
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let nl = bytes.indexOf(10, start);
    if (nl === -1) nl = bytes.length;
    if (prefilter.keep(bytes, start, nl)) {
      lines.push(bytes.toString('utf8', start, nl));
      lineNumbers.push(line);
    }
    start = nl + 1;
    line++;
  }
  return { text: lines.join('\n'), lineNumbers };
}
