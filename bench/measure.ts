// Timing helpers for benchmarks: commands run round-robin so machine noise hits each alike,
// and results are reported as ratios to a baseline measured in the same run.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSingleExecutable } from '../scripts/build.ts';

export interface Subject {
  name: string;
  file: string;
  args: string[];
  options?: SpawnSyncOptions;
  input?: string;
}

export interface Timing {
  name: string;
  medianMs: number;
  p90Ms: number;
}

export function timeCommands(subjects: Subject[], rounds: number, warmup = 3): Timing[] {
  const samples = subjects.map(() => [] as number[]);
  for (let round = -warmup; round < rounds; round++) {
    subjects.forEach((subject, i) => {
      const start = process.hrtime.bigint();
      const result = spawnSync(subject.file, subject.args, { stdio: ['pipe', 'ignore', 'pipe'], input: subject.input ?? '', ...subject.options });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0 && result.status !== 1) {
        throw new Error(`${subject.name} exited ${result.status}: ${result.stderr?.toString()}`);
      }
      if (round >= 0) samples[i]!.push(ms);
    });
  }
  return subjects.map((subject, i) => {
    const sorted = samples[i]!.sort((a, b) => a - b);
    return { name: subject.name, medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9) };
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function printTable(title: string, timings: Timing[], baseline: string, targets: Record<string, number> = {}): boolean {
  const base = timings.find((t) => t.name === baseline);
  if (!base) throw new Error(`no baseline ${baseline}`);
  let allMet = true;
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'subject'.padEnd(52)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'ratio'.padStart(7)}  target\n`);
  for (const t of timings) {
    const ratio = t.medianMs / base.medianMs;
    const target = targets[t.name];
    const verdict = target === undefined ? '' : ratio <= target ? `<= ${target}x  met` : `<= ${target}x  MISSED`;
    if (target !== undefined && ratio > target) allMet = false;
    process.stdout.write(`${t.name.padEnd(52)} ${t.medianMs.toFixed(1).padStart(7)}ms ${t.p90Ms.toFixed(1).padStart(7)}ms ${ratio.toFixed(2).padStart(6)}x  ${verdict}\n`);
  }
  return allMet;
}

/** The floor every startup ratio is taken against: a single executable, built like gatehouse, whose script only prints. */
export function buildFloorBinary(): string {
  const cache = fileURLToPath(new URL('.cache', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const script = join(cache, 'floor.cjs');
  writeFileSync(script, 'process.stdout.write("x\\n");\n');
  const floor = join(cache, 'floor');
  makeSingleExecutable(script, floor);
  return floor;
}
