// The README's first command: `gatehouse demo` on this machine, no network.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('gatehouse demo', () => {
  before(assertBuilt);

  it('clones through the gate, forwards a clean push, refuses the planted key without showing it', async (t) => {
    const home = tempDir(t);
    const result = await run(BINARY, ['demo'], { env: { PATH: process.env.PATH, HOME: home }, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /\[5\/6\][\s\S]*forwarded to upstream[\s\S]*arrived upstream:[\s\S]*add hello/);
    assert.match(result.stdout, /\[6\/6\][\s\S]*push REJECTED: secrets found[\s\S]*github-pat/);
    assert.match(result.stdout, /Demo complete/);
    assert.doesNotMatch(result.stdout, /ghp_[A-Za-z0-9]{36}/, 'the planted token never appears');
    assert.equal(result.stdout.includes('\x1b['), false, 'no colour when not a terminal');
  });
});

describe('gatehouse demo --json and Ctrl-C', () => {
  before(assertBuilt);

  it('--json prints the steps as one JSON document', async (t) => {
    const result = await run(BINARY, ['demo', '--json'], { env: { PATH: process.env.PATH, HOME: tempDir(t) }, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { ok: boolean; steps: Array<{ step: number; title: string; details: string[]; outcome?: { ok: boolean; text: string } }> };
    assert.equal(report.ok, true);
    assert.deepEqual(report.steps.map((s) => s.step), [1, 2, 3, 4, 5, 6]);
    assert.ok(report.steps.every((s) => s.title.length > 0));
    assert.match(report.steps[2]!.details.join('\n'), /serving git:\/\/127\.0\.0\.1:\d+\/demo\.git/);
    assert.equal(report.steps[5]!.outcome?.ok, true);
    assert.match(report.steps[5]!.details.join('\n'), /push REJECTED: secrets found/);
    assert.doesNotMatch(result.stdout, /ghp_[A-Za-z0-9]{36}/, 'the planted token never appears');
  });

  it('Ctrl-C mid-demo stops its git daemon and removes its directory', async (t) => {
    // A git that stops at the clone (step 4, the daemon serving) until the test interrupts the
    // demo, so the interruption lands mid-demo on every machine; every other git call is git's.
    const bin = tempDir(t);
    const fifo = join(bin, 'clone-started');
    execFileSync('mkfifo', [fifo]);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ "$1" = clone ]; then echo "$$" > "${fifo}"; exec sleep 600; fi\nexec ${realGit} "$@"\n`, { mode: 0o755 });
    const home = tempDir(t);
    // Its own process group, as a shell gives a foreground job: Ctrl-C signals the whole group.
    const demo = spawn(BINARY, ['demo', '--json'], { env: { PATH: `${bin}:${process.env.PATH}`, HOME: home }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => demo.on('close', (code, signal) => resolve({ code, signal })));
    const clonePid = Number(await readFile(fifo, 'utf8'));
    t.after(() => {
      try {
        process.kill(clonePid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    });
    const demoDir = readdirSync(tmpdir()).map((name) => join(tmpdir(), name)).filter((dir) => dir.includes('gatehouse-demo-') && existsSync(join(dir, 'upstream.git')) && processesMentioning(dir).length > 0);
    assert.equal(demoDir.length, 1, `one running demo directory: ${demoDir.join(', ')}`);
    const dir = demoDir[0]!;
    assert.ok(processesMentioning(dir).some((cmd) => cmd.includes('daemon')), 'git daemon runs over the demo mirrors');

    process.kill(-demo.pid!, 'SIGINT');
    const { signal } = await exited;
    assert.equal(signal, 'SIGINT', 'the demo dies of the interrupt, as the shell expects');
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.deepEqual(processesMentioning(dir), [], 'no process left over the demo directory');
  });
});

/** Command lines of running processes that mention text (read from /proc). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(text)) found.push(cmd);
    } catch {
      // exited while we looked
    }
  }
  return found;
}
