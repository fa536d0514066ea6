// npm run bench:startup: how close the binary's start is to the floor of any Node single
// executable. Targets (issue 3): credential fast path <= 1.3x the floor, --version <= 1.5x.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFloorBinary, printTable, timeCommands } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist/gatehouse');
const floor = buildFloorBinary();

const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const helper = join(work, 'git-credential-gatehouse');
symlinkSync(binary, helper);
const env = { HOME: work, PATH: '/usr/bin:/bin' };
// An installed gatehouse has its state dir (doctor, the first store or scan make it); the
// helper keeps its validated config there.
mkdirSync(join(work, '.local/state/gatehouse'), { recursive: true, mode: 0o700 });
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);

try {
  const timings = timeCommands(
    [
      { name: 'floor: SEA that only prints', file: floor, args: [], options: { env } },
      { name: 'node -e 0 (Node 24)', file: process.execPath, args: ['-e', '0'], options: { env } },
      { name: 'gatehouse --version', file: binary, args: ['--version'], options: { env } },
      { name: 'git-credential-gatehouse get (empty request)', file: helper, args: ['get'], input: '\n', options: { env } },
      { name: 'gatehouse config show (loads yargs, config)', file: binary, args: ['config', 'show'], options: { env } },
    ],
    rounds,
  );
  const met = printTable(`startup, ${rounds} rounds each, ratios to the floor`, timings, 'floor: SEA that only prints', {
    'gatehouse --version': 1.5,
    'git-credential-gatehouse get (empty request)': 1.3,
  });
  process.stdout.write(met ? '\nall startup targets met\n' : '\nsome startup targets MISSED\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
