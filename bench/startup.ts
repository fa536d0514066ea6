// npm run bench:startup: how close each start is to Node's own. Every ratio is to `node -e 0`
// (the Node 24 the binary is built from) measured in the same run, round-robin. Targets: the
// credential fast path <= 1.3x the floor of any single executable (issue 3); --version and every
// `gatehouse <command>` <= 1.5x `node -e 0` (issue 14).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_LOADERS } from '../src/cli/registry.ts';
import { buildFloorBinary, printTable, timeCommands, type Subject } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist/gatehouse');
const floor = buildFloorBinary();

const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const helper = join(work, 'git-credential-gatehouse');
symlinkSync(binary, helper);
const env = { HOME: work, PATH: '/usr/bin:/bin' };
// An installed gatehouse has its state dir (doctor, the first store or scan make it); commands
// keep their validated config there.
mkdirSync(join(work, '.local/state/gatehouse'), { recursive: true, mode: 0o700 });
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const NODE = 'node -e 0 (Node 24)';
const FLOOR = 'floor: SEA that only prints';

const gatehouse = (args: string[], input?: string): Subject => ({ name: `gatehouse ${args.join(' ')}`, file: binary, args, options: { env, cwd: work }, ...(input === undefined ? {} : { input }) });
// Each command starting: its --help (parse, load the command's module, print), and commands that
// do their work in a few milliseconds, run for real.
const commands: Subject[] = [
  ...COMMAND_LOADERS.map(([name]) => gatehouse([name, '--help'])),
  gatehouse(['config', 'show']),
  gatehouse(['mirror', 'list']),
  gatehouse(['gitconfig', '--gate', 'git://127.0.0.1:9418']),
  gatehouse(['shim', 'routes', '--preset', 'github']),
  gatehouse(['scan', '-'], 'nothing to see here\n'),
];

try {
  const timings = timeCommands(
    [
      { name: NODE, file: process.execPath, args: ['-e', '0'], options: { env } },
      { name: FLOOR, file: floor, args: [], options: { env } },
      gatehouse(['--version']),
      { name: 'git-credential-gatehouse get (empty request)', file: helper, args: ['get'], input: '\n', options: { env } },
      ...commands,
    ],
    rounds,
  );
  const floorTiming = timings.find((t) => t.name === FLOOR)!;
  const helperTiming = timings.find((t) => t.name.startsWith('git-credential-gatehouse'))!;
  const targets = Object.fromEntries([['gatehouse --version', 1.5], ...commands.map((c) => [c.name, 1.5])]);
  let met = printTable(`startup, ${rounds} rounds each, ratios to ${NODE}`, timings, NODE, targets);
  const helperRatio = helperTiming.medianMs / floorTiming.medianMs;
  process.stdout.write(`\ncredential fast path to the floor: ${helperRatio.toFixed(2)}x (target <= 1.3x) ${helperRatio <= 1.3 ? 'met' : 'MISSED'}\n`);
  met &&= helperRatio <= 1.3;
  process.stdout.write(met ? '\nall startup targets met\n' : '\nsome startup targets MISSED\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
