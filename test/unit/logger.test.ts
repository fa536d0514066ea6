import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { bestEffort, createLogger, fileSink, guardedSink, logWriteFailures } from '../../src/log/logger.ts';
import { forgetAllSecrets, registerSecret } from '../../src/log/redact.ts';

function capture() {
  const lines: string[] = [];
  return { lines, sink: { write: (line: string) => lines.push(line) } };
}

const fixedClock = () => new Date('2026-01-02T03:04:05.000Z');

describe('logger', () => {
  afterEach(() => forgetAllSecrets());

  it('writes one JSON object per line with time, level, message and fields', () => {
    const { lines, sink } = capture();
    createLogger({ sink, now: fixedClock }).info('mirror refreshed', { repo: 'org/app', refs: 3 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    assert.deepEqual(JSON.parse(lines[0]!), { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'mirror refreshed', repo: 'org/app', refs: 3 });
  });

  it('drops lines below the level', () => {
    const { lines, sink } = capture();
    const log = createLogger({ sink, level: 'warn' });
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['c', 'd']);
    log.level = 'silent';
    log.error('e');
    assert.equal(lines.length, 2);
  });

  it('redacts loaded secrets and credential shapes in messages and fields before writing', () => {
    const { lines, sink } = capture();
    registerSecret('the-loaded-upstream-password');
    createLogger({ sink }).error('push failed for the-loaded-upstream-password', {
      url: 'https://bot:pa55word-here@git.example.test/x.git',
      stderr: ['remote: bad token ghp_' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8'],
    });
    const line = lines[0]!;
    assert.equal(line.includes('the-loaded-upstream-password'), false);
    assert.equal(line.includes('pa55word-here'), false);
    assert.equal(line.includes('Zz9Yy8Xx7Ww6'), false);
    assert.ok(JSON.parse(line).url.startsWith('https://bot:'));
  });

  it('child loggers carry their fields and share the sink', () => {
    const { lines, sink } = capture();
    createLogger({ sink, now: fixedClock }).child({ role: 'pre-receive' }).warn('slow scan', { ms: 900 });
    assert.deepEqual(JSON.parse(lines[0]!), { time: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'slow scan', role: 'pre-receive', ms: 900 });
  });
});

describe('fileSink', () => {
  it('appends lines to a file only the owner can read', async (t) => {
    const { tempDir } = await import('../helpers/tmp.ts');
    const { fileSink } = await import('../../src/log/logger.ts');
    const { readFileSync, statSync } = await import('node:fs');
    const file = `${tempDir(t)}/gatehouse.log`;
    const log = createLogger({ sink: fileSink(file) });
    log.info('one');
    createLogger({ sink: fileSink(file) }).warn('two');
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).msg), ['one', 'two']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('bestEffort drops a line its sink cannot write instead of throwing, children included', () => {
    let calls = 0;
    const failing = { write: () => { calls++; throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); } };
    const strict = createLogger({ sink: failing });
    assert.throws(() => strict.info('x'), /ENOSPC/);
    const log = bestEffort(strict);
    log.info('push forwarded');
    log.child({ mirror: 'app' }).error('still no throw');
    assert.equal(calls, 3);
    log.level = 'warn';
    assert.equal(strict.level, 'warn');
  });
});

describe('guardedSink', () => {
  it('counts writes its sink cannot make, says so once on the fallback, and says when writing works again', () => {
    const fallback = capture();
    let full = true;
    const devFull = fileSink('/dev/full'); // every write fails with ENOSPC
    const inner = { write: (line: string) => (full ? devFull.write(line) : line) };
    const logger = createLogger({ sink: guardedSink(inner, fallback.sink), now: fixedClock });
    const before = logWriteFailures();
    logger.info('one');
    logger.error('two');
    assert.equal(logWriteFailures() - before, 2);
    assert.equal(fallback.lines.length, 1);
    assert.match(fallback.lines[0]!, /cannot write the log \(ENOSPC\)/);
    full = false;
    logger.info('three');
    assert.equal(logWriteFailures() - before, 2);
    assert.match(fallback.lines[1]!, /can be written again/);
  });
});
