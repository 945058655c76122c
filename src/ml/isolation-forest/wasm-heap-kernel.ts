/**
 * The hot loop of isolation-forest scoring as a tiny WebAssembly function (internal to
 * isolation-forest), about twice as fast as the same loop in JavaScript: no bounds or overflow
 * checks, and four rows walk side by side. The module is assembled here from the opcodes below (no
 * build step, no binary file); its text form:
 *
 * ```wat
 * (func (export "addHeapPaths") (param $feature i32) (param $value i32) (param $depth i32)
 *       (param $block i32) (param $count i32) (param $rowBytes i32) (param $total i32)
 *   ;; for r = 0, 4, 8 … < count:                                  (count is a multiple of 4)
 *   ;;   for lanes l = 0..3: n = 0, b = block + (r + l) * rowBytes
 *   ;;   repeat depth times: n = 2n + 1 + (f64[b + 8 * i32[feature + 4n]] > f64[value + 8n])
 *   ;;   f64[total + 8(r + l)] += f64[value + 8n]
 * )
 * ```
 *
 * A tree is a heap of depth D (see score-forest.ts): `feature` holds 2^D − 1 split columns and
 * `value` 2^(D+1) − 1 doubles, the split thresholds followed by the path lengths of the bottom slots,
 * so the slot a walk ends in indexes `value` directly.
 */

/** A tree laid out as a heap: see score-forest.ts. */
export interface HeapTree {
  depth: number;
  /** Split column per split slot (2^depth − 1). */
  feature: Int32Array;
  /** Split thresholds (2^depth − 1), then path lengths of the bottom slots (2^depth). */
  value: Float64Array;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

const LANES = 4;
const PAGE = 65536;
/** Heaps beyond this many bytes in total are walked in JavaScript instead. */
const MAX_TREE_BYTES = 512 * 1024 * 1024;

// Opcodes and types of the WebAssembly 1.0 binary format.
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const VOID = 0x40;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_LOAD = 0x28;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const I32_CONST = 0x41;
const I32_GE_U = 0x4f;
const F64_GT = 0x64;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const F64_ADD = 0xa0;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n ? byte | 0x80 : byte);
  } while (n);
  return out;
}

/** Small non-negative i32.const immediates (below 64) are one byte in signed LEB128. */
const i32 = (v: number) => [I32_CONST, v];
const get = (local: number) => [LOCAL_GET, local];
const set = (local: number) => [LOCAL_SET, local];
const mem = (op: number, align: number, offset: number) => [op, align, ...uleb(offset)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const bytes = (text: string) => vec([...text].map((ch) => [ch.charCodeAt(0)]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

function moduleBytes(): Uint8Array {
  const [feature, value, depth, block, count, rowBytes, total, r, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const lanes = Array.from({ length: LANES }, (_, l) => l);
  const n = (l: number) => 9 + l;
  const b = (l: number) => 9 + LANES + l;
  const step = (l: number) => [
    ...get(n(l)),
    ...i32(1),
    I32_SHL,
    ...i32(1),
    I32_ADD, // 2n + 1
    ...get(b(l)),
    ...get(feature),
    ...get(n(l)),
    ...i32(2),
    I32_SHL,
    I32_ADD,
    ...mem(I32_LOAD, 2, 0),
    ...i32(3),
    I32_SHL,
    I32_ADD,
    ...mem(F64_LOAD, 3, 0), // x[feature[n]]
    ...get(value),
    ...get(n(l)),
    ...i32(3),
    I32_SHL,
    I32_ADD,
    ...mem(F64_LOAD, 3, 0), // threshold[n]
    F64_GT,
    I32_ADD,
    ...set(n(l)),
  ];
  const totalAt = [...get(total), ...get(r), ...i32(3), I32_SHL, I32_ADD];
  const accumulate = (l: number) => [
    ...totalAt,
    ...totalAt,
    ...mem(F64_LOAD, 3, 8 * l),
    ...get(value),
    ...get(n(l)),
    ...i32(3),
    I32_SHL,
    I32_ADD,
    ...mem(F64_LOAD, 3, 0),
    F64_ADD,
    ...mem(F64_STORE, 3, 8 * l),
  ];
  const body = [
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(r),
    ...get(count),
    I32_GE_U,
    BR_IF,
    1,
    ...lanes.flatMap((l) => [...i32(0), ...set(n(l))]),
    ...get(r),
    ...get(rowBytes),
    I32_MUL,
    ...get(block),
    I32_ADD,
    ...set(b(0)),
    ...lanes.slice(1).flatMap((l) => [...get(b(l - 1)), ...get(rowBytes), I32_ADD, ...set(b(l))]),
    ...i32(0),
    ...set(k),
    BLOCK,
    VOID,
    LOOP,
    VOID,
    ...get(k),
    ...get(depth),
    I32_GE_U,
    BR_IF,
    1,
    ...lanes.flatMap(step),
    ...get(k),
    ...i32(1),
    I32_ADD,
    ...set(k),
    BR,
    0,
    END,
    END,
    ...lanes.flatMap(accumulate),
    ...get(r),
    ...i32(LANES),
    I32_ADD,
    ...set(r),
    BR,
    0,
    END,
    END,
    END,
  ];
  const locals = vec([[2 + 2 * LANES, I32]]); // r, k, n0.., b0..
  const code = [...locals, ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 7 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...bytes('env'), ...bytes('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...bytes('addHeapPaths'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

let compiled: object | null | undefined;

/** The compiled module, built on first use; null where WebAssembly is unavailable (e.g. --jitless). */
function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

type AddHeapPaths = (...args: [number, number, number, number, number, number, number]) => void;

/**
 * Heap trees copied into one WebAssembly memory, with room after them for a block of rows and their
 * totals. Not shareable across threads; each call runs to completion.
 */
export class WasmHeapKernel {
  private readonly trees: { feature: number; value: number; depth: number }[];
  private readonly blockAt: number;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly addHeapPaths: AddHeapPaths,
    heaps: HeapTree[],
  ) {
    this.trees = [];
    let at = 0;
    for (const heap of heaps) {
      const tree = { value: at, feature: at + heap.value.byteLength, depth: heap.depth };
      new Float64Array(memory.buffer, tree.value, heap.value.length).set(heap.value);
      new Int32Array(memory.buffer, tree.feature, heap.feature.length).set(heap.feature);
      at = align8(tree.feature + heap.feature.byteLength);
      this.trees.push(tree);
    }
    this.blockAt = at;
  }

  /** A kernel holding `heaps`, or undefined when WebAssembly is unavailable or they are too large. */
  static create(heaps: HeapTree[]): WasmHeapKernel | undefined {
    const module = wasmModule();
    const size = heaps.reduce((sum, h) => sum + align8(h.value.byteLength + h.feature.byteLength), 0);
    if (!module || size > MAX_TREE_BYTES) return undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.ceil(size / PAGE) + 1 });
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      return new WasmHeapKernel(memory, instance.exports['addHeapPaths'] as AddHeapPaths, heaps);
    } catch {
      return undefined;
    }
  }

  /** Adds to `total[i]` the path lengths, summed over the trees, of row i of `rows` (`count` × `cols`). */
  addPaths(rows: Float64Array, count: number, cols: number, total: Float64Array): void {
    const padded = Math.ceil(count / LANES) * LANES; // the kernel walks whole groups of rows
    const totalAt = this.blockAt + padded * cols * 8;
    const end = totalAt + padded * 8;
    if (end > this.memory.buffer.byteLength)
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    const buffer = this.memory.buffer;
    new Float64Array(buffer, this.blockAt, count * cols).set(rows.subarray(0, count * cols));
    const sums = new Float64Array(buffer, totalAt, padded);
    sums.fill(0);
    for (const tree of this.trees) {
      this.addHeapPaths(tree.feature, tree.value, tree.depth, this.blockAt, padded, cols * 8, totalAt);
    }
    for (let i = 0; i < count; i++) total[i]! += sums[i]!;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
