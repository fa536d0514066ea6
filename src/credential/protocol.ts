// The git credential protocol's wire format (gitcredentials(7), git-credential(1)): lines of
// key=value ended by a blank line or EOF. Written by hand because it is the product's core and a
// strict reader is the safety: NUL, over-long lines and oversize requests are refused outright.
import type { Readable } from 'node:stream';
import { readFdUntil } from '../process-io.ts';

export const MAX_LINE_BYTES = 65_535;
export const MAX_REQUEST_BYTES = 1_048_576;

/** Values by key (keys ending in [] are arrays), and every line in the order it came: url= resets fields, so order matters. */
export class CredentialAttributes extends Map<string, string[]> {
  readonly lines: Array<[string, string]> = [];
}

export class CredentialProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialProtocolError';
  }
}

/** Parses one request already read as text. Keys ending in [] are arrays; others keep the last value. */
export function parseCredentialRequest(text: string): CredentialAttributes {
  if (text.includes('\0')) throw new CredentialProtocolError('credential request contains a NUL byte');
  const attributes = new CredentialAttributes();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') break;
    // A carriage return inside a value could forge a line for a helper that splits on it (git's credential.protectProtocol).
    if (line.includes('\r')) throw new CredentialProtocolError('credential request value contains a carriage return');
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new CredentialProtocolError('credential request line is too long');
    const eq = line.indexOf('=');
    if (eq <= 0) throw new CredentialProtocolError(`credential request line without a key: expected key=value`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    attributes.lines.push([key, value]);
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      // An empty value resets the array, as git does.
      const values = attributes.get(name);
      if (value === '') attributes.set(name, []);
      else if (values) values.push(value);
      else attributes.set(name, [value]);
    } else {
      attributes.set(key, [value]);
    }
  }
  return attributes;
}

/** A request's bytes, collected up to the blank line that ends it (or EOF); anything oversized is refused. */
class RequestBytes {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private tail = Buffer.alloc(0);

  /** Adds bytes just read; true once the request is complete. */
  add = (chunk: Buffer): boolean => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > MAX_REQUEST_BYTES) throw new CredentialProtocolError('credential request is too large');
    // Only the new bytes (and the two before them) can complete the blank line that ends a request.
    const window = Buffer.concat([this.tail, chunk]);
    if (endsRequest(window, this.size === chunk.length)) return true;
    this.tail = window.subarray(Math.max(0, window.length - 2));
    return false;
  };

  attributes(): CredentialAttributes {
    return parseCredentialRequest(Buffer.concat(this.chunks).toString('utf8'));
  }
}

/** Reads a request from the descriptor without streams (see ProcessIO.fds) when there is one, else from the stream. */
export async function readCredentialRequestFrom(fd: number | undefined, input: Readable): Promise<CredentialAttributes> {
  if (fd !== undefined) {
    const request = new RequestBytes();
    if (readFdUntil(fd, request.add)) return request.attributes();
  }
  return readCredentialRequest(input);
}

/** Reads a request from a stream up to the blank line or EOF, refusing anything oversized. */
export async function readCredentialRequest(input: Readable): Promise<CredentialAttributes> {
  const request = new RequestBytes();
  for await (const chunk of input as AsyncIterable<Buffer>) if (request.add(chunk)) break;
  return request.attributes();
}

function endsRequest(data: Buffer, atStart: boolean): boolean {
  if (atStart && (data[0] === 0x0a || (data[0] === 0x0d && data[1] === 0x0a))) return true;
  return data.includes('\n\n') || data.includes('\n\r\n');
}

/** Formats attributes for git; a value holding a newline or NUL would forge lines and is refused. */
export function formatCredentialResponse(attributes: Iterable<[string, string | string[]]>): string {
  let out = '';
  for (const [key, value] of attributes) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (/[\n\0]/.test(v) || /[\n\0=]/.test(key)) throw new CredentialProtocolError(`refusing to send attribute ${key}: it holds a newline or NUL`);
      out += `${key}${Array.isArray(value) ? '[]' : ''}=${v}\n`;
    }
  }
  return out;
}
