// Real git repositories for tests, built with the git on this machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

export class TestRepo {
  readonly dir: string;
  constructor(dir: string, options: { bare?: boolean; branch?: string; existing?: boolean } = {}) {
    this.dir = dir;
    if (options.existing) return;
    mkdirSync(dir, { recursive: true });
    this.git('init', '-q', ...(options.bare ? ['--bare'] : []), '-b', options.branch ?? 'main');
  }

  /** A repository that already exists (a clone, a mirror). */
  static open(dir: string): TestRepo {
    return new TestRepo(dir, { existing: true });
  }

  /** The commit a ref points at, or null when it does not exist. */
  ref(ref: string): string | null {
    try {
      return this.git('rev-parse', '--verify', '-q', `${ref}^{}`).trim() || null;
    } catch {
      return null;
    }
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  write(path: string, content: string | Buffer): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Writes files, stages everything, commits; returns the commit id. */
  commit(message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [path, content] of Object.entries(files)) this.write(path, content);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }
}
