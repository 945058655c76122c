/**
 * Deterministic synthetic data for bench/train: a binary task with a nonlinear signal
 * (interactions, thresholds, a sine, a square) over 30 features, 2% missing values in two of them,
 * written as CSV (header f0..f29,y) to os.tmpdir(). Every value is printed with 6 decimals so
 * Lathe and the Python peers parse the same doubles.
 *
 *   npx tsx bench/train/data.ts [--rows 200000] [--test 50000]
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SeededRandom } from '../../src/ml/seeded-random.js';

/** Number of feature columns. */
export const BENCH_FEATURES = 30;

/** Paths of the train and test CSV files for the given sizes (generated when missing). */
export async function benchCsv(
  trainRows: number,
  testRows: number,
): Promise<{ train: string; test: string }> {
  const dir = path.join(tmpdir(), 'lathe-bench-train');
  mkdirSync(dir, { recursive: true });
  const train = path.join(dir, `binary-v1-train-${trainRows}.csv`);
  const test = path.join(dir, `binary-v1-test-${testRows}.csv`);
  if (!existsSync(train)) await writeCsv(train, trainRows, 1);
  if (!existsSync(test)) await writeCsv(test, testRows, 2);
  return { train, test };
}

/** One row of features and its label, from `random`. */
function row(random: SeededRandom, x: Float64Array): number {
  for (let j = 0; j < BENCH_FEATURES; j++) x[j] = j % 3 === 0 ? random.normal() : random.uniform() * 4 - 2;
  const logit =
    1.2 * Math.sin(2 * x[0]!) +
    0.8 * x[1]! * x[2]! +
    (x[3]! > 0.5 ? 1 : -0.5) +
    0.5 * x[4]! ** 2 -
    1 +
    0.7 * x[5]! -
    0.4 * x[6]! * (x[7]! > 0 ? 1 : -1) +
    0.3 * Math.abs(x[8]!) +
    0.25 * x[9]! * x[10]! +
    0.2 * (x[11]! - x[12]!) +
    0.15 * Math.cos(3 * x[13]!);
  const y = random.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  for (const j of [14, 15]) if (random.uniform() < 0.02) x[j] = Number.NaN;
  return y;
}

async function writeCsv(file: string, rows: number, seed: number): Promise<void> {
  const random = new SeededRandom(seed);
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  const header = `${Array.from({ length: BENCH_FEATURES }, (_, j) => `f${j}`).join(',')},y\n`;
  out.write(header);
  const x = new Float64Array(BENCH_FEATURES);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = row(random, x);
    const cells = Array.from(x, (v) => (Number.isNaN(v) ? '' : v.toFixed(6)));
    chunk.push(`${cells.join(',')},${y}`);
    if (chunk.length === 5000 || i === rows - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, file);
}

/** Reads a CSV written by {@link benchCsv}: row-major features (NaN for empty cells) and labels. */
export async function readBenchCsv(
  file: string,
): Promise<{ x: Float64Array; y: Float64Array; rows: number; cols: number }> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  const cols = lines[0]!.split(',').length - 1;
  const rows = lines.length - (lines[lines.length - 1] === '' ? 2 : 1);
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const cells = lines[i + 1]!.split(',');
    for (let j = 0; j < cols; j++) x[i * cols + j] = cells[j] === '' ? Number.NaN : Number(cells[j]);
    y[i] = Number(cells[cols]);
  }
  return { x, y, rows, cols };
}

/** The number after command-line flag `name` (e.g. `--rows 1000`), or `fallback` when the flag is absent. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchCsv(numberArg('--rows', 200_000), numberArg('--test', 50_000)));
}
