// Processes a test did not start itself (hooks under git daemon, what they left running), found
// and watched through /proc.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

export function listProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`).toString('utf8').split('\0').filter(Boolean);
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid, argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** True while the process exists and is not a zombie waiting for a parent that will not reap it. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Resolves once the process has exited. Linux gives no way to wait for a process that is not
 * one's child, so /proc is looked at again every few milliseconds: this waits for the exit
 * itself, however long it takes, and assumes nothing about when it comes.
 */
export async function waitForExit(pid: number): Promise<void> {
  while (isRunning(pid)) await delay(20);
}
