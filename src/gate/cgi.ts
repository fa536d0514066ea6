// Runs a CGI program (git http-backend) for one HTTP request: the request body streams into
// its stdin, its headers become the response's, its body streams back, with backpressure both
// ways through pipe().
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_HEADER_BYTES = 64 * 1024;

export function runCgi(req: IncomingMessage, res: ServerResponse, program: string, args: string[], env: NodeJS.ProcessEnv, onExit?: (code: number | null) => void): void {
  const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c;
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {}); // the program may stop reading early (an error response)
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const endLf = head.indexOf('\n\n');
    const split = end !== -1 ? { at: end, len: 4 } : endLf !== -1 ? { at: endLf, len: 2 } : null;
    if (!split) {
      if (head.length > MAX_HEADER_BYTES) {
        child.kill();
        if (!res.headersSent) res.writeHead(502).end('bad gateway: CGI headers too large\n');
      }
      return;
    }
    child.stdout.off('data', onData);
    let status = 200;
    for (const line of head.subarray(0, split.at).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    const rest = head.subarray(split.at + split.len);
    if (rest.length) res.write(rest);
    child.stdout.pipe(res);
  };
  child.stdout.on('data', onData);
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end('bad gateway\n');
  });
  child.on('close', (code) => {
    if (!res.headersSent) res.writeHead(502).end(`bad gateway: ${program} sent no response\n`);
    onExit?.(code);
  });
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  void stderr;
}
