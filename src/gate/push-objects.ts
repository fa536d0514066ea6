// What a push brings, read the way git stores it: every object reachable from the new tips and
// from no existing ref (`rev-list --objects <tips> --not --all`, in the push quarantine), each
// scanned whole. Blobs through blob-views (binary, UTF-16, archives), commits and tags raw
// (headers, names, signatures and message), trees by their entry names, and the pushed ref
// names. Diffs are only used to say where a finding came in and to leave out a secret the
// file already had before the push (one the upstream already holds).
import { CatFileBatch, parseCommit, parseTag, type CommitInfo } from '../git/cat-file.ts';
import { readIntroductions, type BlobIntroduction } from '../git/blob-introductions.ts';
import { ObjectStream } from '../git/object-stream.ts';
import { gateGitEnv } from '../git/safe-env.ts';
import { blobViews, type BlobViewLimits } from '../scan/blob-views.ts';
import { fingerprint, type Finding } from '../scan/finding.ts';
import { emptyStats, type ScanResult } from '../scan/result.ts';
import type { Scanner, ScanCoverage } from '../scan/scanner.ts';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';

export interface PushObjectsOptions {
  gitDir: string;
  env: NodeJS.ProcessEnv;
  updates: RefUpdate[];
  viewLimits: BlobViewLimits;
  /** Wall-clock time (ms since the epoch) after which the rest is "not scanned". */
  deadline: number;
  /**
   * Object ids the upstream's refs hold (git ls-remote): what the forward will not send. Without
   * it, what the mirror's refs reach counts as known, which is only true while the mirror is
   * not behind its upstream.
   */
  upstreamHas?: readonly string[];
}

/** Per blob with findings: the findings (unattributed) and the path rev-list named. */
interface BlobHits {
  name: string;
  findings: Finding[];
}

export async function scanPushedObjects(scanner: Scanner, options: PushObjectsOptions): Promise<ScanResult> {
  const started = Date.now();
  const env = gateGitEnv(options.env);
  const result: ScanResult = { findings: [], notScanned: [], stats: emptyStats() };
  result.findings.push(...scanRefNames(scanner, options.updates));

  const tips = [...new Set(options.updates.filter((u) => !isZeroOid(u.newOid)).map((u) => u.newOid))];
  if (tips.length === 0) return done(result, started);

  const objects = ObjectStream.newObjects(options.gitDir, env, tips, scanner.limits.maxFileBytes, options.upstreamHas);
  /** The path rev-list reached each new blob by. */
  const names = new Map<string, string>();
  const commitInfo = new Map<string, CommitInfo>();
  const blobs = new Set<string>();
  /** Paths at which new trees hold each blob, for the rules that fire on a path. */
  const blobPaths: BlobPaths = new Map();
  const hits = new Map<string, BlobHits>();
  let timedOut = false;
  try {
    for await (const object of objects) {
      const name = object.rest;
      result.stats.bytes += object.size;
      if (object.type === 'blob') {
        blobs.add(object.oid);
        names.set(object.oid, name);
        result.stats.files++;
        if (!object.content) {
          result.notScanned.push({ path: name, commit: '', reason: `blob ${object.oid.slice(0, 12)} is ${object.size} bytes, over the scan limit of ${scanner.limits.maxFileBytes}` });
          continue;
        }
        const found = await scanBlob(scanner, object.oid, object.content, name, options.viewLimits, result);
        if (found.length) hits.set(object.oid, { name, findings: found });
      } else if (!object.content) {
        result.notScanned.push({ path: name, commit: '', reason: `${object.type} ${object.oid.slice(0, 12)} (${object.size} bytes) could not be read within the scan limit` });
      } else if (object.type === 'commit') {
        result.stats.commits++;
        const info = parseCommit(object.oid, object.content);
        commitInfo.set(object.oid, info);
        result.findings.push(...scanCommitObject(scanner, info, object.content));
      } else if (object.type === 'tag') {
        result.findings.push(...scanTagObject(scanner, object.oid, object.content));
      } else if (object.type === 'tree') {
        result.findings.push(...scanTreeNames(scanner, object.oid, object.content, name, blobPaths));
      } else {
        throw new Error(`unexpected object ${object.oid} of type ${object.type} in the push`);
      }
      if (Date.now() > options.deadline) {
        timedOut = true;
        break;
      }
    }
    if (timedOut) {
      result.notScanned.push({ path: '', commit: '', reason: `scan time limit reached after ${result.stats.files} blob(s) and ${result.stats.commits} commit(s); the rest of the push was not scanned` });
      return done(result, started);
    }
    result.findings.push(...pathFindings(scanner, blobs, blobPaths, names));
    if (hits.size) {
      const introductions = await readIntroductions(options.gitDir, env, [...commitInfo.keys()]);
      for (const f of await attribute(scanner, options, env, hits, introductions)) {
        const info = commitInfo.get(f.Commit);
        result.findings.push(info ? { ...f, Author: info.author, Email: info.email, Date: info.date, Message: info.message } : f);
      }
    }
    return done(result, started);
  } finally {
    objects.close();
  }
}

function done(result: ScanResult, started: number): ScanResult {
  result.stats.durationMs = Date.now() - started;
  return result;
}

function scanRefNames(scanner: Scanner, updates: RefUpdate[]): Finding[] {
  const refs = updates.map((u) => u.ref);
  return relabel(scanner.scanText(refs.join('\n'), { file: '(ref name)', commit: '' }), () => '(ref name)');
}

async function scanBlob(scanner: Scanner, oid: string, content: Buffer, name: string, limits: BlobViewLimits, result: ScanResult): Promise<Finding[]> {
  const key = scanner.cache ? scanner.cacheKey(name, `blob ${oid}`) : null;
  if (key && (await scanner.cache!.isClean(key))) {
    result.stats.cacheHits++;
    return [];
  }
  const coverage: ScanCoverage = { undecoded: [] };
  const { findings, unreadable } = scanner.scanBlob(content, { file: name, commit: '' }, limits, coverage);
  for (const u of unreadable) {
    result.notScanned.push({ path: u.member ? `${name}!/${u.member}` : name, commit: '', reason: `blob ${oid.slice(0, 12)}: ${u.reason}` });
  }
  // What is still encoded past scan.decode_depth was not read: unscanned, not clean.
  for (const u of coverage.undecoded) {
    result.notScanned.push({ path: name, commit: '', reason: `blob ${oid.slice(0, 12)} line ${u.line}: encoded deeper than scan.decode_depth (${u.encoding})` });
  }
  if (key && findings.length === 0 && unreadable.length === 0 && coverage.undecoded.length === 0) await scanner.cache!.markClean(key);
  return findings;
}

const HEADER_LABELS: Record<string, string> = {
  author: 'author of commit',
  committer: 'committer of commit',
  gpgsig: 'signature of commit',
  'gpgsig-sha256': 'signature of commit',
  mergetag: 'merged tag header of commit',
};

/** A commit object as git stores it: tree, parents, author, committer, extra headers, signature, message. */
function scanCommitObject(scanner: Scanner, info: CommitInfo, content: Buffer): Finding[] {
  const found = scanRawObject(scanner, content, { file: '', commit: info.oid, author: info.author, email: info.email, date: info.date, message: info.message });
  return relabel(found, (header) => (header === null ? '(commit message)' : header === '' ? '(commit object, decoded)' : `(${HEADER_LABELS[header] ?? `commit header "${header}"`})`));
}

function scanTagObject(scanner: Scanner, oid: string, content: Buffer): Finding[] {
  const tag = parseTag(content);
  const found = scanRawObject(scanner, content, { file: '', commit: '', message: tag.message });
  const name = `tag ${tag.tag || oid.slice(0, 12)}`;
  return relabel(found, (header) => (header === null ? `(message of ${name})` : header === '' ? `(${name}, decoded)` : header === 'tag' ? `(name of ${name})` : `(${header} header of ${name})`));
}

/**
 * Scans the raw object text and rewrites each finding's line to say where it is: a header (by
 * name; signature continuation lines belong to their header) or the message, whose lines are
 * then counted from the message's first line.
 */
function scanRawObject(scanner: Scanner, content: Buffer, ctx: { file: string; commit: string; author?: string; email?: string; date?: string; message?: string }): Finding[] {
  const text = content.toString('utf8');
  const found = scanner.scanText(text, ctx);
  const derived: Finding[] = [];
  if (content.includes(0)) {
    // A message in UTF-16 or with NULs: the same readings a blob gets. Their line numbers are
    // the reading's own, so they say nothing about which header or message line it was.
    for (const view of blobViews(content).views) if (view.kind !== 'text') derived.push(...scanner.scanBytes(view.bytes, ctx));
  }
  if (found.length === 0 && derived.length === 0) return derived;
  for (const f of derived) (f as HeaderedFinding).header = '';
  const lines = text.split('\n');
  const blank = lines.indexOf('');
  const headerCount = blank === -1 ? lines.length : blank;
  for (const f of found) {
    const index = f.StartLine - 1;
    if (index < headerCount) {
      let h = index;
      while (h > 0 && lines[h]!.startsWith(' ')) h--;
      (f as HeaderedFinding).header = lines[h]!.split(' ', 1)[0]!;
    } else {
      (f as HeaderedFinding).header = null;
      f.StartLine -= headerCount + 1;
      f.EndLine -= headerCount + 1;
    }
  }
  return [...found, ...derived];
}

/** header: a header's name, null for the message, '' for a reading of the whole object (UTF-16, printable runs). */
type HeaderedFinding = Finding & { header?: string | null };

function relabel(found: Finding[], label: (header: string | null) => string): Finding[] {
  return found.map((f) => {
    const { header, ...rest } = f as HeaderedFinding;
    const out: Finding = { ...rest, File: label(header ?? null) };
    out.Fingerprint = fingerprint(out);
    return out;
  });
}

type BlobPaths = Map<string, string[]>;

/**
 * A tree's entry names, one per line: file and directory names are shown by every host. Each
 * file entry's path is noted for the path rules.
 */
function scanTreeNames(scanner: Scanner, oid: string, content: Buffer, path: string, blobPaths: BlobPaths): Finding[] {
  const hashBytes = oid.length === 64 ? 32 : 20;
  const names: string[] = [];
  for (let at = 0; at < content.length; ) {
    const space = content.indexOf(32, at);
    const nul = content.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 1 + hashBytes > content.length) throw new Error(`tree ${oid} is malformed`);
    const name = content.subarray(space + 1, nul).toString('utf8');
    names.push(name);
    // Modes 100644, 100755 (files) and 120000 (symlinks) name blobs; 40000 trees, 160000 submodules.
    if (content[at] === 0x31 && content[at + 1] !== 0x36) {
      const blob = content.subarray(nul + 1, nul + 1 + hashBytes).toString('hex');
      const full = path ? `${path}/${name}` : name;
      const list = blobPaths.get(blob);
      if (list) list.push(full);
      else blobPaths.set(blob, [full]);
    }
    at = nul + 1 + hashBytes;
  }
  const where = path ? `(file name in ${path}/)` : '(file name at the top level)';
  return relabel(scanner.scanText(names.join('\n'), { file: where, commit: '' }), () => where);
}

/** Rules that fire on a path alone (a committed id_rsa, a .p12 keystore), for every path a new tree holds a new blob at. */
function pathFindings(scanner: Scanner, blobs: Set<string>, blobPaths: BlobPaths, names: Map<string, string>): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const blob of blobs) {
    for (const path of [names.get(blob) ?? '', ...(blobPaths.get(blob) ?? [])]) {
      if (!path || seen.has(path)) continue;
      seen.add(path);
      for (const f of scanner.scanPath({ file: path, commit: '' })) {
        f.Fingerprint = fingerprint(f);
        out.push(f);
      }
    }
  }
  return out;
}

/**
 * Gives each blob finding the commit and path it came in at, and leaves out a secret the file
 * already had: one found in the blob's pre-image at every place it came in. That pre-image is
 * in a parent's tree, so it is either already in the repository (and upstream) or itself new in
 * this push and scanned there; a blob no commit brings in (a ref to a tree or blob) has no
 * pre-image and keeps all its findings.
 */
async function attribute(scanner: Scanner, options: PushObjectsOptions, env: NodeJS.ProcessEnv, hits: Map<string, BlobHits>, introductions: Map<string, BlobIntroduction[]>): Promise<Finding[]> {
  const out: Finding[] = [];
  let catFile: CatFileBatch | null = null;
  const preimageSecrets = new Map<string, Promise<Set<string>>>();
  const secretsOf = (oid: string): Promise<Set<string>> => {
    let secrets = preimageSecrets.get(oid);
    if (!secrets) {
      catFile ??= new CatFileBatch(options.gitDir, env);
      secrets = catFile.get(oid).then((object) => {
        const set = new Set<string>();
        if (!object || object.type !== 'blob' || object.content.length > scanner.limits.maxFileBytes) return set;
        for (const f of scanner.scanBlob(object.content, { file: '', commit: '' }, options.viewLimits).findings) set.add(f.Secret);
        return set;
      });
      preimageSecrets.set(oid, secrets);
    }
    return secrets;
  };
  try {
    for (const [blob, { name, findings }] of hits) {
      const places = introductions.get(blob) ?? [];
      for (const f of findings) {
        let reportAt: BlobIntroduction | null = places.length ? null : { commit: '', path: name, preimages: [] };
        for (const place of places) {
          let known = false;
          for (const pre of place.preimages) if ((await secretsOf(pre)).has(f.Secret)) known = true;
          if (!known) {
            reportAt = place;
            break;
          }
        }
        if (!reportAt) continue;
        const member = f.File.startsWith(`${name}!/`) ? f.File.slice(name.length) : '';
        const attributed: Finding = { ...f, File: `${reportAt.path}${member}`, Commit: reportAt.commit };
        if (!reportAt.path) attributed.File = `(blob ${blob.slice(0, 12)} a ref points at)${member}`;
        attributed.Fingerprint = fingerprint(attributed);
        out.push(attributed);
      }
    }
  } finally {
    (catFile as CatFileBatch | null)?.close();
  }
  return out;
}
