/**
 * Datasets benchmark: ingest + full profile of a 1,000,000-row × 20-column CSV in Lathe against
 * pandas (read_csv + describe(include='all') + value_counts per categorical column +
 * isna().sum()) from Debian's python3-pandas, same file, same run, each in its own process.
 * Prints wall time, peak memory and the ratios with their targets (Lathe ≤ 0.5× pandas' time,
 * peak memory ≤ pandas'). Then times the quality suite (the default suite plus an isolation-forest
 * outlier check) on the ingested version against its 10 s target (bench/data/lathe-checks.ts).
 *
 *   npx tsx bench/data/run.ts [--rows 1000000] [--rounds 2]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCsv } from './generate.js';

const run = promisify(execFile);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg('--rows', 1_000_000);
const rounds = arg('--rounds', 2);
const here = import.meta.dirname;
const root = path.resolve(here, '../..');

interface Measure {
  seconds: number;
  maxRssKb: number;
  rows: number;
}

const dir = path.join(tmpdir(), 'lathe-bench-data');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-v2-${rows}.csv`);
if (!existsSync(file)) {
  process.stdout.write(`generating ${rows.toLocaleString()} rows × 20 columns… `);
  await generateCsv(file, rows);
  console.log('done');
}
console.log(`file: ${file} (${(statSync(file).size / 1024 ** 2).toFixed(0)} MB)`);

async function measure(cmd: string, args: string[]): Promise<Measure> {
  const { stdout } = await run(cmd, args, { cwd: root, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measure;
}

const best = (ms: Measure[]) => ms.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const lathe: Measure[] = [];
const pandas: Measure[] = [];
for (let r = 0; r < rounds; r++) {
  pandas.push(await measure('/usr/bin/python3', [path.join(here, 'pandas_profile.py'), file]));
  lathe.push(await measure(process.execPath, ['--import', 'tsx', path.join(here, 'lathe-profile.ts'), file]));
  console.log(
    `round ${r + 1}: lathe ${lathe[r]!.seconds.toFixed(2)} s, ${(lathe[r]!.maxRssKb / 1024).toFixed(0)} MB; ` +
      `pandas ${pandas[r]!.seconds.toFixed(2)} s, ${(pandas[r]!.maxRssKb / 1024).toFixed(0)} MB`,
  );
}
const l = best(lathe);
const p = best(pandas);
if (l.rows !== rows || p.rows !== rows)
  throw new Error(`row counts differ: lathe ${l.rows}, pandas ${p.rows}`);
const timeRatio = l.seconds / p.seconds;
const memRatio = Math.max(...lathe.map((m) => m.maxRssKb)) / Math.max(...pandas.map((m) => m.maxRssKb));
console.log(`\ningest + full profile of ${rows.toLocaleString()} rows × 20 columns (best of ${rounds})`);
console.log(
  `  lathe   ${l.seconds.toFixed(2)} s   peak ${(Math.max(...lathe.map((m) => m.maxRssKb)) / 1024).toFixed(0)} MB`,
);
console.log(
  `  pandas  ${p.seconds.toFixed(2)} s   peak ${(Math.max(...pandas.map((m) => m.maxRssKb)) / 1024).toFixed(0)} MB`,
);
console.log(
  `  time    x${timeRatio.toFixed(2)} of pandas (target <= 0.50)  ${timeRatio <= 0.5 ? 'met' : 'MISSED'}`,
);
console.log(
  `  memory  x${memRatio.toFixed(2)} of pandas (target <= 1.00)  ${memRatio <= 1 ? 'met' : 'MISSED'}`,
);

// The quality suite: the default suite plus an isolation forest, over the ingested version.
interface ChecksMeasure extends Measure {
  status: string;
  checks: { name: string; status: string; ms: number }[];
}
const checks: ChecksMeasure[] = [];
for (let r = 0; r < rounds; r++)
  checks.push(
    (await measure(process.execPath, [
      '--import',
      'tsx',
      path.join(here, 'lathe-checks.ts'),
      file,
    ])) as ChecksMeasure,
  );
const c = best(checks) as ChecksMeasure;
const slowest = [...c.checks].sort((a, b) => b.ms - a.ms).slice(0, 4);
console.log(
  `  quality suite (default suite + isolation forest, ${c.checks.length} checks, best of ${rounds}): ` +
    `${c.seconds.toFixed(2)} s (target <= 10 s)  ${c.seconds <= 10 ? 'met' : 'MISSED'}; ` +
    `slowest: ${slowest.map((x) => `${x.name} ${(x.ms / 1000).toFixed(2)} s`).join(', ')}`,
);
