/**
 * ONNX prediction overhead: Lathe's onnx predictor against a bare onnxruntime-node `session.run`,
 * same model, same rows, same run. Issue 6 target: Lathe's overhead ≤ 10% at batch 1 and at
 * batch 1,000.
 *
 * The model is test/fixtures/models/onnx/mlp-bench.onnx (a PyTorch MLP 32 → 64 → 64 → 1, ReLU,
 * float32, dynamic batch axis). Both sides use one intra-op thread, all graph optimisations and
 * sequential execution. Per batch size, four ways are timed call by call, interleaved in rounds:
 *   - bare: `session.run({ input }, ['output'])` on a float32 tensor prepared once;
 *   - Lathe predictBatch: the rows as columns (one Float64Array per input column) → signature
 *     checks, the float32 tensor built (batches of 64 rows or more column by column, converted
 *     and transposed inside onnxruntime), the run, predictions as a Float64Array;
 *   - Lathe predictBatch from float32 columns (one Float32Array per input column: the same
 *     float32 values the bare run is given, by column): no conversion, batches of 64 rows or
 *     more copied column by column and transposed inside onnxruntime;
 *   - Lathe predict: the rows as objects (parsed from JSON, as a server receives them) → the same,
 *     answering an array of predictions.
 *   - bare + tensor build, for context: what a hand-written caller of onnxruntime pays from the
 *     same columns (a float32 tensor filled in a loop, then the run).
 * Prints mean and p50 per call (µs) and each Lathe way's overhead over bare (mean and p50).
 *
 * A wider MLP (32 → 256 → 256 → 1, 300 KB, not committed) shows how the share shrinks as the
 * model grows:
 *
 *   /usr/bin/python3 test/fixtures/models/onnx/make-fixtures.py --wide-bench-model /tmp/mlp-wide.onnx
 *   npx tsx bench/predict/onnx.ts --model /tmp/mlp-wide.onnx --iterations 10000
 *
 *   npx tsx bench/predict/onnx.ts [--iterations 20000] [--rounds 10] [--model path/to/model.onnx]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnxFlavor } from '../../src/models/flavors/onnx/index.js';
import { importedPackage, readPackageFiles } from '../../src/models/index.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}
const iterations = Number(arg('--iterations', '20000'));
const rounds = Number(arg('--rounds', '10'));
const modelPath = arg(
  '--model',
  path.join(import.meta.dirname, '../../test/fixtures/models/onnx/mlp-bench.onnx'),
);

// ---- the model, through Lathe's import path and bare ------------------------------------------

const bytes = new Uint8Array(readFileSync(modelPath));
const inspected = await onnxFlavor.inspect({ name: 'model.onnx', files: new Map([['model.onnx', bytes]]) });
const pkg = importedPackage(onnxFlavor, { name: 'model.onnx', files: new Map() }, inspected);
const lathe = await onnxFlavor.load(await readPackageFiles(pkg), { threads: 1 });
const session = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
});
const inputName = session.inputNames[0]!;
const outputName = session.outputNames[0]!;
const columns = inspected.signature.inputs.map((c) => c.name);
const width = columns.length;

// ---- data ---------------------------------------------------------------------------------------

let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
};

interface Case {
  rows: Record<string, number>[];
  batch: { rows: number; columns: Record<string, Float64Array> };
  floats: { rows: number; columns: Record<string, Float32Array> };
  tensor: ort.Tensor;
}

function makeCase(n: number): Case {
  const batchCols: Record<string, Float64Array> = {};
  for (const c of columns) batchCols[c] = new Float64Array(n);
  const flat = new Float32Array(n * width);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, number> = {};
    columns.forEach((c, j) => {
      const v = Math.fround(rand() * 4);
      row[c] = v;
      batchCols[c]![i] = v;
      flat[i * width + j] = v;
    });
    rows.push(row);
  }
  // Rows as a server receives them: parsed from a JSON body.
  return {
    rows: JSON.parse(JSON.stringify(rows)),
    batch: { rows: n, columns: Object.fromEntries(columns.map((c) => [c, batchCols[c]!])) },
    floats: {
      rows: n,
      columns: Object.fromEntries(columns.map((c) => [c, Float32Array.from(batchCols[c]!)])),
    },
    tensor: new ort.Tensor('float32', flat, [n, width]),
  };
}

// ---- timing -------------------------------------------------------------------------------------

type Way = 'bare' | 'bareBuild' | 'predictFloats' | 'predictBatch' | 'predict';
const ways: Way[] = ['bare', 'bareBuild', 'predictFloats', 'predictBatch', 'predict'];

async function call(way: Way, c: Case): Promise<number> {
  if (way === 'bare') {
    const out = await session.run({ [inputName]: c.tensor }, [outputName]);
    return (out[outputName]!.data as Float32Array)[0]!;
  }
  if (way === 'bareBuild') {
    // What a hand-written caller of onnxruntime pays from columns: the float32 tensor, then the run.
    const cols = columns.map((k) => c.batch.columns[k]!);
    const n = c.batch.rows;
    const flat = new Float32Array(n * width);
    for (let j = 0; j < width; j++) {
      const col = cols[j]!;
      for (let i = 0; i < n; i++) flat[i * width + j] = col[i]!;
    }
    const out = await session.run({ [inputName]: new ort.Tensor('float32', flat, [n, width]) }, [outputName]);
    return (out[outputName]!.data as Float32Array)[0]!;
  }
  if (way === 'predictFloats') return (await lathe.predictBatch(c.floats)).predictions[0] as number;
  if (way === 'predictBatch') return (await lathe.predictBatch(c.batch)).predictions[0] as number;
  return (await lathe.predict(c.rows)).predictions[0] as number;
}

async function measure(n: number, calls: number): Promise<Record<Way, Float64Array>> {
  const c = makeCase(n);
  // Same answers first.
  const want = await call('bare', c);
  for (const w of ways) {
    const got = await call(w, c);
    if (Math.abs(got - want) > 1e-6) throw new Error(`${w} answers ${got}, bare ${want}`);
  }
  const times = Object.fromEntries(ways.map((w) => [w, new Float64Array(calls * rounds)])) as Record<
    Way,
    Float64Array
  >;
  for (const w of ways) for (let i = 0; i < Math.min(calls, 500); i++) await call(w, c); // warm-up
  for (let r = 0; r < rounds; r++)
    for (const w of ways) {
      const t = times[w];
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        await call(w, c);
        t[r * calls + i] = performance.now() - t0;
      }
    }
  return times;
}

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
const p50 = (a: Float64Array) => {
  const s = Float64Array.from(a).sort();
  return s[Math.floor(s.length / 2)]!;
};
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const pct = (x: number, base: number) => `${x >= base ? '+' : ''}${((x / base - 1) * 100).toFixed(1)}%`;

console.log(
  `ONNX overhead benchmark: ${path.basename(modelPath)} (${inspected.family}, ${width} inputs → ${inspected.task}), onnxruntime-node ${ort.env.versions?.node}, 1 intra-op thread, ${rounds} interleaved rounds`,
);
for (const [n, calls] of [
  [1, iterations],
  [1000, Math.max(100, Math.round(iterations / 20))],
] as const) {
  const t = await measure(n, Math.ceil(calls / rounds));
  const bare = { mean: mean(t.bare), p50: p50(t.bare) };
  console.log(`batch ${n} (${t.bare.length} calls each):`);
  console.log(
    `  bare session.run       mean ${us(bare.mean)}  p50 ${us(bare.p50)}  (prepared tensor: the peer)`,
  );
  const label: Record<Exclude<Way, 'bare'>, string> = {
    bareBuild: 'bare + tensor build  ',
    predictFloats: 'Lathe predictBatch f32',
    predictBatch: 'Lathe predictBatch   ',
    predict: 'Lathe predict        ',
  };
  for (const w of ['bareBuild', 'predictFloats', 'predictBatch', 'predict'] as const) {
    const m = mean(t[w]);
    const p = p50(t[w]);
    console.log(
      `  ${label[w]} mean ${us(m)}  p50 ${us(p)}  overhead ${pct(m, bare.mean)} mean, ${pct(p, bare.p50)} p50${w === 'bareBuild' ? '' : ' (target ≤ +10%)'}`,
    );
  }
}
await lathe.close?.();
await session.release();
