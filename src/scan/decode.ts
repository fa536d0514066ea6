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

const BASE64 = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}){16,}\b/g;
const PERCENT = /[\w.~+\-:=@/]*%[0-9A-Fa-f]{2}(?:[\w.~+\-:=@/]|%[0-9A-Fa-f]{2})*/g;

export function findEncodedSegments(text: string): EncodedSegment[] {
  const out: EncodedSegment[] = [];
  collect(text, BASE64, 'base64', decodeBase64, out);
  collect(text, HEX, 'hex', decodeHex, out);
  if (text.includes('%')) collect(text, PERCENT, 'percent', decodePercent, out);
  return out;
}

function collect(text: string, pattern: RegExp, encoding: EncodedSegment['encoding'], decode: (s: string) => string | null, out: EncodedSegment[]): void {
  pattern.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(text)) !== null) {
    const decoded = decode(m[0]);
    if (decoded !== null && decoded !== m[0] && isMostlyText(decoded)) {
      out.push({ start: m.index, end: m.index + m[0].length, encoding, decoded });
    }
  }
}

function decodeBase64(s: string): string | null {
  // A run of letters only (an identifier, a word) is not base64 worth decoding.
  // (Two separate tests: /[A-Z].*[a-z]/ backtracks quadratically on long one-case runs.)
  if (!/[0-9+/_=-]/.test(s) && !(/[A-Z]/.test(s) && /[a-z]/.test(s))) return null;
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
