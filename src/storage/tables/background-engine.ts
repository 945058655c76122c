/**
 * A DuckDB engine in a child process at the lowest CPU priority: work that can wait (compacting
 * the inference store's write-ahead files into Parquet) runs only on CPU time nothing else wants,
 * so it never takes a core from request handling. On Linux the child runs under the `SCHED_IDLE`
 * policy (through util-linux's `chrt`, where present) as well as at nice 19: a nice-19 process
 * still takes its turn on a core a serving worker is waiting for (measured: a nice-19 busy loop
 * beside `lathe serve` at 12,900 req/s doubled its p99, one under `SCHED_IDLE` left it as it was),
 * while a `SCHED_IDLE` one gives way at once. The child starts at the first query and exits with
 * its parent or on `close()`.
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LatheError } from '../../core/index.js';
import type { BackgroundReply, BackgroundRequest } from './background-engine-entry.js';

/** The niceness the child runs at (19: the lowest priority). */
export const BACKGROUND_NICENESS = 19;

const isTs = import.meta.url.endsWith('.ts');

let idleLauncher: string | null | undefined;
/**
 * `chrt` when it can start a process under `SCHED_IDLE` here (checked once: a sandbox may refuse
 * the policy), else null.
 */
export function idlePolicyLauncher(): string | null {
  if (idleLauncher !== undefined) return idleLauncher;
  idleLauncher = null;
  if (process.platform !== 'linux') return idleLauncher;
  for (const chrt of ['/usr/bin/chrt', '/bin/chrt'])
    if (existsSync(chrt) && spawnSync(chrt, ['--idle', '0', 'true'], { stdio: 'ignore' }).status === 0) {
      idleLauncher = chrt;
      break;
    }
  return idleLauncher;
}

/** The child: background-engine-entry, through tsx's loader when the sources are .ts. */
function spawnChild(threads: number): ChildProcess {
  const entry = new URL(`./background-engine-entry${isTs ? '.ts' : '.js'}`, import.meta.url);
  const execArgv = isTs ? ['--import', import.meta.resolve('tsx')] : [];
  const options = {
    serialization: 'advanced' as const,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
  };
  const chrt = idlePolicyLauncher();
  // chrt sets the policy and execs node: the child keeps the PID and the IPC channel.
  if (chrt)
    return spawn(
      chrt,
      ['--idle', '0', process.execPath, ...execArgv, fileURLToPath(entry), String(threads)],
      options,
    );
  return fork(entry, [String(threads)], { execArgv, ...options });
}

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (err: Error) => void;
}

/** SQL run in a low-priority child process; rows come back by structured clone. */
export class BackgroundEngine {
  readonly #threads: number;
  #child: ChildProcess | null = null;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #closed = false;

  /** `threads`: DuckDB threads in the child (default 1). */
  constructor(options: { threads?: number } = {}) {
    this.#threads = options.threads ?? 1;
  }

  /** The child's process ID, or null before the first query and after it exits. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /**
   * Runs `sql` in the child and answers its rows.
   * @throws LatheError `TABLE_QUERY_FAILED` when the query fails, the child dies, or the engine is closed.
   */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    if (this.#closed)
      return Promise.reject(new LatheError('TABLE_QUERY_FAILED', 'The background table engine is closed.'));
    const child = this.#ensureChild();
    const id = this.#next++;
    return new Promise<T[]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      // A query in flight keeps the parent alive; an idle child does not.
      child.ref();
      child.channel?.ref();
      child.send({ id, sql } satisfies BackgroundRequest);
    });
  }

  /** Stops the child (queries in flight fail). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.ref();
    // Disconnecting lets the child close DuckDB and exit; a stuck child is killed.
    if (child.connected) child.disconnect();
    else child.kill();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  #ensureChild(): ChildProcess {
    if (this.#child) return this.#child;
    const child = spawnChild(this.#threads);
    this.#child = child;
    child.on('message', (reply: BackgroundReply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#idle(child);
      if (reply.error !== undefined)
        p.reject(new LatheError('TABLE_QUERY_FAILED', `Background query failed: ${reply.error}`));
      else p.resolve(reply.rows ?? []);
    });
    const fail = (why: string) => {
      if (this.#child === child) this.#child = null;
      const err = new LatheError('TABLE_QUERY_FAILED', `The background table engine ${why}.`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    child.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    child.on('error', (e) => fail(`failed: ${e.message}`));
    this.#idle(child);
    return child;
  }

  #idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
  }
}
