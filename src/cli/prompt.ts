// Terminal prompts for people: a line with echo, and a secret without it. Ctrl-C or Ctrl-D
// abandons the prompt (nothing is returned, so nothing is written anywhere).
import type { ProcessIO } from '../process-io.ts';
import { GatehouseError } from '../errors.ts';

export class PromptCancelled extends GatehouseError {
  constructor() {
    super('cancelled; nothing was stored', { exitCode: 130 });
  }
}

type TtyIn = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

export function promptLine(io: ProcessIO, question: string, options: { secret: boolean }): Promise<string> {
  const input = io.stdin as unknown as TtyIn;
  if (!input.isTTY || !input.setRawMode) {
    throw new GatehouseError('this needs a terminal to prompt on', { hint: 'run it in a terminal; for scripts, pipe the credential into `gatehouse credential store`' });
  }
  io.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error: Error | null) => {
      input.setRawMode!(false);
      input.pause();
      input.removeListener('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003' || ch === '\u0004') return done(new PromptCancelled());
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u007f' || ch === '\b') {
          if (value.length) {
            value = value.slice(0, -1);
            if (!options.secret) io.stderr.write('\b \b');
          }
          continue;
        }
        if (ch < ' ') continue;
        value += ch;
        if (!options.secret) io.stderr.write(ch);
      }
    };
    input.on('data', onData);
  });
}
