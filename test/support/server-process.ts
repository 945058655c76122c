import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ServerProcess {
  url: string;
  /** The admin token the server printed at first start (null with auth off or on a used data dir). */
  adminToken: string | null;
  dataDir: string;
  child: ChildProcess;
  /** Sends `signal` (default SIGTERM) and resolves to the exit code. Removes the data dir unless `keepData`. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

export interface ServerProcessOptions {
  auth?: boolean;
  env?: Record<string, string>;
  args?: string[];
  /** Reuse a data directory (it is then kept on stop). */
  dataDir?: string;
  keepData?: boolean;
}

const cli = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
/** tsx's loader by absolute URL, so children run from any working directory. */
const tsx = import.meta.resolve('tsx');

/** Runs the CLI from the sources in a child process; resolves with its exit code and output. */
export function runCliProcess(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
      cwd,
      env: { ...process.env, LATHE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a real `lathe server --port 0` on loopback with its own temp data directory. */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'lathe-server-'));
  const keep = options.keepData || options.dataDir !== undefined;
  const args = [
    'server',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(options.auth === false ? ['--no-auth'] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
    env: { ...process.env, LATHE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && (/Log in to the UI: .*\n/.test(out) || !/Admin token/.test(out))) {
        clearTimeout(timer);
        // Wait a moment for the admin token lines, printed right after the first line.
        setTimeout(() => resolve(m[1]!), 50);
      }
    };
    child.stdout!.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    adminToken: /Admin token[^:]*: (lathe_\S+)/.exec(out)?.[1] ?? null,
    dataDir,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
