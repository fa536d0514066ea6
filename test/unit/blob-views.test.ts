import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { crc32, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { blobViews, DEFAULT_BLOB_VIEW_LIMITS, type BlobView, type BlobViewLimits } from '../../src/scan/blob-views.ts';
import { createDetector, defaultRuleset } from '../../src/scan/ruleset.ts';
import { Scanner } from '../../src/scan/scanner.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

// Fake tokens shaped like GitHub classic PATs, assembled here so no whole one is in this file.
const token = (last: string) => 'ghp_' + 'k7Q2mX9vL4pR8sT1wY6zA3bC5dE0fG2hJ9n' + last;
const TOKEN = token('A');
const TOKEN2 = token('B');
const TOKEN3 = token('C');
const MiB = 1024 * 1024;

const scanner = new Scanner({ detector: createDetector(defaultRuleset()), rulesetId: 't' });

/** The github-pat secrets the real scanner finds in a view, with their line numbers. */
function pats(view: BlobView | undefined): Array<[string, number]> {
  assert.ok(view, 'no such view');
  return scanner
    .scanBytes(view.bytes, { file: 'x', commit: '' })
    .filter((f) => f.RuleID === 'github-pat')
    .map((f) => [f.Secret, f.StartLine]);
}

/** The views, without the printable runs of what a container passed over (see 'bytes a reader passed over'). */
const shape = (r: { views: BlobView[] }) => r.views.filter((v) => v.kind !== 'passed-over').map((v) => [v.member, v.kind]);
const view = (r: { views: BlobView[] }, member: string, kind?: string) => r.views.find((v) => v.member === member && (kind === undefined || v.kind === kind));
const limits = (over: Partial<BlobViewLimits>): BlobViewLimits => ({ ...DEFAULT_BLOB_VIEW_LIMITS, ...over });

/** Deterministic noise (xorshift32) with no printable run of 8: every 6th byte is forced out of the printable range. */
function noise(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = i % 6 === 5 ? 0x80 | (x & 0x7f) : x & 0xff;
  }
  return out;
}

function pngWith(...parts: Buffer[]): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  return Buffer.concat([signature, ...parts.flatMap((p, i) => [noise(3000, i + 7), Buffer.from([0]), p, Buffer.from([0])]), noise(3000, 99)]);
}

const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
function utf32(s: string, big: boolean): Buffer {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (big ? out.writeUInt32BE(cp, i * 4) : out.writeUInt32LE(cp, i * 4)));
  return out;
}

// ---- A small zip writer, for what real tools never write ------------------------------------

interface ZipSpec {
  name: string;
  data?: Buffer | string;
  /** 0 stored, 8 deflated (the default), anything else: the data stored under that method id. */
  method?: number;
  flags?: number;
  /** Declared uncompressed size, CRC and local header offset; by default the true ones. */
  size?: number;
  crc?: number;
  offset?: number;
  comment?: string;
  /** Sizes and offset in the zip64 extra field. */
  zip64?: boolean;
  /** The member's bytes as stored, instead of compressing data. */
  stored?: Buffer;
}

/** alsoList: names of members listed a second time (as "<name>-again"), pointing at the same local header. */
function zip(specs: ZipSpec[], options: { prefix?: Buffer; comment?: string; zip64End?: boolean; alsoList?: string[] } = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const entry = (s: ZipSpec, body: Buffer, data: Buffer, at: number) => {
    const name = Buffer.from(s.name);
    const size = s.size ?? data.length;
    const crc = s.crc ?? crc32(data);
    const comment = Buffer.from(s.comment ?? '');
    const extra = Buffer.alloc(s.zip64 ? 28 : 0);
    if (s.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(at), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(s.zip64 ? 45 : 20, 6);
    c.writeUInt16LE(s.flags ?? 0, 8);
    c.writeUInt16LE(s.method ?? 8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : body.length, 20);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(extra.length, 30);
    c.writeUInt16LE(comment.length, 32);
    c.writeUInt32LE(s.zip64 ? 0xffffffff : at, 42);
    central.push(c, name, extra, comment);
  };
  const placed = new Map<string, { spec: ZipSpec; body: Buffer; data: Buffer; at: number }>();
  for (const s of specs) {
    const data = Buffer.from(s.data ?? '');
    const method = s.method ?? 8;
    const body = s.stored ?? (method === 8 ? deflateRawSync(data) : data);
    const name = Buffer.from(s.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(s.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(s.crc ?? crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(s.size ?? data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    entry(s, body, data, s.offset ?? offset);
    placed.set(s.name, { spec: s, body, data, at: offset });
    offset += 30 + name.length + body.length;
  }
  for (const name of options.alsoList ?? []) {
    const p = placed.get(name)!;
    entry({ ...p.spec, name: `${name}-again` }, p.body, p.data, p.at);
  }
  const directory = Buffer.concat(central);
  const count = specs.length + (options.alsoList?.length ?? 0);
  const comment = Buffer.from(options.comment ?? '');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(comment.length, 20);
  const tail: Buffer[] = [];
  if (options.zip64End) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
  } else {
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
  }
  return Buffer.concat([options.prefix ?? Buffer.alloc(0), ...locals, directory, ...tail, end, comment]);
}

// ---- A small tar writer ------------------------------------------------------------------------

function tarHeader(name: string, length: number, type = '0', options: { ustar?: boolean; prefix?: string } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  if (options.ustar ?? true) {
    h.write('ustar\0' + '00', 257);
    if (options.prefix) h.write(options.prefix, 345);
  }
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of h) sum += c;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function tarEntry(name: string, data: Buffer | string, type = '0', options: { ustar?: boolean; prefix?: string } = {}): Buffer {
  const body = Buffer.from(data);
  return Buffer.concat([tarHeader(name, body.length, type, options), body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

const tar = (...entries: Buffer[]) => Buffer.concat([...entries, Buffer.alloc(1024)]);

function paxEntry(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([k, v]) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 1;
      while (`${n}${body}`.length !== n) n++;
      return `${n}${body}`;
    })
    .join('');
  return tarEntry('PaxHeaders/x', text, 'x');
}

// ---- Tests -------------------------------------------------------------------------------------

describe('blobViews: plain text', () => {
  it('is one text view of the very same Buffer', () => {
    const content = Buffer.from(`line one\nGITHUB_TOKEN=${TOKEN}\n`);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [['', 'text']]);
    assert.equal(r.views[0]!.bytes, content);
    assert.deepEqual(r.unreadable, []);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
  });

  it('costs one view and no copy for a 1 MiB text', () => {
    const content = Buffer.alloc(MiB, 'the quick brown fox jumps over the lazy dog\n');
    const r = blobViews(content);
    assert.equal(r.views.length, 1);
    assert.equal(r.views[0]!.bytes, content);
    assert.equal(r.unreadable.length, 0);
  });

  it('gives the empty blob one empty text view', () => {
    const content = Buffer.alloc(0);
    assert.deepEqual(blobViews(content), { views: [{ member: '', kind: 'text', bytes: content }], unreadable: [] });
  });

  it('reads text that begins like a zlib header ("hC", "x^") as text, with no noise', () => {
    for (const start of ['hC', 'x^']) {
      const content = Buffer.from(`${start} is how this file starts\nkey ${TOKEN}\n`);
      const r = blobViews(content);
      assert.deepEqual(shape(r), [['', 'text']], start);
      assert.equal(r.views[0]!.bytes, content);
      assert.deepEqual(r.unreadable, []);
    }
  });

  it('is deterministic', () => {
    const content = zip([{ name: 'a.txt', data: `x ${TOKEN}\n` }, { name: 'b.bin', data: pngWith(Buffer.from(TOKEN2)) }]);
    assert.deepEqual(blobViews(content), blobViews(content));
  });
});

describe('blobViews: text with NUL bytes', () => {
  it('reads a text with one NUL as text, as it is', () => {
    const content = Buffer.from(`first line\nsecond\0line\nexport GITHUB_TOKEN=${TOKEN}\n`);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [['', 'text']]);
    assert.equal(r.views[0]!.bytes, content);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 3]]);
  });

  it('gives both text and printable runs when the sample is neither clearly text nor binary', () => {
    const content = Buffer.from(`${'key=value\0\0'.repeat(200)}\nGITHUB_TOKEN=${TOKEN}\n`);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [
      ['', 'text'],
      ['', 'strings'],
    ]);
    assert.deepEqual(pats(view(r, '', 'text')), [[TOKEN, 2]]);
    assert.deepEqual(pats(view(r, '', 'strings')).map(([s]) => s), [TOKEN]);
  });
});

describe('blobViews: UTF-16 and UTF-32', () => {
  const text = `# written by PowerShell\r\nNAME=café 日本 😀\r\nGITHUB_TOKEN=${TOKEN}\r\nEND=1\r\n`;
  const utf8 = Buffer.from(text);
  const cases: Array<[string, Buffer, string]> = [
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(text)]), 'utf-16le'],
    ['UTF-16LE without BOM', utf16le(text), 'utf-16le'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), 'utf-16be'],
    ['UTF-16BE without BOM', utf16be(text), 'utf-16be'],
    ['UTF-32LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(text, false)]), 'utf-32le'],
    ['UTF-32BE with BOM', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(text, true)]), 'utf-32be'],
    ['UTF-32LE without BOM', utf32(text, false), 'utf-32le'],
  ];
  for (const [label, content, kind] of cases) {
    it(`decodes ${label} to UTF-8 with the file's own line numbers`, () => {
      const r = blobViews(content);
      assert.deepEqual(shape(r), [['', kind]]);
      assert.deepEqual(r.views[0]!.bytes, utf8);
      assert.deepEqual(pats(r.views[0]), [[TOKEN, 3]]);
      assert.deepEqual(r.unreadable, []);
    });
  }

  it('turns unpaired surrogates into U+FFFD without losing a line', () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('a\n'), Buffer.from([0x00, 0xd8]), utf16le(`\n${TOKEN}\n`)]);
    const r = blobViews(content);
    assert.equal(r.views[0]!.bytes.toString(), `a\n\uFFFD\n${TOKEN}\n`);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 3]]);
  });

  it('also reads the raw bytes when a UTF-16 BOM sits on bytes with no NUL', () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`GITHUB_TOKEN=${TOKEN}\n`)]);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [
      ['', 'utf-16le'],
      ['', 'text'],
    ]);
    assert.deepEqual(pats(view(r, '', 'text')), [[TOKEN, 1]]);
  });

  it('cuts a decoded view at maxViewBytes and says so', () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('0123456789\n'.repeat(200))]);
    const r = blobViews(content, limits({ maxViewBytes: 1000 }));
    assert.equal(r.views[0]!.bytes.length, 1000);
    assert.deepEqual(r.views[0]!.bytes, Buffer.from('0123456789\n'.repeat(200)).subarray(0, 1000));
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'decoded from UTF-16LE it is larger than 1000 bytes: only the first 1000 bytes was scanned' }]);
  });
});

describe('blobViews: other binaries', () => {
  it('reads a binary as printable runs, ASCII and UTF-16LE, and not as text', () => {
    const content = pngWith(Buffer.from(`token=${TOKEN}`), utf16le(`Secret: ${TOKEN2}`), Buffer.concat([Buffer.from([0]), utf16le(TOKEN3)]));
    const r = blobViews(content);
    assert.deepEqual(shape(r), [['', 'strings']]);
    assert.deepEqual(r.views[0]!.bytes.toString('latin1'), `token=${TOKEN}\nSecret: ${TOKEN2}\n${TOKEN3}\n`);
    assert.deepEqual(
      pats(r.views[0]).map(([s]) => s),
      [TOKEN, TOKEN2, TOKEN3],
    );
  });

  it('keeps a PEM block together as one multi-line run', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
    const r = blobViews(pngWith(Buffer.from(pem)));
    assert.equal(r.views[0]!.bytes.toString(), pem);
  });

  it('cuts the printable runs at maxViewBytes and says so', () => {
    const content = pngWith(...Array.from({ length: 100 }, (_, i) => Buffer.from(`run number ${String(i).padStart(3, '0')}`)));
    const r = blobViews(content, limits({ maxViewBytes: 100 }));
    assert.equal(r.views[0]!.bytes.toString(), ['000', '001', '002', '003', '004', '005'].map((n) => `run number ${n}\n`).join(''));
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'its printable text is larger than 100 bytes: only the first 100 bytes was scanned' }]);
  });

  // bzip2's magic is itself a printable run, so there the token is on line 2.
  for (const [label, magic, reason, line] of [
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed: the gate cannot read it', 1],
    ['bzip2', [...Buffer.from('BZh91AY&SY')], 'bzip2-compressed: the gate cannot read it', 2],
    ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7z archive: the gate cannot read it', 1],
    ['rar', [...Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1')], 'rar archive: the gate cannot read it', 1],
    ['lz4', [0x04, 0x22, 0x4d, 0x18], 'lz4-compressed: the gate cannot read it', 1],
  ] as const) {
    it(`says it cannot read ${label}, and still reads its printable runs`, () => {
      const content = Buffer.concat([Buffer.from(magic), noise(500), Buffer.from(`\0stored ${TOKEN}\0`), noise(500, 3)]);
      const r = blobViews(content);
      assert.deepEqual(r.unreadable, [{ member: '', reason }]);
      assert.deepEqual(shape(r), [['', 'strings']]);
      assert.deepEqual(pats(r.views[0]), [[TOKEN, line]]);
    });
  }
});

describe('blobViews: gzip, zlib, zstd', () => {
  const text = `a=1\nGITHUB_TOKEN=${TOKEN}\n`;

  it('gunzips and reads the payload', () => {
    const r = blobViews(gzipSync(text));
    assert.deepEqual(shape(r), [['(gunzipped)', 'text']]);
    assert.equal(r.views[0]!.bytes.toString(), text);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('names the payload as the gzip header does', () => {
    const body = deflateRawSync(text);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(Buffer.from(text)), 0);
    trailer.writeUInt32LE(Buffer.byteLength(text), 4);
    const content = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.from('secrets.env\0'), body, trailer]);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [['secrets.env', 'text']]);
    assert.deepEqual(r.unreadable, []);
  });

  it('reads every member of a multi-member gzip as one payload', () => {
    const r = blobViews(Buffer.concat([gzipSync('a=1\n'), gzipSync(`GITHUB_TOKEN=${TOKEN}\n`)]));
    assert.equal(r.views[0]!.bytes.toString(), text);
    assert.deepEqual(r.unreadable, []);
  });

  it('counts each gzip member against maxMembers', () => {
    const r = blobViews(Buffer.concat(['1\n', '2\n', '3\n', '4\n', '5\n'].map((t) => gzipSync(t))), limits({ maxMembers: 3 }));
    assert.deepEqual(shape(r), [['(gunzipped)', 'text']]);
    assert.equal(r.views[0]!.bytes.toString(), '1\n2\n3\n');
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'more than 3 archive members' }]);
  });

  it('reads garbage after the last member too (gunzip ignores it)', () => {
    const r = blobViews(Buffer.concat([gzipSync('a=1\n'), Buffer.from(`GITHUB_TOKEN=${TOKEN}\n`)]));
    assert.deepEqual(shape(r), [
      ['(gunzipped)', 'text'],
      ['(after gzip data)', 'text'],
    ]);
    assert.deepEqual(pats(r.views[1]), [[TOKEN, 1]]);
  });

  it('reads a truncated gzip as far as it goes, and says so', () => {
    const long = `GITHUB_TOKEN=${TOKEN}\n` + noise(20000).toString('hex');
    const gz = gzipSync(long);
    const r = blobViews(gz.subarray(0, gz.length - 2000));
    assert.deepEqual(r.unreadable, [{ member: '(gunzipped)', reason: 'truncated gzip data: read as far as it goes' }]);
    const got = r.views[0]!.bytes.toString();
    assert.ok(got.length > 1000 && long.startsWith(got), `${got.length}`);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
  });

  it('reports a wrong CRC and still reads the data', () => {
    const gz = gzipSync(text);
    gz[gz.length - 8]! ^= 0xff;
    const r = blobViews(gz);
    assert.deepEqual(r.unreadable, [{ member: '(gunzipped)', reason: 'gzip CRC or size check failed (corrupt or altered)' }]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
  });

  it('stops a gzip bomb at maxExpandedBytes', () => {
    const r = blobViews(gzipSync(Buffer.alloc(65 * MiB)));
    assert.deepEqual(r.views, []);
    assert.deepEqual(r.unreadable, [{ member: '(gunzipped)', reason: 'expands past 64 MiB (compression bomb?)' }]);
  });

  it('reads the gzip members before a bomb', () => {
    const r = blobViews(Buffer.concat([gzipSync(`GITHUB_TOKEN=${TOKEN}\n`), gzipSync(Buffer.alloc(2 * MiB))]), limits({ maxExpandedBytes: MiB }));
    assert.deepEqual(shape(r), [['(gunzipped)', 'text']]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(r.unreadable, [{ member: '(gunzipped)', reason: "expands past what is left of the blob's 1 MiB (compression bomb?)" }]);
  });

  it('names a zlib bomb by its payload', () => {
    const r = blobViews(deflateSync(Buffer.alloc(2 * MiB)), limits({ maxExpandedBytes: MiB }));
    assert.deepEqual(r.unreadable, [{ member: '(inflated)', reason: 'expands past 1 MiB (compression bomb?)' }]);
  });

  it('opens a .tar.gz whose tar is larger than maxViewBytes: only views are held to it', () => {
    const files = ['a', 'b', 'c'].map((n) => tarEntry(`${n}.txt`, `${n} ${TOKEN}\n`.padEnd(2000, '.')));
    const r = blobViews(gzipSync(tar(...files)), limits({ maxViewBytes: 4096 }));
    assert.deepEqual(shape(r), [
      ['(gunzipped)!/a.txt', 'text'],
      ['(gunzipped)!/b.txt', 'text'],
      ['(gunzipped)!/c.txt', 'text'],
    ]);
    assert.deepEqual(r.unreadable, []);
  });

  it('cuts a gunzipped text at maxViewBytes and says so', () => {
    const long = `GITHUB_TOKEN=${TOKEN}\n${'filler line\n'.repeat(1000)}`;
    const r = blobViews(gzipSync(long), limits({ maxViewBytes: 4096 }));
    assert.deepEqual(shape(r), [['(gunzipped)', 'text']]);
    assert.deepEqual(r.views[0]!.bytes, Buffer.from(long).subarray(0, 4096));
    assert.deepEqual(r.unreadable, [{ member: '(gunzipped)', reason: 'larger than 4 KiB: only the first 4 KiB was scanned' }]);
  });

  it('reads a zlib stream, and the raw bytes as well', () => {
    const r = blobViews(deflateSync(text));
    assert.deepEqual(shape(r), [
      ['(inflated)', 'text'],
      ['', 'strings'],
    ]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('decompresses zstd', () => {
    const r = blobViews(zstdCompressSync(text));
    assert.deepEqual(shape(r), [['(zstd-decompressed)', 'text']]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
  });

  it('stops a zstd bomb at maxExpandedBytes', () => {
    const r = blobViews(zstdCompressSync(Buffer.alloc(2 * MiB)), limits({ maxExpandedBytes: MiB }));
    assert.deepEqual(r.unreadable, [{ member: '(zstd-decompressed)', reason: 'expands past 1 MiB (compression bomb?)' }]);
  });
});

describe('blobViews: git archive output', () => {
  function archives(t: { after(fn: () => void): void }) {
    const repo = new TestRepo(tempDir(t, 'blob-views'));
    repo.commit('files', {
      'README.md': 'hello\n',
      'config/.env': `A=1\nGITHUB_TOKEN=${TOKEN}\n`,
      'img/logo.png': pngWith(Buffer.from(`k=${TOKEN2}`)),
      'notes/win.env': Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(`X=1\r\nY=2\r\nGITHUB_TOKEN=${TOKEN3}\r\n`)]),
    });
    return (...args: string[]) => execFileSync('git', ['archive', '--prefix=proj/', ...args, 'HEAD'], { cwd: repo.dir, env: GIT_ENV, maxBuffer: 64 * MiB });
  }
  const members = (outer: string) => [
    [`${outer}proj/README.md`, 'text'],
    [`${outer}proj/config/.env`, 'text'],
    [`${outer}proj/img/logo.png`, 'strings'],
    [`${outer}proj/notes/win.env`, 'utf-16le'],
  ];
  const found = (r: { views: BlobView[] }, outer: string) => {
    assert.deepEqual(pats(view(r, `${outer}proj/config/.env`)), [[TOKEN, 2]]);
    assert.deepEqual(pats(view(r, `${outer}proj/img/logo.png`)).map(([s]) => s), [TOKEN2]);
    assert.deepEqual(pats(view(r, `${outer}proj/notes/win.env`)), [[TOKEN3, 3]]);
  };

  it('reads every file of a tar', (t) => {
    const r = blobViews(archives(t)('--format=tar'));
    assert.deepEqual(shape(r), members(''));
    assert.deepEqual(r.unreadable, []);
    found(r, '');
  });

  it('reads every file of a tar.gz', (t) => {
    const r = blobViews(archives(t)('--format=tar.gz'));
    assert.deepEqual(shape(r), members('(gunzipped)!/'));
    assert.deepEqual(r.unreadable, []);
    found(r, '(gunzipped)!/');
  });

  for (const level of ['-6', '-0']) {
    it(`reads every file of a zip (${level === '-0' ? 'stored' : 'deflated'})`, (t) => {
      const r = blobViews(archives(t)('--format=zip', level));
      // git writes the commit id as the archive comment
      assert.deepEqual(shape(r), [...members(''), ['(zip comments)', 'text']]);
      assert.match(view(r, '(zip comments)')!.bytes.toString(), /^[0-9a-f]{40}$/);
      assert.deepEqual(r.unreadable, []);
      found(r, '');
    });
  }
});

describe('blobViews: zip', () => {
  it('reads stored and deflated members', () => {
    const r = blobViews(zip([{ name: 'dir/stored.txt', data: `s ${TOKEN}\n`, method: 0 }, { name: 'dir/deflated.txt', data: `\nd ${TOKEN2}\n` }]));
    assert.deepEqual(shape(r), [
      ['dir/stored.txt', 'text'],
      ['dir/deflated.txt', 'text'],
    ]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(pats(r.views[1]), [[TOKEN2, 2]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('skips directory entries', () => {
    const r = blobViews(zip([{ name: 'dir/' }, { name: 'dir/a.txt', data: 'a\n' }]));
    assert.deepEqual(shape(r), [['dir/a.txt', 'text']]);
  });

  it('reads a zip inside a zip, and names members by their path through both', () => {
    const inner = zip([{ name: 'a.txt', data: `x ${TOKEN}\n` }]);
    const r = blobViews(zip([{ name: 'lib/inner.jar', data: inner }, { name: 'b.txt', data: 'b\n' }]));
    assert.deepEqual(shape(r), [
      ['lib/inner.jar!/a.txt', 'text'],
      ['b.txt', 'text'],
    ]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
  });

  it('reads a zip behind a prefix (a self-extractor), and the prefix as the blob itself', () => {
    const stub = Buffer.from(`#!/bin/sh\nGITHUB_TOKEN=${TOKEN}\nexit 0\n`);
    const r = blobViews(zip([{ name: 'a.txt', data: `y ${TOKEN2}\n` }], { prefix: stub }));
    assert.deepEqual(shape(r), [
      ['', 'text'],
      ['a.txt', 'text'],
    ]);
    assert.deepEqual(r.views[0]!.bytes, stub);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 2]]);
    assert.deepEqual(pats(r.views[1]), [[TOKEN2, 1]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('reads zip64 sizes, offsets and end records', () => {
    const r = blobViews(zip([{ name: 'a.txt', data: `z ${TOKEN}\n`, zip64: true }, { name: 'b.txt', data: 'b\n' }], { zip64End: true }));
    assert.deepEqual(shape(r), [
      ['a.txt', 'text'],
      ['b.txt', 'text'],
    ]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('reads the archive and member comments', () => {
    const r = blobViews(zip([{ name: 'a.txt', data: 'a\n', comment: `member ${TOKEN2}` }], { comment: `archive ${TOKEN}` }));
    assert.deepEqual(shape(r), [
      ['a.txt', 'text'],
      ['(zip comments)', 'text'],
    ]);
    assert.deepEqual(pats(view(r, '(zip comments)', 'text')), [
      [TOKEN, 1],
      [TOKEN2, 2],
    ]);
  });

  it('names what it cannot read: encryption, other methods, bad offsets, overlaps', () => {
    const r = blobViews(
      zip(
        [
          { name: 'locked.txt', data: `e ${TOKEN}\n`, flags: 1 },
          { name: 'aes.txt', data: 'x', method: 99, flags: 1 },
          { name: 'b.bz2.txt', data: 'x', method: 12 },
          { name: 'x.xz.txt', data: 'x', method: 95 },
          { name: 'odd.txt', data: 'x', method: 77 },
          { name: 'far.txt', data: 'x', offset: 1_000_000 },
          { name: 'ok.txt', data: `o ${TOKEN2}\n` },
        ],
        { alsoList: ['ok.txt'] },
      ),
    );
    assert.deepEqual(shape(r), [['ok.txt', 'text']]);
    assert.deepEqual(r.unreadable, [
      { member: 'locked.txt', reason: 'encrypted zip member' },
      { member: 'aes.txt', reason: 'encrypted zip member (AES)' },
      { member: 'b.bz2.txt', reason: 'compressed with bzip2: the gate cannot read it' },
      { member: 'x.xz.txt', reason: 'compressed with xz: the gate cannot read it' },
      { member: 'odd.txt', reason: 'compressed with method 77: the gate cannot read it' },
      { member: 'far.txt', reason: 'its offset does not point at a member (corrupt or crafted zip)' },
      { member: 'ok.txt-again', reason: 'it overlaps another member (zip bomb?)' },
    ]);
  });

  it('reports an encrypted member even when only its local header says so', () => {
    const content = zip([{ name: 'a.txt', data: 'a' }]);
    content.writeUInt16LE(1, 6);
    assert.deepEqual(blobViews(content).unreadable, [{ member: 'a.txt', reason: 'encrypted zip member' }]);
  });

  it('checks declared sizes and CRCs against what is there, and still reads the bytes', () => {
    const body = `lie ${TOKEN}\n`.repeat(10);
    const r = blobViews(zip([{ name: 'small.txt', data: body, size: 10 }, { name: 'crc.txt', data: `c ${TOKEN2}\n`, crc: 1234 }, { name: 'stored.txt', data: 'abc', method: 0, size: 2 }]));
    assert.deepEqual(r.unreadable, [
      { member: 'small.txt', reason: `declares 10 bytes but holds ${body.length} (corrupt or crafted zip)` },
      { member: 'crc.txt', reason: 'CRC check failed (corrupt or altered)' },
      { member: 'stored.txt', reason: 'declares 2 bytes but holds 3 (corrupt or crafted zip)' },
    ]);
    assert.equal(pats(view(r, 'small.txt')).length, 10);
    assert.deepEqual(pats(view(r, 'crc.txt')), [[TOKEN2, 1]]);
  });

  it('reports a member whose data runs past the archive', () => {
    const content = zip([{ name: 'a.txt', data: 'a'.repeat(100), method: 0 }]);
    content.writeUInt32LE(10_000, 30 + 5 + 100 + 20); // the central entry's compressed size
    assert.deepEqual(blobViews(content).unreadable, [{ member: 'a.txt', reason: 'its data runs past the archive (corrupt or crafted zip)' }]);
  });

  it('reports corrupt deflate data', () => {
    const r = blobViews(zip([{ name: 'bad.txt', data: 'abc', stored: Buffer.from([0xff, 0xff, 0xff]) }]));
    assert.deepEqual(r.unreadable, [{ member: 'bad.txt', reason: 'corrupt compressed data (Z_DATA_ERROR)' }]);
  });

  it('says a zip with no central directory was cut short, and reads its printable runs', () => {
    const content = zip([{ name: 'a.txt', data: `t ${TOKEN}\n`, method: 0 }]);
    const r = blobViews(content.subarray(0, 30 + 'a.txt'.length + `t ${TOKEN}\n`.length));
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'zip without a central directory (truncated?)' }]);
    assert.deepEqual(pats(view(r, '', 'strings')).map(([s]) => s), [TOKEN]);
  });

  it('stops a deflate bomb at maxExpandedBytes, and reads the members after it', () => {
    const r = blobViews(zip([{ name: 'zeros.bin', data: Buffer.alloc(2 * MiB) }, { name: 'after.txt', data: `a ${TOKEN}\n`, method: 0 }]), limits({ maxExpandedBytes: MiB }));
    assert.deepEqual(r.unreadable, [{ member: 'zeros.bin', reason: 'expands past 1 MiB (compression bomb?)' }]);
    assert.deepEqual(shape(r), [['after.txt', 'text']]);
  });

  it('reads an expanded member past maxViewBytes up to the limit, and says so', () => {
    const big = `first ${TOKEN}\n` + 'x'.repeat(11 * MiB);
    const r = blobViews(zip([{ name: 'big.txt', data: big }]));
    assert.deepEqual(shape(r), [['big.txt', 'text']]);
    assert.equal(r.views[0]!.bytes.length, 10 * MiB);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(r.unreadable, [{ member: 'big.txt', reason: 'larger than 10 MiB: only the first 10 MiB was scanned' }]);
  });

  it('stops at maxExpandedBytes over all members, and names each member not read', () => {
    const kib = Buffer.alloc(1024, 'abcdefgh\n');
    const r = blobViews(
      zip(['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.txt`, data: kib }))),
      limits({ maxExpandedBytes: 2500 }),
    );
    assert.deepEqual(shape(r), [
      ['a.txt', 'text'],
      ['b.txt', 'text'],
    ]);
    assert.deepEqual(r.unreadable, [
      { member: 'c.txt', reason: "expands past what is left of the blob's 2500 bytes (compression bomb?)" },
      { member: 'd.txt', reason: 'not read: the blob already expanded to 2500 bytes, the limit' },
    ]);
  });

  it('stops at maxMembers, nested ones included', () => {
    const inner = zip([{ name: 'i1.txt', data: '1' }, { name: 'i2.txt', data: '2' }]);
    const r = blobViews(zip([{ name: 'in.zip', data: inner }, { name: 'a.txt', data: 'a' }, { name: 'b.txt', data: 'b' }]), limits({ maxMembers: 4 }));
    assert.deepEqual(shape(r), [
      ['in.zip!/i1.txt', 'text'],
      ['in.zip!/i2.txt', 'text'],
      ['a.txt', 'text'],
    ]);
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'more than 4 archive members' }]);
  });

  it('stops at maxMembers inside a nested zip without mistaking its members for a prefix', () => {
    const inner = zip([{ name: 'i1.txt', data: '1' }, { name: 'i2.txt', data: '2' }]);
    const r = blobViews(zip([{ name: 'in.zip', data: inner }, { name: 'c.txt', data: 'c' }]), limits({ maxMembers: 1 }));
    assert.deepEqual(shape(r), []);
    assert.deepEqual(r.unreadable, [
      { member: 'in.zip', reason: 'more than 1 archive members' },
      { member: '', reason: 'more than 1 archive members' },
    ]);
  });

  it('stops at maxDepth and reads the innermost archive as bytes', () => {
    const level3 = zip([{ name: 'deep.txt', data: `d ${TOKEN}\n`, method: 0 }]);
    const level2 = zip([{ name: 'l3.zip', data: level3, method: 0 }]);
    const content = zip([{ name: 'l2.zip', data: level2 }]);
    const opened = blobViews(content, limits({ maxDepth: 3 }));
    assert.deepEqual(shape(opened), [['l2.zip!/l3.zip!/deep.txt', 'text']]);
    const r = blobViews(content, limits({ maxDepth: 2 }));
    assert.deepEqual(r.unreadable, [{ member: 'l2.zip!/l3.zip', reason: 'archives or compression nested more than 2 deep' }]);
    assert.deepEqual(shape(r), [['l2.zip!/l3.zip', 'strings']]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
  });

  it('reads a .tar.gz in a .zip (three layers)', () => {
    const tgz = gzipSync(tar(tarEntry('etc/app.env', `GITHUB_TOKEN=${TOKEN}\n`)));
    const r = blobViews(zip([{ name: 'backup.tar.gz', data: tgz }]));
    assert.deepEqual(shape(r), [['backup.tar.gz!/(gunzipped)!/etc/app.env', 'text']]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
  });
});

describe('blobViews: tar', () => {
  it('honours GNU long names, pax paths and ustar prefixes', () => {
    const long = `${'very-long-directory-name/'.repeat(6)}app.env`;
    const content = tar(
      tarEntry('././@LongLink', `${long}\0`, 'L'),
      tarEntry(long.slice(0, 100), `L ${TOKEN}\n`),
      paxEntry({ path: 'from/pax/path.txt', mtime: '1' }),
      tarEntry('short-name', `\nP ${TOKEN2}\n`),
      tarEntry('file.txt', 'u\n', '0', { prefix: 'some/prefix' }),
      tarEntry('sub/', '', '5'),
      tarEntry('link', '', '2'),
    );
    const r = blobViews(content);
    assert.deepEqual(shape(r), [
      [long, 'text'],
      ['from/pax/path.txt', 'text'],
      ['some/prefix/file.txt', 'text'],
    ]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(pats(r.views[1]), [[TOKEN2, 2]]);
    assert.deepEqual(r.unreadable, []);
  });

  it('honours a pax size', () => {
    const data = `S ${TOKEN}\n`;
    const content = tar(paxEntry({ size: String(data.length) }), Buffer.concat([tarHeader('sized.txt', 0), Buffer.from(data), Buffer.alloc(512 - data.length)]), tarEntry('next.txt', 'n\n'));
    assert.deepEqual(shape(blobViews(content)), [
      ['sized.txt', 'text'],
      ['next.txt', 'text'],
    ]);
  });

  it('recognises a v7 tar by its header checksum', () => {
    const r = blobViews(tar(tarEntry('old.txt', `v ${TOKEN}\n`, '\0', { ustar: false })));
    assert.deepEqual(shape(r), [['old.txt', 'text']]);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
  });

  it('reads members past an early end marker, as tar --ignore-zeros does', () => {
    const content = Buffer.concat([tarEntry('a.txt', 'a\n'), Buffer.alloc(1024), tarEntry('hidden.txt', `h ${TOKEN}\n`), Buffer.alloc(1024)]);
    assert.deepEqual(shape(blobViews(content)), [
      ['a.txt', 'text'],
      ['hidden.txt', 'text'],
    ]);
  });

  it('stops at a header whose checksum is wrong, and says where', () => {
    const bad = tarEntry('b.txt', 'b\n');
    bad[0] = 0x63; // 'c': the name changes, the checksum does not
    const r = blobViews(tar(tarEntry('a.txt', 'a\n'), bad));
    assert.deepEqual(shape(r), [['a.txt', 'text']]);
    assert.deepEqual(r.unreadable, [{ member: '', reason: 'corrupt tar header at byte 1024: the rest of the archive not read' }]);
  });

  it('reads a truncated member as far as it goes, and says so', () => {
    const content = tarEntry('cut.txt', `c ${TOKEN}\n${'x'.repeat(1000)}`).subarray(0, 800);
    const r = blobViews(content);
    assert.deepEqual(shape(r), [['cut.txt', 'text']]);
    assert.equal(r.views[0]!.bytes.length, 800 - 512);
    assert.deepEqual(pats(r.views[0]), [[TOKEN, 1]]);
    assert.deepEqual(r.unreadable, [{ member: 'cut.txt', reason: 'the archive is cut short inside this member: read as far as it goes' }]);
  });

  it('cuts a member larger than maxViewBytes and says so', () => {
    const r = blobViews(tar(tarEntry('big.txt', 'x'.repeat(3000)), tarEntry('small.txt', 's\n')), limits({ maxViewBytes: 2048 }));
    assert.deepEqual(shape(r), [
      ['big.txt', 'text'],
      ['small.txt', 'text'],
    ]);
    assert.equal(r.views[0]!.bytes.length, 2048);
    assert.deepEqual(r.unreadable, [{ member: 'big.txt', reason: 'larger than 2 KiB: only the first 2 KiB was scanned' }]);
  });
});

describe('blobViews: PDF', () => {
  it('inflates FlateDecode streams (not images) and reads the file as printable runs', () => {
    const stream = deflateSync(`BT /F1 12 Tf (GITHUB_TOKEN=${TOKEN}) Tj ET\n`);
    const image = deflateSync(`image ${TOKEN2}\n`);
    const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n4 0 obj\n<< /Length ' + stream.length + ' /Filter /FlateDecode >>\nstream\n', 'latin1');
    const imageHead = Buffer.from('\nendstream\nendobj\n5 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode >>\nstream\n', 'latin1');
    const content = Buffer.concat([head, stream, imageHead, image, Buffer.from('\nendstream\nendobj\ntrailer << /Info (by hand) >>\n%%EOF\n')]);
    const r = blobViews(content);
    const member = `(stream at byte ${head.length})`;
    assert.deepEqual(shape(r), [
      ['', 'text'],
      ['', 'strings'],
      [member, 'text'],
    ]);
    assert.deepEqual(pats(view(r, member)), [[TOKEN, 1]]);
    assert.deepEqual(r.unreadable, []);
  });
});

describe('blobViews: bytes a reader passed over', () => {
  /** Every github-pat found in any view, by view kind and member. */
  const found = (r: { views: BlobView[] }) => r.views.flatMap((v) => pats(v).map(([secret]) => [v.member, v.kind, secret]));

  it('reads UTF-16LE that starts one byte in, whose first character a UTF-16BE reading loses', () => {
    const r = blobViews(Buffer.concat([Buffer.from('#'), utf16le(`${TOKEN}\r\n# settings\r\n`)]));
    assert.deepEqual(shape(r), [['', 'utf-16be']]);
    assert.deepEqual(found(r), [['', 'passed-over', TOKEN]]);
  });

  it('reads raw ASCII after a UTF-16 BOM, past the 4 KiB a guess looks at, and UTF-16 one byte off the BOM', () => {
    const bom = Buffer.from([0xff, 0xfe]);
    assert.deepEqual(found(blobViews(Buffer.concat([bom, utf16le('# settings\r\n'), Buffer.from(`TOKEN=${TOKEN}\n`)]))), [['', 'passed-over', TOKEN]]);
    assert.deepEqual(found(blobViews(Buffer.concat([utf16le('# a long line of settings\r\n'.repeat(100)), Buffer.from(`\nTOKEN=${TOKEN}\n`)]))), [['', 'passed-over', TOKEN]]);
    assert.deepEqual(found(blobViews(Buffer.concat([bom, Buffer.from('#'), utf16le(`TOKEN=${TOKEN}\r\n`)]))), [['', 'passed-over', TOKEN]]);
  });

  it('reads a UTF-16 island in a text file with NULs, and does not read a UTF-16LE file twice', () => {
    const island = Buffer.concat([Buffer.from('notes\n'.repeat(1000)), Buffer.from('\0\n'), utf16le(`token=${TOKEN}`), Buffer.from('\nend\n')]);
    assert.deepEqual(found(blobViews(island)), [['', 'strings', TOKEN]]);
    const r = blobViews(utf16le(`# settings\r\ntoken=${TOKEN}\r\n`));
    assert.deepEqual(found(r), [['', 'utf-16le', TOKEN]]);
  });

  it('reads gzip header fields and zstd skippable frames', () => {
    const gz = gzipSync('harmless\n');
    const comment = Buffer.concat([gz.subarray(0, 3), Buffer.from([16]), gz.subarray(4, 10), Buffer.from(`token=${TOKEN}\0`), gz.subarray(10)]);
    assert.deepEqual(found(blobViews(comment)), [['', 'passed-over', TOKEN]]);
    const hidden = Buffer.from(`token=${TOKEN2}\n`);
    const skippable = Buffer.alloc(8);
    skippable.writeUInt32LE(0x184d2a50, 0);
    skippable.writeUInt32LE(hidden.length, 4);
    assert.deepEqual(found(blobViews(Buffer.concat([zstdCompressSync('harmless\n'), skippable, hidden]))), [['', 'passed-over', TOKEN2]]);
  });

  it('reads tar link names and padding, and zip names and gaps, but not the members a second time', () => {
    const link = tarEntry('config', '', '2');
    link.write(`token=${TOKEN}`, 157, 'utf8');
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += link[i]!;
    link.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const padded = tarEntry('a.txt', 'a\n');
    padded.write(`token=${TOKEN2}`, 512 + 10, 'utf8');
    const member = tarEntry('b.txt', `token=${TOKEN3}\n`);
    const r = blobViews(tar(link, padded, member));
    assert.deepEqual(found(r).sort(), [['', 'passed-over', TOKEN], ['', 'passed-over', TOKEN2], ['b.txt', 'text', TOKEN3]].sort());
    const named = blobViews(zip([{ name: `keys/${TOKEN}.txt`, data: `token=${TOKEN2}\n` }]));
    // The name is in the local header and in the central directory.
    assert.deepEqual(found(named), [[`keys/${TOKEN}.txt`, 'text', TOKEN2], ['', 'passed-over', TOKEN], ['', 'passed-over', TOKEN]]);
  });

  it('inflates the compressed text chunks of a PNG', () => {
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type), data, Buffer.alloc(4)]);
    };
    const image = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', Buffer.alloc(13)),
      chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0'), deflateSync(`token=${TOKEN}`)])),
      chunk('iTXt', Buffer.concat([Buffer.from('Comment\0\x01\0en\0\0', 'latin1'), deflateSync(`token=${TOKEN2}`)])),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const r = blobViews(image);
    assert.deepEqual(found(r).map(([, , secret]) => secret), [TOKEN, TOKEN2]);
    assert.deepEqual(r.unreadable, []);
  });
});
