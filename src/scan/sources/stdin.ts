// Scans standard input as one text, refusing (not truncating) input over the size limit.
import type { Readable } from 'node:stream';
import { emptyStats, type ScanResult } from '../result.ts';
import type { Scanner } from '../scanner.ts';

export async function scanStream(scanner: Scanner, input: Readable, label = ''): Promise<ScanResult> {
  const started = Date.now();
  const stats = emptyStats();
  const result: ScanResult = { findings: [], notScanned: [], stats };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > scanner.limits.maxFileBytes) {
      result.notScanned.push({ path: label || '(stdin)', commit: '', reason: `input is over the ${scanner.limits.maxFileBytes}-byte limit` });
      input.destroy();
      stats.durationMs = Date.now() - started;
      return result;
    }
    chunks.push(chunk);
  }
  stats.files = 1;
  stats.bytes = size;
  result.findings.push(...scanner.scanBytes(Buffer.concat(chunks), { file: label, commit: '' }));
  stats.durationMs = Date.now() - started;
  return result;
}
