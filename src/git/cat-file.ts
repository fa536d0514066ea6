// A long-lived `git cat-file --batch`: objects by id, pipelined, with exact sizes from git's
// own header so no object content can desynchronise the stream.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

interface Pending {
  oid: string;
  resolve: (object: GitObject | null) => void;
  reject: (error: Error) => void;
}

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes that must be buffered before the next header or object can be complete. */
  private needed = 1;
  private failure: Error | null = null;

  constructor(repo: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repo, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.on('error', (error) => this.fail(error));
    this.child.on('close', (code) => {
      if (this.pending.length) this.fail(new Error(`git cat-file exited (${code}): ${stderr.trim()}`));
    });
    this.child.stdin.on('error', (error) => this.fail(error));
  }

  get(oid: string): Promise<GitObject | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.reject(new Error(`not an object id: ${oid.slice(0, 80)}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ oid, resolve, reject });
      this.child.stdin.write(`${oid}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }

  private onData(chunk: Buffer): void {
    // Chunks are kept in a list and joined once per object, not on every read: a large object
    // arriving in 64 KiB reads would otherwise be copied over and over.
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.needed > this.buffered) return;
      const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [buffer];
      const nl = buffer.indexOf(10);
      if (nl === -1) {
        this.needed = this.buffered + 1;
        return;
      }
      const header = buffer.subarray(0, nl).toString('latin1');
      const request = this.pending[0];
      if (!request) return this.fail(new Error(`git cat-file sent output nobody asked for: ${header.slice(0, 80)}`));
      let consumed: number;
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        consumed = nl + 1;
        this.pending.shift();
        request.resolve(null);
      } else {
        const [oid, type, sizeText] = header.split(' ');
        const size = Number(sizeText);
        if (!oid || !type || !Number.isSafeInteger(size)) return this.fail(new Error(`bad git cat-file header: ${header.slice(0, 80)}`));
        if (buffer.length < nl + 1 + size + 1) {
          this.needed = nl + 1 + size + 1; // wait for the rest of the object
          return;
        }
        const content = Buffer.from(buffer.subarray(nl + 1, nl + 1 + size));
        consumed = nl + 1 + size + 1;
        this.pending.shift();
        request.resolve({ oid, type, content });
      }
      const rest = buffer.subarray(consumed);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.needed = 1;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.splice(0)) p.reject(error);
    this.child.kill();
  }
}

export interface CommitInfo {
  oid: string;
  parents: string[];
  author: string;
  email: string;
  /** ISO 8601 author date. */
  date: string;
  message: string;
}

/** Parses a raw commit object: headers, a blank line, the message. */
export function parseCommit(oid: string, content: Buffer): CommitInfo {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  const info: CommitInfo = { oid, parents: [], author: '', email: '', date: '', message };
  for (const line of headers.split('\n')) {
    if (line.startsWith('parent ')) info.parents.push(line.slice(7));
    else if (line.startsWith('author ')) {
      const m = /^author (.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
      if (m) {
        info.author = m[1]!;
        info.email = m[2]!;
        info.date = new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z');
      }
    }
  }
  return info;
}

/** Parses a raw annotated tag object: its name, target and message (the signature kept in). */
export function parseTag(content: Buffer): { object: string; tag: string; tagger: string; message: string } {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = split === -1 ? text : text.slice(0, split);
  const result = { object: '', tag: '', tagger: '', message: split === -1 ? '' : text.slice(split + 2) };
  for (const line of headers.split('\n')) {
    if (line.startsWith('object ')) result.object = line.slice(7);
    else if (line.startsWith('tag ')) result.tag = line.slice(4);
    else if (line.startsWith('tagger ')) result.tagger = line.slice(7);
  }
  return result;
}

/**
 * A long-lived `git cat-file --batch-check`, started on first use: an object's type and size
 * before anyone reads it, so an object over a limit is never loaded.
 */
export class CatFileCheck {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly pending: Array<{ resolve: (v: { type: string; size: number } | null) => void; reject: (e: Error) => void }> = [];
  private text = '';
  private failure: Error | null = null;
  private readonly repo: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(repo: string, env: NodeJS.ProcessEnv) {
    this.repo = repo;
    this.env = env;
  }

  get(oid: string): Promise<{ type: string; size: number } | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.reject(new Error(`not an object id: ${oid.slice(0, 80)}`));
    const child = (this.child ??= this.start());
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['cat-file', '--batch-check'], { cwd: this.repo, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      for (let nl = this.text.indexOf('\n'); nl !== -1; nl = this.text.indexOf('\n')) {
        const line = this.text.slice(0, nl);
        this.text = this.text.slice(nl + 1);
        const request = this.pending.shift();
        if (!request) return this.fail(new Error(`git cat-file --batch-check sent output nobody asked for: ${line.slice(0, 80)}`));
        const [, type, size] = line.split(' ');
        if (line.endsWith(' missing') || line.endsWith(' ambiguous')) request.resolve(null);
        else if (type && Number.isSafeInteger(Number(size))) request.resolve({ type, size: Number(size) });
        else return this.fail(new Error(`bad git cat-file header: ${line.slice(0, 80)}`));
      }
    });
    child.on('error', (error) => this.fail(error));
    child.on('close', (code) => {
      if (this.pending.length) this.fail(new Error(`git cat-file --batch-check exited (${code})`));
    });
    child.stdin.on('error', (error) => this.fail(error));
    return child;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.splice(0)) p.reject(error);
    this.child?.kill();
  }
}
