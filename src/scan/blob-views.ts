// Turns one blob's bytes into the texts the scanner reads: the bytes themselves for text, a
// decoded copy for UTF-16 and UTF-32, printable runs for other binaries, and, recursively, what
// gzip, zlib, zstd, zip and tar hold (and the FlateDecode streams of a PDF, the compressed text
// chunks of a PNG), and the printable runs of what a container reader passes over.
//
// The input is an attacker's. Every expansion runs through zlib with maxOutputLength; every size
// and offset an archive declares is checked against the bytes that are really there; a limit hit
// is an Unreadable, never a silent cut. Zip and tar are read here by hand, not with a library:
// the libraries trust the sizes and offsets archives declare. Nothing here touches the file
// system; member names are only labels.
//
// Layers: gunzipping, inflating a zlib stream or a PDF stream, and opening a zip or tar each
// count one layer. The blob is at depth 0; a .tar.gz in a .zip has its tar members at depth 3
// (zip, gzip, tar). A layer is opened only while depth < maxDepth.
import * as zlib from 'node:zlib';

export interface BlobViewLimits {
  /**
   * Largest single view (decoded text, printable runs, an extracted member read as text), bytes.
   * The blob's own bytes are not cut (the caller has them, and its own size limit). An extracted
   * member that is itself an archive or compressed is not a view: maxExpandedBytes bounds it.
   */
  maxViewBytes: number;
  /** All bytes expanded out of one blob (archives, compression) together. */
  maxExpandedBytes: number;
  /** Most archive members read from one blob, nested ones included. */
  maxMembers: number;
  /** How many archive/compression layers may be opened one inside another (see the top of this file). */
  maxDepth: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_BLOB_VIEW_LIMITS: BlobViewLimits = Object.freeze({
  maxViewBytes: 10 * MiB,
  maxExpandedBytes: 64 * MiB,
  maxMembers: 10_000,
  maxDepth: 4,
});

export interface BlobView {
  /** Where inside the blob: '' for the blob itself; 'dir/a.txt' for a zip/tar member; nested members joined with '!/'; a gunzipped payload: its name from the gzip header, else '(gunzipped)'. */
  member: string;
  /** How the bytes were read: 'text' (as they are), 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' (decoded to UTF-8), 'strings' (printable runs), 'passed-over' (printable runs of what a container or decoder did not hand on). Containers are named by `member`, never by kind. */
  kind: string;
  /** UTF-8 (or raw, for 'text') bytes to scan as a text. */
  bytes: Buffer;
}

export interface Unreadable {
  member: string;
  /** Said to the pusher. */
  reason: string;
}

/**
 * The texts to scan for one blob. Plain text (no NUL, no known magic number) is one 'text' view
 * of `content` itself, found with one indexOf and a look at the first bytes. The blob's own bytes
 * are given whole whatever their size (the caller has them and its own size limit); the limits
 * bound what is decoded, extracted and expanded here.
 */
export function blobViews(content: Buffer, limits: BlobViewLimits = DEFAULT_BLOB_VIEW_LIMITS): { views: BlobView[]; unreadable: Unreadable[] } {
  if (content.indexOf(0) === -1 && sniff(content) === null) return { views: [{ member: '', kind: 'text', bytes: content }], unreadable: [] };
  const walk = new Walk(limits);
  read(walk, content, '', 0);
  return { views: walk.views, unreadable: walk.unreadable };
}

class Walk {
  readonly limits: BlobViewLimits;
  readonly views: BlobView[] = [];
  readonly unreadable: Unreadable[] = [];
  expanded = 0;
  members = 0;

  constructor(limits: BlobViewLimits) {
    this.limits = limits;
  }

  view(member: string, kind: string, bytes: Buffer): void {
    this.views.push({ member, kind, bytes });
  }

  cannot(member: string, reason: string): void {
    this.unreadable.push({ member, reason });
  }

  /** Counts one archive member; false once maxMembers have been read. */
  takeMember(): boolean {
    if (this.members >= this.limits.maxMembers) return false;
    this.members++;
    return true;
  }

  get membersLeft(): number {
    return this.limits.maxMembers - this.members;
  }

  tooManyMembers(container: string): void {
    this.cannot(container, `more than ${this.limits.maxMembers} archive members`);
  }

  /**
   * Runs a zlib-family expansion bounded by what is left of the blob's budget: an expanded member
   * may be a .tar inside a .gz, larger than any one view. A limit hit is reported here (and the
   * bytes zlib produced before stopping are charged to the budget, so a thousand bombs cost one
   * budget); a data error is returned as its zlib code for the caller.
   */
  expand(member: string, run: (maxOutputLength: number) => Buffer): Buffer | { error: string } | null {
    const limit = size(this.limits.maxExpandedBytes);
    const cap = this.limits.maxExpandedBytes - this.expanded;
    if (cap <= 0) {
      this.cannot(member, `not read: the blob already expanded to ${limit}, the limit`);
      return null;
    }
    const bomb = this.expanded === 0 ? `expands past ${limit} (compression bomb?)` : `expands past what is left of the blob's ${limit} (compression bomb?)`;
    try {
      const out = run(cap);
      this.expanded += out.length;
      return out;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        this.expanded += cap;
        this.cannot(member, bomb);
        return null;
      }
      if (typeof code === 'string') return { error: code };
      throw e;
    }
  }

  /** Room for a layer inside `member` at `depth`; when there is none, says so and reads the bytes as they are. */
  canOpen(b: Buffer, member: string, depth: number): boolean {
    if (depth < this.limits.maxDepth) return true;
    this.cannot(member, `archives or compression nested more than ${this.limits.maxDepth} deep`);
    plain(this, b, member, depth, true);
    return false;
  }
}

function size(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

function join(container: string, name: string): string {
  return container === '' ? name : `${container}!/${name}`;
}

// ---- Recognising what the bytes are --------------------------------------------------------

type Unicode = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';
type Magic = Unicode | 'gzip' | 'zip' | 'zstd' | 'pdf' | 'png' | 'zlib' | 'xz' | 'bzip2' | 'lzip' | 'compress' | 'lz4' | '7z' | 'rar';

const CANNOT_OPEN: Partial<Record<Magic, string>> = {
  xz: 'xz-compressed: the gate cannot read it',
  bzip2: 'bzip2-compressed: the gate cannot read it',
  lzip: 'lzip-compressed: the gate cannot read it',
  compress: 'compress (.Z) data: the gate cannot read it',
  lz4: 'lz4-compressed: the gate cannot read it',
  '7z': '7z archive: the gate cannot read it',
  rar: 'rar archive: the gate cannot read it',
};

const BOM_BYTES: Record<Unicode, number> = { 'utf-16le': 2, 'utf-16be': 2, 'utf-32le': 4, 'utf-32be': 4 };

function startsWith(b: Buffer, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** What the first bytes say. Cheap: this runs on every blob. */
function sniff(b: Buffer): Magic | null {
  if (b.length < 2) return null;
  const c0 = b[0]!;
  const c1 = b[1]!;
  switch (c0) {
    case 0xff:
      if (c1 !== 0xfe) return null;
      // FF FE 00 00 is also UTF-16LE starting with U+0000; a length that UTF-32 allows decides.
      return b.length >= 4 && b[2] === 0 && b[3] === 0 && b.length % 4 === 0 ? 'utf-32le' : 'utf-16le';
    case 0xfe:
      return c1 === 0xff ? 'utf-16be' : null;
    case 0x00:
      return startsWith(b, [0, 0, 0xfe, 0xff]) ? 'utf-32be' : null;
    case 0x1f:
      return c1 === 0x8b ? 'gzip' : c1 === 0x9d ? 'compress' : null;
    case 0x50: // PK: local header, empty archive, spanned archive
      return c1 === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6) || (b[2] === 7 && b[3] === 8)) ? 'zip' : null;
    case 0x28:
      if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
      break;
    case 0x25:
      return startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) ? 'pdf' : null; // %PDF-
    case 0x89:
      return startsWith(b, PNG_SIGNATURE) ? 'png' : null;
    case 0xfd:
      return startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) ? 'xz' : null;
    case 0x42: // BZh1-9, then the block magic (pi) or the end-of-stream magic (sqrt pi)
      return startsWith(b, [0x42, 0x5a, 0x68]) && b.length >= 10 && b[3]! >= 0x31 && b[3]! <= 0x39 && (startsWith(b, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) || startsWith(b, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)) ? 'bzip2' : null;
    case 0x4c:
      return startsWith(b, [0x4c, 0x5a, 0x49, 0x50]) ? 'lzip' : null; // LZIP
    case 0x04:
      return startsWith(b, [0x04, 0x22, 0x4d, 0x18]) ? 'lz4' : null;
    case 0x37:
      return startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) ? '7z' : null;
    case 0x52:
      return startsWith(b, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) ? 'rar' : null; // Rar!
  }
  return isZlibHeader(c0, c1) ? 'zlib' : null;
}

/** RFC 1950: deflate with a window of at most 32 KiB, header check, no preset dictionary. */
function isZlibHeader(cmf: number, flg: number): boolean {
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

function read(w: Walk, b: Buffer, path: string, depth: number): void {
  if (b.length === 0) return;
  const magic = sniff(b);
  switch (magic) {
    case 'utf-16le':
    case 'utf-16be':
    case 'utf-32le':
    case 'utf-32be':
      decoded(w, b, path, magic, BOM_BYTES[magic]);
      // A BOM over bytes without a NUL is not what a UTF-16/32 editor writes (every ASCII
      // character has a zero byte): the raw bytes are what something else would read. With NULs,
      // the runs catch raw ASCII among the UTF-16 and UTF-16 one byte off the BOM's alignment.
      if (b.indexOf(0) === -1) textView(w, b, path, depth);
      else passedOver(w, b, path, [], magic);
      return;
    case 'gzip':
      if (w.canOpen(b, path, depth)) openGzip(w, b, path, depth);
      return;
    case 'zip':
      if (w.canOpen(b, path, depth)) openZip(w, b, path, depth, zipDirectory(b));
      return;
    case 'zstd':
      if (w.canOpen(b, path, depth)) openZstd(w, b, path, depth);
      return;
    case 'pdf':
      if (w.canOpen(b, path, depth)) openPdf(w, b, path, depth);
      return;
    case 'png':
      if (w.canOpen(b, path, depth)) openPng(w, b, path, depth);
      return;
    case 'zlib':
      // Two bytes are a weak sign (text can start with "x^"): whatever comes of it, the bytes
      // are also read as they are below.
      if (depth < w.limits.maxDepth) tryZlib(w, b, path, depth);
      break;
    case null:
      break;
    default: {
      w.cannot(path, CANNOT_OPEN[magic]!);
      plain(w, b, path, depth, true);
      return;
    }
  }
  if (b.indexOf(0) === -1) {
    // Tar and zip members are either stored (then they are in these bytes) or deflated (then
    // their headers hold a zero byte: method 8 is 08 00), so NUL-free bytes are text.
    textView(w, b, path, depth);
    return;
  }
  if (isTarHeader(b, 0)) {
    if (w.canOpen(b, path, depth)) openTar(w, b, path, depth);
    return;
  }
  // A zip that does not start at byte 0: a self-extractor, a script with an archive appended. A
  // broken end record counts only if there is a local header too: four bytes "PK\5\6" near the
  // end of some binary are not worth an Unreadable.
  const dir = zipDirectory(b);
  if (dir !== null && (typeof dir !== 'string' || b.indexOf(LOCAL_SIG) >= 0)) {
    if (w.canOpen(b, path, depth)) openZip(w, b, path, depth, dir);
    return;
  }
  const unicode = unicodeWithoutBom(b);
  if (unicode !== null) {
    // The guess is made on the first 4 KiB at one alignment: the runs read the rest, raw ASCII
    // after it, and the first character of UTF-16 that starts one byte in.
    decoded(w, b, path, unicode, 0);
    passedOver(w, b, path, [], unicode);
    return;
  }
  plain(w, b, path, depth, false);
}

// ---- Text, binary, and printable runs --------------------------------------------------------

// A sample of the head and tail decides whether bytes with NULs are text with a few stray zero
// bytes or a binary: the share of bytes that are printable ASCII, tab/newline/CR/FF/ESC, or part
// of a well-formed UTF-8 sequence. Random or compressed data scores about 0.45, executables less,
// a text with a NUL in it nearly 1. From TEXT_FROM up the bytes are read as text only, below
// STRINGS_BELOW as printable runs only, and in between both ways: an extra view is cheap, a
// missed secret is not.
const SAMPLE_BYTES = 32 * KiB;
const TEXT_FROM = 0.95;
const STRINGS_BELOW = 0.75;

function textShare(b: Buffer): number {
  if (b.length <= 2 * SAMPLE_BYTES) return textBytes(b, 0, b.length) / b.length;
  return (textBytes(b, 0, SAMPLE_BYTES) + textBytes(b, b.length - SAMPLE_BYTES, b.length)) / (2 * SAMPLE_BYTES);
}

function textBytes(b: Buffer, start: number, end: number): number {
  let text = 0;
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      if (TEXTLIKE[c]) text++;
      i++;
      continue;
    }
    const n = utf8Sequence(b, i, end);
    if (n > 0) {
      text += n;
      i += n;
    } else i++;
  }
  return text;
}

/** Length of the well-formed UTF-8 sequence at i, or 0. Overlongs and surrogates pass: it is a heuristic. */
function utf8Sequence(b: Buffer, i: number, end: number): number {
  const c = b[i]!;
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > end) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

const TEXTLIKE = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) TEXTLIKE[c] = 1;
for (const c of [9, 10, 12, 13, 27]) TEXTLIKE[c] = 1;

/** What runs of printable characters are made of: printable ASCII, tab, and CR/LF, so a PEM block stays one run. */
const PRINTABLE = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) PRINTABLE[c] = 1;
for (const c of [9, 10, 13]) PRINTABLE[c] = 1;
const MIN_RUN = 8;

/**
 * Bytes read as they are, as printable runs, or both (see TEXT_FROM). NUL-free bytes are text.
 * withStrings adds the runs whatever the sample says (formats the gate recognises but cannot
 * open, whose readable bits are better seen as runs). Text with NULs in it is read as text and
 * also for its UTF-16 runs: a UTF-16 island in a long text file does not move the sample.
 */
function plain(w: Walk, b: Buffer, path: string, depth: number, withStrings: boolean): void {
  if (b.length === 0) return;
  const share = b.indexOf(0) === -1 ? 1 : textShare(b);
  if (share >= STRINGS_BELOW) textView(w, b, path, depth);
  if (share < TEXT_FROM || withStrings) stringsView(w, b, path);
  else if (share < 1) stringsView(w, b, path, [], false);
}

/** Bytes as they are: whole for the blob itself, at most maxViewBytes for what came out of it. */
function textView(w: Walk, b: Buffer, path: string, depth: number): void {
  const max = w.limits.maxViewBytes;
  if (depth === 0 || b.length <= max) return w.view(path, 'text', b);
  w.view(path, 'text', b.subarray(0, max));
  w.cannot(path, `larger than ${size(max)}: only the first ${size(max)} was scanned`);
}

/** A stretch of a container read some other way (a member's data); its runs are left out of the container's own strings. */
type Range = readonly [start: number, end: number];

/**
 * The printable runs of what a reader passed over, as a view of kind 'passed-over': a container's
 * (gzip, zip, tar, zstd) headers, names, link names, extra fields, gaps between members, padding
 * and skipped frames, and for a decoded UTF-16/32 file the raw ASCII among it and UTF-16 one byte
 * off the alignment it was decoded at. No format hides bytes from this view.
 */
function passedOver(w: Walk, b: Buffer, path: string, skip: readonly Range[] = [], decodedAs?: Unicode): void {
  // UTF-16LE runs at even offsets of a file decoded as UTF-16LE are what the decoder read. (A
  // UTF-16BE reading differs from the LE runs one byte later in their first character.)
  stringsView(w, b, path, skip, true, 'passed-over', decodedAs === 'utf-16le' ? 0 : -1);
}

/**
 * Printable ASCII runs of at least 8 bytes, one per line (`strings -n 8`), then UTF-16LE runs at
 * either alignment (`strings -el`), outside the given ranges.
 */
function stringsView(w: Walk, b: Buffer, path: string, skip: readonly Range[] = [], ascii = true, kind = 'strings', skipParity = -1): void {
  const out = new Writer(w.limits.maxViewBytes);
  const stretches: Range[] = [];
  let from = 0;
  for (const [start, end] of [...skip].sort((x, y) => x[0] - y[0])) {
    if (start > from) stretches.push([from, start]);
    from = Math.max(from, end);
  }
  if (from < b.length) stretches.push([from, b.length]);
  if (ascii) for (const [start, end] of stretches) if (!asciiRuns(out, b, start, end)) break;
  for (const [start, end] of stretches) if (out.full || !utf16Runs(out, b, start, end, skipParity)) break;
  if (out.length > 0 || out.full) w.view(path, kind, out.bytes());
  if (out.full) w.cannot(path, `its printable text is larger than ${size(w.limits.maxViewBytes)}: only the first ${size(w.limits.maxViewBytes)} was scanned`);
}

function asciiRuns(out: Writer, b: Buffer, from: number, to: number): boolean {
  let start = -1;
  for (let i = from; i <= to; i++) {
    if (i < to && PRINTABLE[b[i]!]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= MIN_RUN && !out.line(b, start, i, 1)) return false;
      start = -1;
    }
  }
  return true;
}

/** UTF-16LE runs; those starting at an offset of parity skipParity (0 or 1) are left out. */
function utf16Runs(out: Writer, b: Buffer, from: number, to: number, skipParity = -1): boolean {
  let i = from;
  while (i + 1 < to) {
    let j = i;
    while (j + 1 < to && b[j + 1] === 0 && PRINTABLE[b[j]!]) j += 2;
    if (j - i >= 2 * MIN_RUN && i % 2 !== skipParity && !out.line(b, i, j, 2)) return false;
    i = j > i ? j : i + 1;
  }
  return true;
}

/** A growing buffer with a hard cap; `full` once something did not fit. */
class Writer {
  private buf: Buffer;
  length = 0;
  full = false;
  private readonly cap: number;

  constructor(cap: number, initial = 64 * KiB) {
    this.cap = cap;
    this.buf = Buffer.allocUnsafe(Math.max(0, Math.min(cap, initial)));
  }

  private room(n: number): boolean {
    if (this.length + n > this.cap) {
      this.full = true;
      return false;
    }
    if (this.length + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.cap, Math.max(this.length + n, this.buf.length * 2)));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return true;
  }

  /** Every step-th byte of src[start, end) and a newline (unless it already ends with one). */
  line(src: Buffer, start: number, end: number, step: number): boolean {
    const n = (end - start) / step;
    const newline = src[end - step] === 10 ? 0 : 1;
    if (!this.room(n + newline)) return false;
    if (step === 1) src.copy(this.buf, this.length, start, end);
    else for (let k = 0; k < n; k++) this.buf[this.length + k] = src[start + k * step]!;
    this.length += n;
    if (newline) this.buf[this.length++] = 10;
    return true;
  }

  /** One code point as UTF-8. */
  codePoint(cp: number): boolean {
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (!this.room(n)) return false;
    const o = this.length;
    const buf = this.buf;
    if (n === 1) buf[o] = cp;
    else if (n === 2) {
      buf[o] = 0xc0 | (cp >> 6);
      buf[o + 1] = 0x80 | (cp & 0x3f);
    } else if (n === 3) {
      buf[o] = 0xe0 | (cp >> 12);
      buf[o + 1] = 0x80 | ((cp >> 6) & 0x3f);
      buf[o + 2] = 0x80 | (cp & 0x3f);
    } else {
      buf[o] = 0xf0 | (cp >> 18);
      buf[o + 1] = 0x80 | ((cp >> 12) & 0x3f);
      buf[o + 2] = 0x80 | ((cp >> 6) & 0x3f);
      buf[o + 3] = 0x80 | (cp & 0x3f);
    }
    this.length += n;
    return true;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

// ---- UTF-16 and UTF-32 -------------------------------------------------------------------------

// Without a BOM: in the first 4 KiB, at least 70% of the code units are an ASCII text character
// in the low byte with zeros above it. Fewer (mostly non-ASCII text, or a binary with some UTF-16
// in it) falls through to the binary path, whose printable runs include UTF-16LE runs.
const UNICODE_SAMPLE = 4 * KiB;
const UNICODE_SHARE = 0.7;

function unicodeWithoutBom(b: Buffer): Unicode | null {
  const end = Math.min(b.length, UNICODE_SAMPLE);
  const quads = end >> 2;
  if (quads >= 4) {
    let le = 0;
    let be = 0;
    for (let i = 0; i + 3 < end; i += 4) {
      if (b[i + 1] === 0 && b[i + 2] === 0 && b[i + 3] === 0 && PRINTABLE[b[i]!]) le++;
      else if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 0 && PRINTABLE[b[i + 3]!]) be++;
    }
    if (le >= UNICODE_SHARE * quads) return 'utf-32le';
    if (be >= UNICODE_SHARE * quads) return 'utf-32be';
  }
  const pairs = end >> 1;
  if (pairs < 8) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i + 1 < end; i += 2) {
    if (b[i + 1] === 0 && PRINTABLE[b[i]!]) le++;
    else if (b[i] === 0 && PRINTABLE[b[i + 1]!]) be++;
  }
  if (le >= UNICODE_SHARE * pairs) return 'utf-16le';
  if (be >= UNICODE_SHARE * pairs) return 'utf-16be';
  return null;
}

/**
 * Decodes to UTF-8 by hand, into a buffer no larger than maxViewBytes. Code points map one to
 * one (unpaired surrogates and invalid units become U+FFFD), so newlines, and with them line
 * numbers, are the file's own. A trailing odd byte is dropped.
 */
function decoded(w: Walk, b: Buffer, path: string, encoding: Unicode, skip: number): void {
  const unit = encoding.startsWith('utf-16') ? 2 : 4;
  const big = encoding.endsWith('be');
  const out = new Writer(w.limits.maxViewBytes, Math.min(w.limits.maxViewBytes, Math.ceil((b.length - skip) / unit) * 3));
  const len = b.length;
  for (let i = skip; i + unit <= len; i += unit) {
    let cp: number;
    if (unit === 2) {
      cp = big ? (b[i]! << 8) | b[i + 1]! : b[i]! | (b[i + 1]! << 8);
      if (cp >= 0xd800 && cp <= 0xdfff) {
        const lo = i + 3 < len ? (big ? (b[i + 2]! << 8) | b[i + 3]! : b[i + 2]! | (b[i + 3]! << 8)) : 0;
        if (cp <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i += 2;
        } else cp = 0xfffd;
      }
    } else {
      cp = big ? b.readUInt32BE(i) : b.readUInt32LE(i);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    }
    if (!out.codePoint(cp)) break;
  }
  w.view(path, encoding, out.bytes());
  if (out.full) w.cannot(path, `decoded from ${encoding.toUpperCase()} it is larger than ${size(w.limits.maxViewBytes)}: only the first ${size(w.limits.maxViewBytes)} was scanned`);
}

// ---- gzip, zlib, zstd ----------------------------------------------------------------------

const GZIP_FEXTRA = 4;
const GZIP_FNAME = 8;
const GZIP_FCOMMENT = 16;
const GZIP_FHCRC = 2;
const MAX_GZIP_NAME = 1024;

/** The offset of the deflate data after the gzip header at p, and the stored name; null if no valid header is there. */
function gzipHeader(b: Buffer, p: number): { data: number; name: string } | null {
  if (p + 10 > b.length || b[p] !== 0x1f || b[p + 1] !== 0x8b || b[p + 2] !== 8) return null;
  const flags = b[p + 3]!;
  if (flags & 0xe0) return null;
  let q = p + 10;
  let name = '';
  if (flags & GZIP_FEXTRA) {
    if (q + 2 > b.length) return null;
    q += 2 + b.readUInt16LE(q);
  }
  if (flags & GZIP_FNAME) {
    const end = b.indexOf(0, q);
    if (end < 0) return null;
    name = b.toString('latin1', q, Math.min(end, q + MAX_GZIP_NAME)); // RFC 1952: ISO 8859-1
    q = end + 1;
  }
  if (flags & GZIP_FCOMMENT) {
    const end = b.indexOf(0, q);
    if (end < 0) return null;
    q = end + 1;
  }
  if (flags & GZIP_FHCRC) q += 2;
  return q <= b.length ? { data: q, name } : null;
}

/**
 * Each gzip member by hand (header, raw deflate, CRC and size trailer), so that what gunzip
 * forgives, the gate reads too: trailing garbage after the last member (zlib's gunzip rejects the
 * whole file) is read as bytes of its own, a wrong CRC is reported but the data still scanned, a
 * truncated stream is scanned as far as it goes.
 */
function openGzip(w: Walk, b: Buffer, path: string, depth: number): void {
  const first = gzipHeader(b, 0);
  if (first === null) {
    plain(w, b, path, depth, false);
    return;
  }
  if (!w.takeMember()) return w.tooManyMembers(path);
  const member = join(path, first.name || '(gunzipped)');
  const parts: Buffer[] = [];
  /** The deflate streams; the header fields (name, comment, extra field) are read as runs. */
  const streams: Range[] = [];
  let p = 0;
  for (let header: { data: number } | null = first; header !== null; header = gzipHeader(b, p)) {
    // Each further gzip member counts as an archive member: a million empty ones would otherwise
    // cost a million zlib calls.
    if (header !== first && !w.takeMember()) {
      w.tooManyMembers(path);
      streams.push([p, b.length]);
      p = b.length;
      break;
    }
    const data = b.subarray(header.data);
    let consumed = 0;
    const got = w.expand(member, (cap) => {
      const r = zlib.inflateRawSync(data, { info: true, maxOutputLength: cap }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      consumed = r.engine.bytesWritten;
      return r.buffer;
    });
    if (got === null) {
      // A bomb in a later member: what came before is still read.
      streams.push([header.data, b.length]);
      p = b.length;
      break;
    }
    if (!Buffer.isBuffer(got)) {
      streams.push([header.data, b.length]);
      p = b.length;
      if (got.error !== 'Z_BUF_ERROR') {
        w.cannot(member, `corrupt gzip data (${got.error})`);
        if (parts.length > 0) break;
        plain(w, b, path, depth, false);
        return;
      }
      const partial = w.expand(member, (cap) => zlib.inflateRawSync(data, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
      if (partial !== null && Buffer.isBuffer(partial)) parts.push(partial);
      w.cannot(member, 'truncated gzip data: read as far as it goes');
      break;
    }
    parts.push(got);
    streams.push([header.data, header.data + consumed]);
    p = header.data + consumed;
    if (p + 8 > b.length) {
      w.cannot(member, 'truncated gzip data: the CRC trailer is missing');
      p = b.length;
      break;
    }
    if (b.readUInt32LE(p) !== zlib.crc32(got) || b.readUInt32LE(p + 4) !== got.length % 2 ** 32) w.cannot(member, 'gzip CRC or size check failed (corrupt or altered)');
    p += 8;
  }
  read(w, parts.length === 1 ? parts[0]! : Buffer.concat(parts), member, depth + 1);
  // What follows the last member: gunzip ignores it, so could anything hidden there.
  const rest = b.subarray(p);
  if (rest.some((c) => c !== 0)) read(w, rest, join(path, '(after gzip data)'), depth + 1);
  streams.push([p, b.length]);
  passedOver(w, b, path, streams);
}

/** A zlib stream is tried, not trusted: two header bytes are a weak sign, and a failure to inflate means it was something else. */
function tryZlib(w: Walk, b: Buffer, path: string, depth: number): void {
  const member = join(path, '(inflated)');
  const got = w.expand(member, (cap) => zlib.inflateSync(b, { maxOutputLength: cap }));
  if (got === null || !Buffer.isBuffer(got)) return;
  if (!w.takeMember()) return w.tooManyMembers(path);
  read(w, got, member, depth + 1);
}

function openZstd(w: Walk, b: Buffer, path: string, depth: number): void {
  if (typeof zlib.zstdDecompressSync !== 'function') {
    // Node before 22.15/23.8
    w.cannot(path, 'zstd-compressed: the gate cannot read it');
    plain(w, b, path, depth, true);
    return;
  }
  if (!w.takeMember()) return w.tooManyMembers(path);
  const member = join(path, '(zstd-decompressed)');
  // Skippable frames hold bytes a decompressor passes over: the runs of the input read them.
  passedOver(w, b, path);
  const got = w.expand(member, (cap) => zlib.zstdDecompressSync(b, { maxOutputLength: cap }));
  if (got === null) return;
  if (!Buffer.isBuffer(got)) {
    w.cannot(path, `corrupt zstd data (${got.error})`);
    plain(w, b, path, depth, true);
    return;
  }
  read(w, got, member, depth + 1);
}

// ---- PDF -------------------------------------------------------------------------------------

const STREAM = Buffer.from('stream', 'latin1');
const ENDSTREAM = Buffer.from('endstream', 'latin1');
const MAX_PDF_DICT = 4 * KiB;

/**
 * Printable runs of the file, then each FlateDecode stream that is not an image, inflated. The
 * stream's /Length is not trusted: the data runs to the next "endstream". A stream that does not
 * inflate is skipped (PDF writers get this wrong often enough that reporting it would cry wolf);
 * its raw bytes are in the printable runs.
 */
function openPdf(w: Walk, b: Buffer, path: string, depth: number): void {
  plain(w, b, path, depth, true);
  let pos = 0;
  let previous = 0;
  for (;;) {
    const at = b.indexOf(STREAM, pos);
    if (at < 0) return;
    pos = at + STREAM.length;
    if (at >= 3 && b[at - 3] === 0x65 && b[at - 2] === 0x6e && b[at - 1] === 0x64) continue; // "endstream"
    let start = pos;
    if (b[start] === 13) start++;
    if (b[start] === 10) start++;
    if (start === pos) continue;
    const end = b.indexOf(ENDSTREAM, start);
    if (end < 0) return;
    pos = end + ENDSTREAM.length;
    // Never before the previous stream's end: "stream endstream" repeated must not cost 4 KiB each.
    const dict = b.toString('latin1', Math.max(previous, at - MAX_PDF_DICT), at);
    previous = pos;
    const own = dict.slice(dict.lastIndexOf(' obj') + 1);
    if (!own.includes('/FlateDecode') || /\/Subtype\s*\/Image\b/.test(own)) continue;
    const data = b.subarray(start, end);
    if (data.length < 2 || !isZlibHeader(data[0]!, data[1]!)) continue;
    const member = join(path, `(stream at byte ${start})`);
    if (!w.takeMember()) return w.tooManyMembers(path);
    const got = w.expand(member, (cap) => zlib.inflateSync(data, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    if (got !== null && Buffer.isBuffer(got)) read(w, got, member, depth + 1);
  }
}

// ---- zip ---------------------------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_END = 0x06064b50;
const END_SIG = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const LOCAL_SIG = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const U32_MAX = 0xffffffff;

const ZIP_METHODS: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  19: 'IBM LZ77',
  93: 'zstd',
  95: 'xz',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
};

interface ZipDirectory {
  /** Where the central directory starts and ends in the blob. */
  start: number;
  end: number;
  entries: number;
  /** Bytes before the archive the declared offsets do not count (a self-extractor's stub). */
  shift: number;
  comment: Buffer;
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  comment: Buffer;
  /** Set in the second pass: where the local header and the data are, or why they cannot be read. */
  header: number;
  data: number;
  problem: string;
}

function u64(b: Buffer, at: number): number {
  return Number(b.readBigUInt64LE(at)); // past 2^53 it is out of range of any blob anyway
}

/** The end record, found from the end so that a zip behind a prefix is found too. Null: none; a string: one that is broken. */
function zipDirectory(b: Buffer): ZipDirectory | string | null {
  if (b.length < 22) return null;
  const floor = Math.max(0, b.length - 22 - 0xffff);
  let at = b.lastIndexOf(END_SIG, b.length - 22);
  while (at >= floor && at + 22 + b.readUInt16LE(at + 20) > b.length) at = at > 0 ? b.lastIndexOf(END_SIG, at - 1) : -1;
  if (at < floor) return null;
  let disk = b.readUInt16LE(at + 4);
  let dirDisk = b.readUInt16LE(at + 6);
  let entries = b.readUInt16LE(at + 10);
  let dirSize = b.readUInt32LE(at + 12);
  let dirOffset = b.readUInt32LE(at + 16);
  const comment = b.subarray(at + 22, at + 22 + b.readUInt16LE(at + 20));
  let end = at;
  const locator = at - 20;
  if (locator >= 0 && b.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    // The zip64 end record normally sits right before its locator; its declared offset does not
    // count a prefix, so it is only the second guess.
    let record = locator - 56;
    if (record < 0 || b.readUInt32LE(record) !== SIG_ZIP64_END) {
      record = u64(b, locator + 8);
      if (record + 56 > locator || b.readUInt32LE(record) !== SIG_ZIP64_END) return 'corrupt zip64 end record';
    }
    disk = b.readUInt32LE(record + 16);
    dirDisk = b.readUInt32LE(record + 20);
    entries = u64(b, record + 32);
    dirSize = u64(b, record + 40);
    dirOffset = u64(b, record + 48);
    end = record;
  } else if (entries === 0xffff || dirSize === U32_MAX || dirOffset === U32_MAX) {
    return 'zip64 archive without its zip64 end record';
  }
  if (disk !== 0 || dirDisk !== 0) return 'split (multi-part) zip: the gate cannot read it';
  const start = end - dirSize;
  if (start < 0 || dirOffset > start || entries * 46 > dirSize) return 'the central directory is out of range (corrupt or crafted zip)';
  return { start, end, entries, shift: start - dirOffset, comment };
}

function openZip(w: Walk, b: Buffer, path: string, depth: number, dir: ZipDirectory | string | null): void {
  if (dir === null || typeof dir === 'string') {
    w.cannot(path, dir ?? 'zip without a central directory (truncated?)');
    plain(w, b, path, depth, true);
    return;
  }
  const listed = zipEntries(w, b, dir);
  const entries = listed.entries;
  let cut = listed.cut;
  if (listed.corrupt) w.cannot(path, 'corrupt zip central directory: members after the damage not read');
  locateZipData(b, dir, entries);

  // Bytes before the first local header belong to the blob itself (a self-extractor's stub, a script).
  if (listed.firstHeader > 0) read(w, b.subarray(0, listed.firstHeader), path, depth + 1);

  for (const e of entries) {
    if (!w.takeMember()) {
      cut = true;
      break;
    }
    readZipMember(w, b, e, join(path, e.name), depth);
  }
  if (cut) w.tooManyMembers(path);
  // Names, extra fields, and whatever lies between members where no entry points: read as runs.
  const membersData: Range[] = [[0, listed.firstHeader]];
  for (const e of entries) if (e.data >= 0) membersData.push([e.data, e.data + e.compressed]);
  passedOver(w, b, path, membersData);

  const comments = [dir.comment, ...entries.filter((e) => e.comment.length > 0).flatMap((e) => [Buffer.from('\n'), e.comment])];
  if (comments.some((c) => c.length > 0)) read(w, Buffer.concat(comments), join(path, '(zip comments)'), depth + 1);
}

/**
 * The central directory's file entries, directories left out, no more than the members left (a
 * bound on memory; members are counted as they are read). firstHeader: the first local header any
 * entry, directories included, points at; where the archive starts.
 */
function zipEntries(w: Walk, b: Buffer, dir: ZipDirectory): { entries: ZipEntry[]; cut: boolean; corrupt: boolean; firstHeader: number } {
  const entries: ZipEntry[] = [];
  let firstHeader = dir.start;
  let cut = false;
  const done = (corrupt: boolean) => ({ entries, cut, corrupt, firstHeader });
  let p = dir.start;
  for (let i = 0; i < dir.entries; i++) {
    if (p + 46 > dir.end || b.readUInt32LE(p) !== SIG_CENTRAL) return done(true);
    const nameLength = b.readUInt16LE(p + 28);
    const extraLength = b.readUInt16LE(p + 30);
    const commentLength = b.readUInt16LE(p + 32);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > dir.end) return done(true);
    const e: ZipEntry = {
      name: b.toString('utf8', p + 46, p + 46 + nameLength),
      flags: b.readUInt16LE(p + 8),
      method: b.readUInt16LE(p + 10),
      crc: b.readUInt32LE(p + 16),
      compressed: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      offset: b.readUInt32LE(p + 42),
      comment: b.subarray(p + 46 + nameLength + extraLength, next),
      header: -1,
      data: -1,
      problem: '',
    };
    if (e.size === U32_MAX || e.compressed === U32_MAX || e.offset === U32_MAX) zip64Fields(b, p + 46 + nameLength, extraLength, e);
    p = next;
    const header = e.offset + dir.shift;
    if (!e.problem && header < firstHeader && header + 4 <= b.length && b.readUInt32LE(header) === SIG_LOCAL) firstHeader = header;
    if (e.name.endsWith('/') && e.size === 0 && e.compressed === 0) continue;
    if (entries.length < w.membersLeft) entries.push(e);
    else cut = true;
  }
  return done(false);
}

/** Sizes and offset too large for 32 bits are in the zip64 extra field (id 1), in this order, each only if its 32-bit field is all ones. */
function zip64Fields(b: Buffer, extra: number, length: number, e: ZipEntry): void {
  let p = extra;
  const end = extra + length;
  while (p + 4 <= end) {
    const id = b.readUInt16LE(p);
    const n = b.readUInt16LE(p + 2);
    if (id === 1) {
      let q = p + 4;
      const stop = Math.min(end, q + n);
      for (const field of ['size', 'compressed', 'offset'] as const) {
        if (e[field] !== U32_MAX) continue;
        if (q + 8 > stop) break;
        e[field] = u64(b, q);
        q += 8;
      }
      break;
    }
    p += 4 + n;
  }
  if (e.size === U32_MAX || e.compressed === U32_MAX || e.offset === U32_MAX) e.problem = 'corrupt zip64 sizes';
}

/** Finds each member's local header and data, and marks members out of range or overlapping one another. */
function locateZipData(b: Buffer, dir: ZipDirectory, entries: ZipEntry[]): void {
  for (const e of entries) {
    if (e.problem) continue;
    const header = e.offset + dir.shift;
    if (header + 30 > dir.start || b.readUInt32LE(header) !== SIG_LOCAL) {
      e.problem = 'its offset does not point at a member (corrupt or crafted zip)';
      continue;
    }
    const data = header + 30 + b.readUInt16LE(header + 26) + b.readUInt16LE(header + 28);
    if (data + e.compressed > dir.start) {
      e.problem = 'its data runs past the archive (corrupt or crafted zip)';
      continue;
    }
    e.header = header;
    e.data = data;
    e.flags |= b.readUInt16LE(header + 6) & 1; // encrypted if either header says so
  }
  // Members sharing bytes are how the smallest zip bombs multiply one deflate stream.
  const placed = entries.filter((e) => !e.problem).sort((x, y) => x.header - y.header);
  let reach = -1;
  for (const e of placed) {
    if (e.header < reach) e.problem = 'it overlaps another member (zip bomb?)';
    reach = Math.max(reach, e.data + e.compressed);
  }
}

function readZipMember(w: Walk, b: Buffer, e: ZipEntry, member: string, depth: number): void {
  if (e.problem) return w.cannot(member, e.problem);
  if (e.flags & 1) return w.cannot(member, e.method === 99 ? 'encrypted zip member (AES)' : 'encrypted zip member');
  const data = b.subarray(e.data, e.data + e.compressed);
  let out: Buffer | { error: string } | null;
  if (e.method === 0) {
    out = data;
  } else if (e.method === 8) {
    out = w.expand(member, (cap) => zlib.inflateRawSync(data, { maxOutputLength: cap }));
  } else if (e.method === 93 && typeof zlib.zstdDecompressSync === 'function') {
    out = w.expand(member, (cap) => zlib.zstdDecompressSync(data, { maxOutputLength: cap }));
  } else {
    return w.cannot(member, `compressed with ${ZIP_METHODS[e.method] ?? `method ${e.method}`}: the gate cannot read it`);
  }
  if (out === null) return;
  if (!Buffer.isBuffer(out)) return w.cannot(member, out.error === 'Z_BUF_ERROR' ? 'truncated compressed data' : `corrupt compressed data (${out.error})`);
  if (out.length !== e.size) w.cannot(member, `declares ${e.size} bytes but holds ${out.length} (corrupt or crafted zip)`);
  else if (zlib.crc32(out) !== e.crc) w.cannot(member, 'CRC check failed (corrupt or altered)');
  read(w, out, member, depth + 1);
}

// ---- tar ---------------------------------------------------------------------------------------

const BLOCK = 512;

/** A header block with a valid checksum (unsigned, or the signed sum old tars wrote). Covers v7, ustar, GNU and pax. */
function isTarHeader(b: Buffer, at: number): boolean {
  if (at + BLOCK > b.length) return false;
  const declared = tarNumber(b, at + 148, at + 156);
  if (declared < 0) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = at; i < at + BLOCK; i++) {
    const c = i >= at + 148 && i < at + 156 ? 0x20 : b[i]!;
    unsigned += c;
    signed += c < 0x80 ? c : c - 0x100;
  }
  return declared === unsigned || declared === signed;
}

/** An octal field (spaces/NULs around it), or GNU base-256 when the top bit is set; -1 if neither. */
function tarNumber(b: Buffer, start: number, end: number): number {
  if (b[start]! & 0x80) {
    let n = b[start]! & 0x3f;
    if (b[start]! & 0x40) return -1; // negative
    for (let i = start + 1; i < end; i++) n = n * 256 + b[i]!;
    return n;
  }
  let i = start;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let n = 0;
  let digits = 0;
  for (; i < end && b[i]! >= 0x30 && b[i]! <= 0x37; i++, digits++) n = n * 8 + (b[i]! - 0x30);
  for (; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0) return -1;
  return digits > 0 ? n : -1;
}

function cString(b: Buffer, start: number, end: number): string {
  const nul = b.indexOf(0, start);
  return b.toString('utf8', start, nul >= 0 && nul < end ? nul : end);
}

function isZeroBlock(b: Buffer, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** pax extended header records, "<length> <key>=<value>\n"; only path and size matter here. */
function paxRecords(data: Buffer): Map<string, string> | null {
  const records = new Map<string, string>();
  let p = 0;
  while (p < data.length) {
    const space = data.indexOf(0x20, p);
    if (space < 0) return null;
    const length = Number(data.toString('latin1', p, space));
    if (!Number.isSafeInteger(length) || length <= space - p || p + length > data.length || data[p + length - 1] !== 10) return null;
    const record = data.toString('utf8', space + 1, p + length - 1);
    const eq = record.indexOf('=');
    if (eq < 0) return null;
    records.set(record.slice(0, eq), record.slice(eq + 1));
    p += length;
  }
  return records;
}

// Links, devices, directories and FIFOs carry no data (if one does, it is read like a file); a GNU
// long link name ('K') and a pax global header ('g') carry only metadata.
const TAR_NO_DATA = new Set([0x31, 0x32, 0x33, 0x34, 0x35, 0x36]);
const TAR_METADATA = new Set([0x4b, 0x67]);
const TAR_LONG_NAME = 0x4c;
const TAR_PAX = 0x78;
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00]; // "ustar\0": POSIX; GNU's "ustar  " has no name prefix field

/**
 * Regular files are read; so is any type tar does not define (POSIX says to treat those as
 * regular files, and a GNU sparse file's data is its non-hole bytes, which are worth scanning).
 * GNU long names ('L') and pax 'path' and 'size' records apply to the next member. Zero blocks
 * are skipped as `tar --ignore-zeros` does, so nothing hides behind an early end marker.
 */
function openTar(w: Walk, b: Buffer, path: string, depth: number): void {
  const membersData: Range[] = [];
  tarMembers(w, b, path, depth, membersData);
  // Headers (names, link names, owners), pax and GNU metadata, padding: read as runs.
  passedOver(w, b, path, membersData);
}

function tarMembers(w: Walk, b: Buffer, path: string, depth: number, membersData: Range[]): void {
  let header = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  while (header + BLOCK <= b.length) {
    if (isZeroBlock(b, header)) {
      header += BLOCK;
      continue;
    }
    const paxSize = pax?.get('size');
    const length = !isTarHeader(b, header) ? -1 : paxSize !== undefined && /^\d{1,15}$/.test(paxSize) ? Number(paxSize) : tarNumber(b, header + 124, header + 136);
    if (length < 0) return w.cannot(path, `corrupt tar header at byte ${header}: the rest of the archive not read`);
    const type = b[header + 156]!;
    const start = header + BLOCK;
    const end = Math.min(b.length, start + length);
    const truncated = start + length > b.length;
    if (type === TAR_LONG_NAME) longName = cString(b, start, end);
    else if (type === TAR_PAX) {
      pax = paxRecords(b.subarray(start, end));
      if (pax === null) w.cannot(path, `corrupt pax header at byte ${header}: its member's name and size not used`);
    } else {
      if (!TAR_METADATA.has(type) && !(TAR_NO_DATA.has(type) && length === 0)) {
        const own = cString(b, header, header + 100);
        const prefix = startsWith(b, USTAR, header + 257) ? cString(b, header + 345, header + 500) : '';
        const member = join(path, pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${own}` : own));
        if (!w.takeMember()) return w.tooManyMembers(path);
        if (truncated) w.cannot(member, 'the archive is cut short inside this member: read as far as it goes');
        read(w, b.subarray(start, end), member, depth + 1);
        membersData.push([start, end]);
        if (truncated) return;
      }
      longName = null;
      pax = null;
    }
    if (truncated) return w.cannot(path, 'truncated tar archive');
    header = start + Math.ceil(length / BLOCK) * BLOCK;
  }
  if (header < b.length && b.subarray(header).some((c) => c !== 0)) w.cannot(path, 'truncated tar archive');
}

// ---- PNG -------------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Printable runs of the file (tEXt chunks are plain Latin-1), then each zTXt chunk and each
 * compressed iTXt chunk inflated: text metadata a viewer shows, zlib-compressed. Image data is
 * not read. Chunk lengths are checked against the bytes there; a bad one ends the walk.
 */
function openPng(w: Walk, b: Buffer, path: string, depth: number): void {
  plain(w, b, path, depth, true);
  let at = PNG_SIGNATURE.length;
  while (at + 12 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const start = at + 8;
    const end = start + length;
    if (end + 4 > b.length) return;
    at = end + 4;
    let compressed: Buffer | null = null;
    const keywordEnd = b.indexOf(0, start);
    if (keywordEnd < 0 || keywordEnd >= end) continue;
    if (type === 'zTXt') compressed = b.subarray(keywordEnd + 2, end);
    else if (type === 'iTXt' && b[keywordEnd + 1] === 1) {
      const language = b.indexOf(0, keywordEnd + 3);
      const translated = language < 0 ? -1 : b.indexOf(0, language + 1);
      if (translated < 0 || translated >= end) continue;
      compressed = b.subarray(translated + 1, end);
    }
    if (compressed === null) continue;
    const member = join(path, `(${type} chunk at byte ${start - 8})`);
    if (!w.takeMember()) return w.tooManyMembers(path);
    const data = compressed;
    const got = w.expand(member, (cap) => zlib.inflateSync(data, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    if (got === null) continue;
    if (!Buffer.isBuffer(got)) w.cannot(member, `corrupt compressed text (${got.error})`);
    else read(w, got, member, depth + 1);
  }
}
