import { CommanderError } from 'commander';
import { exitCodes, reportError } from './output.js';
import { buildProgram } from './program.js';

/** Runs the CLI with `argv` (as in process.argv) and resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command that printed its answer may still ask to exit 1 (`data check` when a check fails).
    return process.exitCode === exitCodes.failed ? exitCodes.failed : exitCodes.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were printed by commander already.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help'
        ? exitCodes.ok
        : exitCodes.usage;
    }
    return reportError(err, argv.includes('--json'));
  }
}

/**
 * Makes a reader that stops early (`lathe runs list | head`) end the process quietly (exit 0)
 * instead of with an EPIPE error. For the process's entry point only.
 */
export function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const isMain =
  process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  endQuietlyOnClosedPipe();
  runCli(process.argv).then((code) => {
    // `lathe server` keeps running: only leave when a command has finished.
    if (code !== 0 || !process.argv.slice(2).includes('server')) process.exitCode = code;
  });
}
