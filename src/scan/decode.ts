// Finds segments that look encoded (base64, hex, percent-encoding) and decodes them, so a key
// hidden as base64 in a YAML file or percent-encoded in a URL is still seen. Only decodings
// that come out as text are kept: random-looking base64 that decodes to bytes is not a hiding
// place worth rescanning.

export interface EncodedSegment {
  start: number;
  end: number;
  encoding: 'base64' | 'hex' | 'percent';
  decoded: string;
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
const URL_CHAR = /[\w.~+\-:=@/%]/;

// Character classes for the one-pass run finder: 1 base64 alphabet (standard and url-safe),
// 2 letter or digit, 4 hex digit, 8 digit or + or / (what encoded data has and identifiers lack).
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLASS[c]! |= 1;
  if (/[A-Za-z0-9]/.test(ch)) CLASS[c]! |= 2;
  if (/[0-9a-fA-F]/.test(ch)) CLASS[c]! |= 4;
  if (/[0-9+/]/.test(ch)) CLASS[c]! |= 8;
}
const EQUALS = 61;

export function findEncodedSegments(text: string): EncodedSegment[] {
  const out: EncodedSegment[] = [];
  collectRuns(text, out);
  if (text.includes('%')) collectPercent(text, out);
  return out;
}

/**
 * Base64 runs (24+ characters, optionally = padded) and hex runs (32+ hex digits between
 * non-alphanumerics), found in one pass over the text. Written by hand: the equivalent regexes
 * retried from every position inside every long identifier and were most of the scanner's time.
 */
function collectRuns(text: string, out: EncodedSegment[]): void {
  let b64Start = -1;
  let b64Marked = false;
  let alnumStart = -1;
  let allHex = true;
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? text.charCodeAt(i) : 0;
    const cls = c < 128 ? CLASS[c]! : 0;
    if (cls & 2) {
      if (alnumStart === -1) {
        alnumStart = i;
        allHex = true;
      }
      if (!(cls & 4)) allHex = false;
    } else if (alnumStart !== -1) {
      // A hex run must not touch letters or digits on either side.
      if (allHex && i - alnumStart >= 32 && (i - alnumStart) % 2 === 0) addSegment(text, alnumStart, i, 'hex', decodeHex, out);
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
      // Encoded data comes in whole 4-character groups (or padded) and has digits or +/;
      // identifiers and words seldom pass both, and are not worth decoding.
      if (i - b64Start >= 24 && b64Marked && (end > i || (i - b64Start) % 4 === 0)) addSegment(text, b64Start, end, 'base64', decodeBase64, out);
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

function decodeBase64(s: string): string | null {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
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
  let printable = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) printable++;
  }
  return printable / s.length >= 0.95;
}
