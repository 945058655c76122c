/**
 * Deterministic data for bench/monitor: a reference and a current window of `rows` rows × 20
 * numeric features (seeded SeededRandom), with a planted shift in 5 features of the current window
 * and 1% missing values (NaN) in 2 features, plus 10 equal-width bin edges per feature over the
 * reference's range (as `histogramSketch`). Written to os.tmpdir()/lathe-bench-monitor as
 * `reference-ROWS.f64` and `current-ROWS.f64` (float64 little-endian, column-major: feature 0's
 * rows, then feature 1's, …) and `edges-ROWS.json` (an array of 20 edge arrays), once per size.
 *
 *   npx tsx bench/monitor/make-data.ts [--rows 1000000]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SeededRandom } from '../../src/ml/index.js';
import { histogramEdges } from '../../src/stats/index.js';

/** Number of features. */
export const MONITOR_FEATURES = 20;
/** The features whose current window is shifted. */
export const SHIFTED_FEATURES = [2, 5, 9, 14, 17] as const;
/** Features with 1% NaN in both windows. */
const MISSING_FEATURES = [7, 12];

/** One draw of feature `f` (its distribution kind is f mod 5); `shifted` applies the planted change. */
function draw(r: SeededRandom, f: number, shifted: boolean): number {
  switch (f % 5) {
    case 0: // normal; shifted: mean + 0.3
      return r.normal() * (1 + f / 10) + f + (shifted ? 0.3 : 0);
    case 1: // uniform; shifted: range stretched by 20%
      return (r.uniform() * 10 - 5) * (shifted ? 1.2 : 1);
    case 2: // exponential (skewed); shifted: scale × 1.5
      return -Math.log(1 - r.uniform()) * (shifted ? 1.5 : 1);
    case 3: // integer counts 0..49 (heavy ties); shifted: +2
      return r.int(50) + (shifted ? 2 : 0);
    default: // log-normal; shifted: 10% of values replaced by a far mode
      return shifted && r.uniform() < 0.1 ? 20 + r.normal() : Math.exp(r.normal() * 0.5);
  }
}

/** One window: `rows` × 20 column-major doubles. */
function window(rows: number, seed: number, current: boolean): Float64Array {
  const out = new Float64Array(rows * MONITOR_FEATURES);
  for (let f = 0; f < MONITOR_FEATURES; f++) {
    const r = new SeededRandom(seed * 1000 + f);
    const shifted = current && (SHIFTED_FEATURES as readonly number[]).includes(f);
    const missing = MISSING_FEATURES.includes(f);
    const column = out.subarray(f * rows, (f + 1) * rows);
    for (let i = 0; i < rows; i++)
      column[i] = missing && r.uniform() < 0.01 ? Number.NaN : draw(r, f, shifted);
  }
  return out;
}

/** The data of one size: both windows (column-major) and the edges per feature. */
export interface MonitorData {
  rows: number;
  reference: Float64Array;
  current: Float64Array;
  edges: number[][];
}

/** Generates the data in memory (deterministic for a given `rows`). */
export function makeMonitorData(rows: number): MonitorData {
  const reference = window(rows, 1, false);
  const current = window(rows, 2, true);
  const edges: number[][] = [];
  for (let f = 0; f < MONITOR_FEATURES; f++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of reference.subarray(f * rows, (f + 1) * rows)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    edges.push(histogramEdges(min, max, 10));
  }
  return { rows, reference, current, edges };
}

/** Column `f` of a column-major window. */
export function column(data: Float64Array, rows: number, f: number): Float64Array {
  return data.subarray(f * rows, (f + 1) * rows);
}

/** Paths of the data files for `rows` rows, generated (and written atomically) when missing. */
export function monitorDataFiles(rows: number): { reference: string; current: string; edges: string } {
  const dir = path.join(tmpdir(), 'lathe-bench-monitor');
  mkdirSync(dir, { recursive: true });
  const files = {
    reference: path.join(dir, `reference-v1-${rows}.f64`),
    current: path.join(dir, `current-v1-${rows}.f64`),
    edges: path.join(dir, `edges-v1-${rows}.json`),
  };
  if (!existsSync(files.edges)) {
    const data = makeMonitorData(rows);
    const write = (file: string, content: Uint8Array | string) => {
      writeFileSync(`${file}.tmp`, content);
      renameSync(`${file}.tmp`, file);
    };
    write(files.reference, new Uint8Array(data.reference.buffer));
    write(files.current, new Uint8Array(data.current.buffer));
    write(files.edges, JSON.stringify(data.edges));
  }
  return files;
}

/** Reads the files of {@link monitorDataFiles} back. */
export function readMonitorData(rows: number): MonitorData {
  const files = monitorDataFiles(rows);
  const read = (file: string) => {
    const bytes = readFileSync(file);
    const out = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  };
  const edges = JSON.parse(readFileSync(files.edges, 'utf8')) as number[][];
  return { rows, reference: read(files.reference), current: read(files.current), edges };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--rows');
  console.log(monitorDataFiles(at > 0 ? Number(process.argv[at + 1]) : 1_000_000));
}
