#!/usr/bin/env node
// Runs the built CLI (dist/); in a development checkout without a build, runs the sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
let endQuietlyOnClosedPipe;
if (existsSync(built)) {
  ({ runCli, endQuietlyOnClosedPipe } = await import(built.href));
} else {
  try {
    await import('tsx/esm');
  } catch {
    process.stderr.write('lathe is not built: run `npm run build` in the package folder\n');
    process.exit(1);
  }
  ({ runCli, endQuietlyOnClosedPipe } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
}
endQuietlyOnClosedPipe();
const code = await runCli(process.argv);
if (code !== 0) process.exit(code);
