// Shared harness of the CLI tests: a real `lathe server`, a working directory, and the CLI run
// against them as the admin with a clean environment.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { settings } from '../../src/core/index.js';
import {
  runCliProcess,
  type ServerProcess,
  type ServerProcessOptions,
  startServerProcess,
} from './server-process.js';

/** Every LATHE_* variable blanked (an empty value counts as unset), so the runner's environment cannot leak in. */
export const cleanEnv: Record<string, string> = Object.fromEntries([
  ...settings.map((s) => [s.env, '']),
  ['LATHE_CONFIG', ''],
]);

/** What one CLI run printed, and its exit code. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asserts the exit code, showing the output when it differs. */
export function assertExit(run: CliRun, code: number): void {
  assert.equal(
    run.code,
    code,
    `exit code ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
  );
}

/** A running server, a temp working directory, and the CLI pointed at both. */
export interface CliServer {
  server: ServerProcess;
  /** The working directory of every run (removed by `stop`). */
  dir: string;
  /** Runs `lathe ARGS` in `dir` as the admin, with a clean LATHE_* environment plus `env`. */
  lathe(args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** Stops the server and removes `dir`. */
  stop(): Promise<void>;
}

/** Starts a `lathe server` (with auth, so it prints an admin token) and a working directory for the CLI. */
export async function startCliServer(options: ServerProcessOptions = {}): Promise<CliServer> {
  const server = await startServerProcess(options);
  assert.ok(server.adminToken, `the server printed no admin token:\n${server.output()}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'lathe-cli-'));
  const token = server.adminToken;
  return {
    server,
    dir,
    lathe: (args, env = {}) =>
      runCliProcess(args, { ...cleanEnv, LATHE_URL: server.url, LATHE_TOKEN: token, ...env }, dir),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
