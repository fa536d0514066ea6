// Request bodies that carry repository content (GitHub's and Gitea's git data and contents APIs,
// GraphQL, gists) or that come on a route with scan_bodies are read whole (bounded) and scanned
// by the gate's own engine before anything goes upstream, so the API is no way around the gate.
import type { IncomingMessage } from 'node:http';
import type { ScanCoverage } from '../scan/detector.ts';
import type { Finding } from '../scan/finding.ts';
import type { Scanner } from '../scan/scanner.ts';
import { DEFAULT_BLOB_VIEW_LIMITS, type BlobViewLimits } from '../scan/blob-views.ts';
import { lexGraphql } from './graphql.ts';

/** Paths (after the route prefix, decoded) where a body writes repository content or a gist. */
const CONTENT_PATHS = [/^repos\/[^/]+\/[^/]+\/git\/(blobs|trees|commits|tags|refs)(\/|$)/i, /^repos\/[^/]+\/[^/]+\/contents(\/|$)/i, /^gists(\/|$)/i];
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isGraphqlPath(rest: string): boolean {
  return /(^|\/)graphql\/*$/i.test(rest);
}

/** Why this request's body must be scanned, or null when it streams through unread. */
export function scanReason(method: string, rest: string, scanBodies: boolean): string | null {
  if (scanBodies) return 'route scans request bodies';
  if (READS.has(method)) return null;
  const path = rest.replace(/\/{2,}/g, '/').replace(/^\//, '');
  if (isGraphqlPath(path)) return 'GraphQL';
  if (CONTENT_PATHS.some((p) => p.test(path))) return 'repository content';
  return null;
}

/** Reads a body of at most max bytes; null when it is longer (what was read is dropped). */
export async function readBounded(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return null;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface View {
  label: string;
  bytes: Buffer;
  /** Whether what it could not decode counts: not for a JSON body as sent, whose every value is a view of its own, one encoding less deep. */
  counts: boolean;
}

const MAX_DEPTH = 64;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The bytes a base64 string stands for, or null when it is not base64. */
function fromBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 8 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, /[-_]/.test(compact) ? 'base64url' : 'base64');
}

/**
 * The texts to scan in one body: the body as sent; for JSON, every string value unescaped (so a
 * key with its line breaks written as \n is whole again), and decoded too when it is base64;
 * for a GraphQL query, its string literals the same way.
 */
export function bodyViews(body: Buffer): { views: View[]; tooDeep: boolean } {
  const views: View[] = [{ label: '(request body)', bytes: body, counts: true }];
  let tooDeep = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { views, tooDeep };
  }
  views[0]!.counts = false;
  const strings: string[] = [];
  // Values that read as base64 are also scanned as written (ghp_... reads as base64url), one encoding deeper than their decoded view.
  const encoded: string[] = [];
  const visit = (value: unknown, where: string, depth: number): void => {
    if (depth > MAX_DEPTH) tooDeep = true;
    else if (typeof value === 'string') {
      const decoded = fromBase64(value);
      if (decoded) views.push({ label: `(request body: ${where}, base64-decoded)`, bytes: decoded, counts: true });
      (decoded ? encoded : strings).push(value);
      if (where.endsWith('.query')) {
        for (const literal of lexGraphql(value)?.strings ?? []) {
          const inner = fromBase64(literal);
          if (inner) views.push({ label: `(request body: string in ${where}, base64-decoded)`, bytes: inner, counts: true });
          (inner ? encoded : strings).push(literal);
        }
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${where}[${i}]`, depth + 1));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k.slice(0, 40)}`, depth + 1);
  };
  visit(parsed, '$', 0);
  if (strings.length) views.push({ label: '(request body: JSON strings)', bytes: Buffer.from(strings.join('\n'), 'utf8'), counts: true });
  if (encoded.length) views.push({ label: '(request body: JSON strings)', bytes: Buffer.from(encoded.join('\n'), 'utf8'), counts: false });
  return { views, tooDeep };
}

export interface BodyScanResult {
  findings: Finding[];
  /** What could not be read (an encrypted archive, an encoding nested too deep): the request is refused. */
  notScanned: string[];
}

export function scanBody(scanner: Scanner, body: Buffer, maxViewBytes: number): BodyScanResult {
  const limits: BlobViewLimits = { ...DEFAULT_BLOB_VIEW_LIMITS, maxViewBytes };
  const findings: Finding[] = [];
  const { views, tooDeep } = bodyViews(body);
  const notScanned: string[] = tooDeep ? [`(request body): JSON nested deeper than ${MAX_DEPTH} levels`] : [];
  for (const view of views) {
    const coverage: ScanCoverage = { undecoded: [] };
    const result = scanner.scanBlob(view.bytes, { file: view.label, commit: '' }, limits, coverage);
    findings.push(...result.findings);
    for (const u of result.unreadable) notScanned.push(`${view.label}${u.member ? ` member ${u.member}` : ''}: ${u.reason}`);
    if (view.counts) for (const u of coverage.undecoded) notScanned.push(`${view.label} line ${u.line}: ${u.encoding} nested deeper than scan.decode_depth`);
  }
  return { findings, notScanned };
}
