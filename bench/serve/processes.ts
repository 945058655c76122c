/**
 * Process plumbing of bench/serve/serve.ts: child processes in their own process groups, all
 * killed on exit, error or Ctrl-C; free ports; readiness polling; and the two load generators
 * (wrk with load.lua for closed-loop maximum throughput, fixed-rate.ts for open-loop latency at
 * a fixed rate), each parsed from its one-line JSON summary.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { FixedRateResult } from './fixed-rate.js';

const here = import.meta.dirname;
const children = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let cleanupInstalled = false;
/** Kills every child group (SIGKILL) when this process exits, is interrupted or fails. */
export function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const c of children) killGroup(c, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the servers and load generators`);
      process.exit(130);
    });
  process.on('uncaughtException', (err) => {
    console.error(err);
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    console.error(err);
    process.exit(1);
  });
}

/** Spawns a command in its own process group (so its workers die with it), tracked for cleanup. */
export function start(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' } = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Stops a child group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL'); // workers that outlived their master
}

/** Runs a command to its end and returns its stdout; rejects with its stderr on failure. */
export function runToEnd(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(command, args, { cwd });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${err.slice(-2000)}`)),
    );
  });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls a URL until it answers 200, or fails after `timeoutMs` (or when `child` exits). */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited (${child.exitCode}) before ${url} answered`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** True when `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** wrk's summary (load.lua's `done`), latencies in microseconds. */
export interface WrkResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
}

/** One closed-loop wrk run of `seconds` with `connections` keep-alive connections. */
export async function runWrk(opts: {
  url: string;
  bodies: string;
  token?: string;
  connections: number;
  threads: number;
  seconds: number;
}): Promise<WrkResult & { rps: number; errors: number }> {
  const out = await runToEnd('wrk', [
    `-t${opts.threads}`,
    `-c${opts.connections}`,
    `-d${opts.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    path.join(here, 'load.lua'),
    opts.url,
    '--',
    opts.bodies,
    opts.token ?? '',
  ]);
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length)) as WrkResult;
  return {
    ...r,
    rps: r.requests / (r.durationUs / 1e6),
    errors: r.connect + r.read + r.write + r.status + r.timeout,
  };
}

/** One open-loop run of fixed-rate.ts (a separate Node process) at `rate` requests/s. */
export async function runFixedRate(opts: {
  url: string;
  bodies: string;
  token?: string;
  rate: number;
  seconds: number;
  connections: number;
}): Promise<FixedRateResult> {
  const out = await runToEnd(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, 'fixed-rate.ts'),
      '--url',
      opts.url,
      '--bodies',
      opts.bodies,
      '--rate',
      String(Math.round(opts.rate)),
      '--duration',
      String(opts.seconds),
      '--warmup',
      '2',
      '--connections',
      String(opts.connections),
      ...(opts.token ? ['--token', opts.token] : []),
    ],
    path.resolve(here, '../..'), // where tsx resolves
  );
  const line = out.split('\n').find((l) => l.startsWith('FIXED_JSON '));
  if (!line) throw new Error(`fixed-rate.ts printed no summary:\n${out}`);
  return JSON.parse(line.slice('FIXED_JSON '.length)) as FixedRateResult;
}
