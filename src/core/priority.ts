import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the CPU priority (raises the niceness) of the calling thread, or with `allThreads` of
 * every thread of the process, where permitted. On Linux each thread has its own niceness, and
 * threads started later inherit their creator's; elsewhere the priority is the process's.
 */
export function lowerPriority(niceness: number, options: { allThreads?: boolean } = {}): void {
  let tids = [0];
  try {
    tids = options.allThreads
      ? readdirSync('/proc/self/task').map(Number)
      : [Number(readlinkSync('/proc/thread-self').split('/').pop())];
  } catch {
    // Not Linux: the priority is the process's.
  }
  for (const tid of tids) {
    try {
      setPriority(tid, niceness);
    } catch {
      // Not permitted: that thread keeps its priority.
    }
  }
}
