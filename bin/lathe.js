#!/usr/bin/env node
// Runs the built CLI (dist/); in a development checkout without a build, runs the sources through tsx.
import { existsSync } from 'node:fs';

// A reader that stops early (`lathe data show x | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const built = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
if (existsSync(built)) {
  ({ runCli } = await import(built.href));
} else {
  try {
    await import('tsx/esm');
  } catch {
    process.stderr.write('lathe is not built: run `npm run build` in the package folder\n');
    process.exit(1);
  }
  ({ runCli } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
}
const code = await runCli(process.argv);
if (code !== 0) process.exit(code);
