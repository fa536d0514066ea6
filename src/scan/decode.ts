// Finds segments that look encoded (base64, padded or not, also wrapped over several lines; hex;
// percent-encoding; backslash escapes in strings) and decodes them, so a key hidden as base64 in
// a YAML file, percent-encoded in a URL or written as \u escapes in JSON is still seen. Only
// decodings that come out as text are kept: random-looking base64 that decodes to bytes is not a
// hiding place worth rescanning.

export interface EncodedSegment {
  start: number;
  end: number;
  encoding: 'base64' | 'hex' | 'percent' | 'escape';
  decoded: string;
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
const URL_CHAR = /[\w.~+\-:=@/%]/;

// Character (and byte) classes for the one-pass run finders here and in prefilter.ts: 1 base64
// alphabet (standard and url-safe), 2 letter or digit, 4 hex digit, 8 digit or + or / (what
// encoded data has and identifiers lack), 16 % or \ (what starts a percent or string escape), 32
// what a line of wrapped base64 can end in (base64 alphabet, =, \, \r, blank). 0 for every code
// from 128 up.
export const RUN_CLASS = new Uint8Array(256);
const CLASS = RUN_CLASS;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLASS[c]! |= 1;
  if (/[A-Za-z0-9]/.test(ch)) CLASS[c]! |= 2;
  if (/[0-9a-fA-F]/.test(ch)) CLASS[c]! |= 4;
  if (/[0-9+/]/.test(ch)) CLASS[c]! |= 8;
  if (ch === '%' || ch === '\\') CLASS[c]! |= 16;
  if (/[A-Za-z0-9+/_\-=\\\r \t]/.test(ch)) CLASS[c]! |= 32;
}
const EQUALS = 61;
const CR = 13;
const BACKSLASH = 92;
/** The shortest runs worth decoding. */
export const MIN_BASE64_RUN = 24;
export const MIN_HEX_RUN = 32;
// Hex runs are found inside base64-alphabet runs at least MIN_BASE64_RUN long (here and in prefilter.ts).
if (MIN_HEX_RUN < MIN_BASE64_RUN) throw new Error('hex runs shorter than base64 runs need a finder of their own');

/**
 * lineNumbers: the file's line number of each line of text, when text holds only some of the
 * file's lines (the prefilter's kept lines, a commit's added lines); wrapped base64 is joined only
 * across lines adjacent in the file.
 */
export function findEncodedSegments(text: string, lineNumbers?: ArrayLike<number>): EncodedSegment[] {
  const out: EncodedSegment[] = [];
  // Wrapped blocks first: what they reveal is reported at the block rather than at one of its lines.
  collectBlocks(text, lineNumbers, out);
  collectRuns(text, out);
  if (text.includes('%')) collectPercent(text, out);
  if (text.includes('\\')) collectEscapes(text, out, false);
  return out;
}

/**
 * Base64 runs (24+ characters, optionally = padded) and hex runs (32+ hex digits between
 * non-alphanumerics). Written by hand: the equivalent regexes retried from every position inside
 * every long identifier and were most of the scanner's time. Both kinds lie inside a run of
 * base64-alphabet characters at least 24 long, which are rare: a branch-free pass finds those,
 * and only they get the exact, slower look.
 */
function collectRuns(text: string, out: EncodedSegment[]): void {
  const length = text.length;
  let run = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    run = (run + 1) & -((c < 256 ? CLASS[c]! : 0) & 1);
    if (run === MIN_BASE64_RUN) {
      const start = i + 1 - run;
      let end = i + 1;
      while (end < length) {
        const d = text.charCodeAt(end);
        if (d >= 256 || !(CLASS[d]! & 1)) break;
        end++;
      }
      collectRunsIn(text, start, end, out);
      i = end; // text[end] is outside the alphabet: the next run starts after it
      run = 0;
    }
  }
}

/**
 * Whether one whole run of base64-alphabet characters (with the up to two "=" after it) holds a
 * segment the decoder would keep: the prefilter's exact check for its rare long runs.
 */
export function runDecodes(run: string): boolean {
  const out: EncodedSegment[] = [];
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === EQUALS) end--;
  collectRunsIn(run, 0, end, out);
  return out.length > 0;
}

/** The exact look at one whole run of base64-alphabet characters, text[from, to). */
function collectRunsIn(text: string, from: number, to: number, out: EncodedSegment[]): void {
  let b64Start = -1;
  let b64Marked = false;
  let alnumStart = -1;
  let allHex = true;
  const length = text.length;
  for (let i = from; i <= to; i++) {
    const c = i < length ? text.charCodeAt(i) : 0;
    const cls = c < 256 ? CLASS[c]! : 0;
    if (cls & 2) {
      if (alnumStart === -1) {
        alnumStart = i;
        allHex = true;
      }
      if (!(cls & 4)) allHex = false;
    } else if (alnumStart !== -1) {
      // A hex run must not touch letters or digits on either side.
      if (allHex && i - alnumStart >= MIN_HEX_RUN && (i - alnumStart) % 2 === 0) addSegment(text, alnumStart, i, 'hex', decodeHex, out);
      alnumStart = -1;
    }
    if (cls & 1) {
      if (b64Start === -1) {
        b64Start = i;
        b64Marked = false;
      }
      if (cls & 8) b64Marked = true;
    } else if (b64Start !== -1) {
      let end = i;
      while (end < length && end - i < 2 && text.charCodeAt(end) === EQUALS) end++;
      // Encoded data has digits or +/ (identifiers and words seldom do). Any length: unpadded
      // base64 and base64url end mid-group.
      if (i - b64Start >= MIN_BASE64_RUN && b64Marked && base64IsText(text, b64Start, i)) addSegment(text, b64Start, end, 'base64', decodeBase64, out);
      b64Start = -1;
    }
  }
}

function addSegment(text: string, start: number, end: number, encoding: EncodedSegment['encoding'], decode: (s: string) => string | null, out: EncodedSegment[]): void {
  const raw = text.slice(start, end);
  const decoded = decode(raw);
  if (decoded !== null && decoded !== raw && isMostlyText(decoded)) out.push({ start, end, encoding, decoded });
}

/** Percent-encoded runs: found from their escapes (rare) rather than by scanning every word. */
function collectPercent(text: string, out: EncodedSegment[]): void {
  PERCENT_ESCAPE.lastIndex = 0;
  let covered = -1;
  let m: RegExpExecArray | null;
  while ((m = PERCENT_ESCAPE.exec(text)) !== null) {
    if (m.index < covered) continue;
    let start = m.index;
    while (start > 0 && URL_CHAR.test(text[start - 1]!)) start--;
    let end = m.index + 3;
    while (end < text.length && URL_CHAR.test(text[end]!)) end++;
    covered = end;
    const segment = text.slice(start, end);
    const decoded = decodePercent(segment);
    if (decoded !== null && decoded !== segment && isMostlyText(decoded)) out.push({ start, end, encoding: 'percent', decoded });
    PERCENT_ESCAPE.lastIndex = end;
  }
}

/**
 * Base64 wrapped over lines (PEM and MIME wrap at 64 or 76, anything else wraps anywhere): two or
 * more adjacent block lines (blockBody) are joined and decoded as one segment, which spans them.
 */
function collectBlocks(text: string, lineNumbers: ArrayLike<number> | undefined, out: EncodedSegment[]): void {
  let block: Body[] = [];
  /** The previous line, when it is a block line that a next line may continue (unpadded); else -1. */
  let open = -1;
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const body = blockBody(text, start, nl);
    if (body !== null && open === line - 1 && (!lineNumbers || lineNumbers[line] === lineNumbers[line - 1]! + 1)) block.push(body);
    else {
      if (block.length > 1) addBlock(text, block, out);
      block = body === null ? [] : [body];
    }
    open = body !== null && !body.padded ? line : -1;
    start = nl + 1;
  }
  if (block.length > 1) addBlock(text, block, out);
}

interface Body {
  start: number;
  end: number;
  padded: boolean;
}

/**
 * Where a line of wrapped base64 has its characters (padding included), or null if it is not
 * one: base64-alphabet characters, maybe indented, maybe = padded, maybe ending in a line
 * continuation (\\) and a \r. LinePrefilter's blockLine reads bytes the same way.
 */
export function blockBody(text: string, lineStart: number, lineEnd: number): Body | null {
  let i = lineEnd;
  if (i > lineStart && text.charCodeAt(i - 1) === CR) i--;
  if (i > lineStart && text.charCodeAt(i - 1) === BACKSLASH) i--;
  while (i > lineStart && isBlank(text.charCodeAt(i - 1))) i--;
  const end = i;
  while (i > lineStart && end - i < 2 && text.charCodeAt(i - 1) === EQUALS) i--;
  const padded = i < end;
  const alphabetEnd = i;
  while (i > lineStart && isBase64(text.charCodeAt(i - 1))) i--;
  if (i === alphabetEnd) return null;
  const start = i;
  while (i > lineStart && isBlank(text.charCodeAt(i - 1))) i--;
  return i === lineStart ? { start, end, padded } : null;
}

function addBlock(text: string, block: Body[], out: EncodedSegment[]): void {
  if (decodeBlock(text, block, out)) return;
  // Wrapped data is lines of one width and a last one no longer. A line next to it (a marker, a
  // word) spoils the joined whole: each such run of lines is tried on its own.
  const width = (b: Body): number => b.end - b.start;
  for (let first = 0; first < block.length; ) {
    let last = first;
    while (last + 1 < block.length && width(block[last + 1]!) === width(block[first]!)) last++;
    if (last + 1 < block.length && width(block[last + 1]!) < width(block[first]!)) last++;
    if (last > first && last - first + 1 < block.length) decodeBlock(text, block.slice(first, last + 1), out);
    first = last + 1;
  }
}

/** Decodes the lines joined, if that is text; a short line before them shifting the 4-character groups is allowed for. */
function decodeBlock(text: string, block: Body[], out: EncodedSegment[]): boolean {
  const joined = block.map((b) => text.slice(b.start, b.end)).join('');
  if (joined.length < MIN_BASE64_RUN || !hasMark(joined)) return false;
  let alphabetEnd = joined.length;
  while (joined.charCodeAt(alphabetEnd - 1) === EQUALS) alphabetEnd--;
  for (let skip = 0; skip < 4; skip++) {
    if (!base64IsText(joined, skip, alphabetEnd)) continue;
    const decoded = decodeBase64(skip ? joined.slice(skip) : joined);
    if (decoded !== null && isMostlyText(decoded)) {
      out.push({ start: block[0]!.start, end: block.at(-1)!.end, encoding: 'base64', decoded });
      return true;
    }
  }
  return false;
}

function hasMark(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 256 && CLASS[c]! & 8) return true;
  }
  return false;
}

const isBase64 = (c: number): boolean => c < 256 && (CLASS[c]! & 1) === 1;
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** What \n, \t, ... stand for; any other escaped character stands for itself. */
const SIMPLE_ESCAPES = new Map([...'ntrbfv0'].map((c, i) => [c.charCodeAt(0), [10, 9, 13, 8, 12, 11, 0][i]!]));

/**
 * Lines up to this long are unescaped whole, so a name next to an escaped value ("password":
 * "\u0068...") stays next to it; in longer lines (minified code) only the escaped string is.
 */
export const MAX_ESCAPED_LINE = 4096;

/**
 * Escaped text: for each \u, \x or \/ escape, its line unescaped, or in a long line the run around
 * the escape up to whitespace or an unescaped quote. Never more than one line. LinePrefilter asks
 * escapesDecode, or for a run in a long line finds it in bytes (escapedRunEnd) and asks
 * escapedRunDecodes.
 */
function collectEscapes(text: string, out: EncodedSegment[], firstOnly: boolean): void {
  let lineStart = 0;
  let lineEnd = -1;
  for (let at = text.indexOf('\\'); at !== -1; ) {
    if (!isEscapeAt(text, at)) {
      at = text.indexOf('\\', at + 1);
      continue;
    }
    if (at > lineEnd) {
      lineStart = text.lastIndexOf('\n', at) + 1;
      lineEnd = text.indexOf('\n', at);
      if (lineEnd === -1) lineEnd = text.length;
    }
    let start = lineStart;
    let end = lineEnd;
    if (lineEnd - lineStart <= MAX_ESCAPED_LINE) {
      if (end > start && text.charCodeAt(end - 1) === CR) end--;
    } else {
      start = at;
      while (start > lineStart && isStringChar(text.charCodeAt(start - 1))) start--;
      end = escapedRunEnd(text, at, lineEnd);
    }
    // Unescaping never lengthens text: a run too short to be text after it needs no look.
    const raw = end - start >= 8 ? text.slice(start, end) : '';
    const decoded = raw && unescapedText(raw);
    if (decoded && decoded !== raw) {
      out.push({ start, end, encoding: 'escape', decoded });
      if (firstOnly) return;
    }
    at = text.indexOf('\\', Math.max(end, at + 1));
  }
}

/** Whether text[i] (a backslash) starts \uXXXX, \u{X}, \xXX or \/: what marks text as escaped (JSON, JavaScript). */
function isEscapeAt(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  if (next === 0x2f /* / */) return true;
  if (next === 0x78 /* x */) return hexValue(text, i + 2, 2) >= 0;
  if (next !== 0x75 /* u */) return false;
  if (text.charCodeAt(i + 2) !== 0x7b /* { */) return hexValue(text, i + 2, 4) >= 0;
  let close = i + 3;
  while (close < i + 10 && close < text.length && text.charCodeAt(close) !== 0x7d /* } */) close++;
  return close > i + 3 && text.charCodeAt(close) === 0x7d && hexValue(text, i + 3, close - i - 3) >= 0;
}

/** Where the run of an escaped string that goes on from i ends: at whitespace or an unescaped quote. */
function escapedRunEnd(text: string, i: number, to: number): number {
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      // An escaped quote does not end the string; an escaped blank or line end is not an escape.
      if (i + 1 >= to || text.charCodeAt(i + 1) <= 32) break;
      i += 2;
    } else if (isStringChar(c)) i++;
    else break;
  }
  return Math.min(i, to);
}

/** Whether the decoder keeps escaped text in this line: the prefilter's exact check for a line with an escape. */
export function escapesDecode(line: string): boolean {
  const out: EncodedSegment[] = [];
  collectEscapes(line, out, true);
  return out.length > 0;
}

/** Whether the decoder keeps an escaped run of a long line (one collectEscapes found): the prefilter's exact check. */
export function escapedRunDecodes(raw: string): boolean {
  const decoded = raw.length >= 8 ? unescapedText(raw) : null;
  return decoded !== null && decoded !== raw;
}

/** Not whitespace and not a quote (also as a UTF-8 byte: every byte of a multi-byte character is one). */
export function isStringChar(c: number): boolean {
  return c > 32 && c !== 34 && c !== 39 && c !== 96;
}

let units = new Uint16Array(256);

/**
 * s with its escapes undone (\uXXXX, \u{X}, \xXX, \n and the like, \<c> for c), if that is text
 * (isMostlyText); else null, decided without building the string and given up as soon as too
 * many characters are not text.
 */
function unescapedText(s: string): string | null {
  if (units.length < s.length) units = new Uint16Array(s.length * 2);
  const allowed = notTextAllowed(s.length); // the result is never longer than s
  let length = 0;
  let notText = 0;
  for (let i = 0; i < s.length; ) {
    let unit = s.charCodeAt(i);
    let next = i + 1;
    if (unit === BACKSLASH && i + 1 < s.length) {
      const c = s.charCodeAt(i + 1);
      const point = c === 0x75 /* u */ ? escapedPoint(s, i + 2) : c === 0x78 /* x */ ? hexValue(s, i + 2, 2) : -1;
      if (c === 0x75 && point >= 0) next = s.charCodeAt(i + 2) === 0x7b /* { */ ? s.indexOf('}', i + 3) + 1 : i + 6;
      else if (c === 0x78 && point >= 0) next = i + 4;
      if (point > 0xffff) {
        units[length++] = 0xd800 + ((point - 0x10000) >> 10);
        unit = 0xdc00 + ((point - 0x10000) & 0x3ff);
        notText++;
      } else if (point >= 0) unit = point;
      else {
        unit = SIMPLE_ESCAPES.get(c) ?? c;
        next = i + 2;
      }
    }
    units[length++] = unit;
    if (!isTextCode(unit) && ++notText > allowed) return null;
    i = next;
  }
  if (length < 8 || notText > notTextAllowed(length)) return null;
  let out = '';
  for (let i = 0; i < length; i += 8192) out += String.fromCharCode(...units.subarray(i, Math.min(length, i + 8192)));
  return out;
}

/** The code point of \u escape's digits at i: XXXX or {X..X} (at most 10FFFF); -1 if there is none. */
function escapedPoint(s: string, i: number): number {
  if (s.charCodeAt(i) !== 0x7b /* { */) return hexValue(s, i, 4);
  let close = i + 1;
  while (close < i + 8 && close < s.length && s.charCodeAt(close) !== 0x7d /* } */) close++;
  if (close < i + 2 || close > i + 7 || close >= s.length) return -1;
  const point = hexValue(s, i + 1, close - i - 1);
  return point <= 0x10ffff ? point : -1;
}

/** The value of count hex digits at s[i]; -1 unless all are hex digits. */
function hexValue(s: string, i: number, count: number): number {
  if (i + count > s.length) return -1;
  let value = 0;
  for (let j = i; j < i + count; j++) {
    const c = s.charCodeAt(j);
    if (c >= 256 || !(CLASS[c]! & 4)) return -1;
    value = value * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return value;
}

/** Base64 character (either alphabet) -> its six bits. */
const BASE64_VALUE = new Uint8Array(256);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((c, i) => (BASE64_VALUE[c.charCodeAt(0)] = i));
BASE64_VALUE[0x2d /* - */] = 62;
BASE64_VALUE[0x5f /* _ */] = 63;

/**
 * Whether the base64 characters s[start, end) (no padding) decode to text (isMostlyText) without
 * decoding them: most long runs are not text and are given up within their first groups.
 */
function base64IsText(s: string, start: number, end: number): boolean {
  const length = Math.floor(((end - start) * 6) / 8);
  if (length < 8) return false;
  let allowed = notTextAllowed(length);
  let bits = 0;
  let acc = 0;
  for (let i = start; i < end; i++) {
    acc = ((acc << 6) | BASE64_VALUE[s.charCodeAt(i) & 0xff]!) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!isTextCode((acc >> bits) & 0xff) && --allowed < 0) return false;
    }
  }
  return true;
}

function decodeBase64(s: string): string | null {
  // Node reads the url-safe alphabet (- and _) as well.
  return Buffer.from(s, 'base64').toString('latin1');
}

function decodeHex(s: string): string | null {
  return Buffer.from(s, 'hex').toString('latin1');
}

function decodePercent(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Printable ASCII plus tab/newline for at least 95% of the characters. */
export function isMostlyText(s: string): boolean {
  if (s.length < 8) return false;
  // Stops as soon as more than 5% are not text: a large binary decoding is rejected early.
  let allowed = notTextAllowed(s.length);
  for (let i = 0; i < s.length; i++) if (!isTextCode(s.charCodeAt(i)) && --allowed < 0) return false;
  return true;
}

function isTextCode(c: number): boolean {
  return (c >= 32 && c < 127) || c === 9 || c === 10 || c === 13;
}

/** How many of length characters may be other than text, for at least 95% text. */
function notTextAllowed(length: number): number {
  let allowed = Math.floor(length * 0.05);
  while (allowed > 0 && (length - allowed) / length < 0.95) allowed--;
  while ((length - allowed - 1) / length >= 0.95) allowed++;
  return allowed;
}
