// A progress bar on stderr for long scans, only when stderr is a terminal.
import { SingleBar } from 'cli-progress';
import type { ScanProgress } from '../scan/result.ts';
import { formatBytes } from '../scan/report/text.ts';

export function terminalProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean | undefined, unit: string): ScanProgress | null {
  if (enabled === false || (enabled === undefined && !stream.isTTY)) return null;
  const started = Date.now();
  let bar: SingleBar | null = null;
  let last = 0;
  return {
    update({ commits, bytes, total }) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const rate = bytes / Math.max(0.001, (now - started) / 1000);
      if (!bar) {
        bar = new SingleBar(
          {
            stream,
            format: total ? `scanning [{bar}] {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}` : `scanning {value} ${unit} | {rate}/s`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
        );
        bar.start(total ?? 0, 0, { rate: formatBytes(0) });
      }
      bar.update(commits, { rate: formatBytes(rate) });
    },
    stop() {
      bar?.stop();
    },
  };
}
