/**
 * WebAssembly SIMD kernels for the binary logistic objective (internal to src/ml/linear): the two
 * matrix–vector products of each evaluation, z = X·w and g += Xᵀ·r over a block of rows, with
 * f64x2 lanes (about twice the speed of the best plain-JS loop). The module is assembled here from
 * its instructions (no build step, no binary file): {@link kernelBytes}. The exp/log part of the
 * objective stays in JavaScript.
 *
 * The features live in a WebAssembly.Memory (shared when worker threads help), laid out as
 * {@link WasmLayout}; every pointer is a byte offset into it.
 */

/** The part of a WebAssembly.Memory used here (the project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The part of the global WebAssembly API used here. */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Where the arrays sit in the kernel memory (byte offsets). */
export interface WasmLayout {
  memory: WasmMemory;
  /** Row-major features, rows × cols f64. */
  xOff: number;
  /** One f64 per row: the scores z, then in place the residuals r. */
  zOff: number;
  /** The parameters, cols + 1 f64. */
  wOff: number;
  /** Per chunk cols + 2 f64: gradient, intercept gradient, loss. */
  pOff: number;
}

/** The kernels of one instance (one per thread and memory). */
export interface WasmKernels {
  /** z[i] = Σ_j x[i·cols + j] · w[j] for n rows starting at byte offsets x and z. */
  dots(x: number, n: number, cols: number, w: number, z: number): void;
  /** g[j] += Σ_i r[i] · x[i·cols + j] for n rows. */
  axpys(x: number, n: number, cols: number, r: number, g: number): void;
}

// ---- a minimal assembler --------------------------------------------------------------------------
const uleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = [0x6a];
const AND = [0x71];
const SHL = [0x74];
const GE_S = [0x4e];
const simd = (op: number, ...rest: number[]) => [0xfd, ...uleb(op), ...rest];
const V128_LOAD = simd(0, 3, 0);
const V128_STORE = simd(11, 3, 0);
const F64X2_SPLAT = simd(20);
const F64X2_ADD = simd(240);
const F64X2_MUL = simd(242);
const lane = (l: number) => simd(33, l);
const F64_LOAD = [0x2b, 3, 0];
const F64_STORE = [0x39, 3, 0];
const F64_ADD = [0xa0];
const F64_MUL = [0xa2];
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
/** Instructions: bytes and byte sequences, flattened when emitted. */
type Code = (number | number[])[];
const block = (...body: Code) => [0x02, 0x40, ...body.flat(), 0x0b];
const loop = (...body: Code) => [0x03, 0x40, ...body.flat(), 0x0b];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const br = (depth: number) => [0x0c, ...uleb(depth)];
/** base + index · 8 */
const at = (base: number, index: number) => [...get(base), ...get(index), ...i32(3), ...SHL, ...ADD];
/** `for (; index < limit; index += step) body`, as block/loop. */
const forLoop = (index: number, limit: number, step: number, ...body: Code) =>
  block(
    loop(
      ...get(index),
      ...get(limit),
      ...GE_S,
      ...brIf(1),
      ...body.flat(),
      ...get(index),
      ...i32(step),
      ...ADD,
      ...set(index),
      ...br(0),
    ),
  );

// Parameters of both functions: 0 x, 1 n, 2 cols, 3 w|r, 4 z|g (byte offsets and counts).
// Locals: 5 i, 6 j, 7 row pointer, 8 next row pointer, 9 n rounded down to even, 10 cols rounded
// down to even, 11 address, 12 bytes per row; 13, 14 v128 accumulators / splats, 15 v128 w;
// 16, 17 f64 sums / scalars, 18 f64 w. Rows go two at a time (each w and g lane loaded once per
// pair), then the odd last row; columns two at a time (f64x2), then the odd last column.
const LOCALS = vec([
  [8, I32],
  [3, V128],
  [3, F64],
]);
const PROLOGUE = [
  ...get(2),
  ...i32(-2),
  ...AND,
  ...set(10),
  ...get(1),
  ...i32(-2),
  ...AND,
  ...set(9),
  ...get(2),
  ...i32(3),
  ...SHL,
  ...set(12),
  ...i32(0),
  ...set(5),
  ...get(0),
  ...set(7),
];
const F64_STORE_NEXT = [0x39, 3, 8];
const F64_LOAD_NEXT = [0x2b, 3, 8];
const ZERO_V = [...F64_ZERO, ...F64X2_SPLAT];
const HSUM = (v: number) => [...get(v), ...lane(0), ...get(v), ...lane(1), ...F64_ADD];

const DOTS = [
  ...LOCALS,
  ...PROLOGUE,
  ...forLoop(
    5,
    9,
    2,
    [...get(7), ...get(12), ...ADD, ...set(8)],
    [...ZERO_V, ...set(13), ...ZERO_V, ...set(14), ...i32(0), ...set(6)],
    forLoop(6, 10, 2, [
      ...[...at(3, 6), ...V128_LOAD, ...set(15)],
      ...[...get(13), ...at(7, 6), ...V128_LOAD, ...get(15), ...F64X2_MUL, ...F64X2_ADD, ...set(13)],
      ...[...get(14), ...at(8, 6), ...V128_LOAD, ...get(15), ...F64X2_MUL, ...F64X2_ADD, ...set(14)],
    ]),
    [...HSUM(13), ...set(16), ...HSUM(14), ...set(17)],
    forLoop(6, 2, 1, [
      ...[...at(3, 6), ...F64_LOAD, ...set(18)],
      ...[...get(16), ...at(7, 6), ...F64_LOAD, ...get(18), ...F64_MUL, ...F64_ADD, ...set(16)],
      ...[...get(17), ...at(8, 6), ...F64_LOAD, ...get(18), ...F64_MUL, ...F64_ADD, ...set(17)],
    ]),
    [...at(4, 5), ...get(16), ...F64_STORE, ...at(4, 5), ...get(17), ...F64_STORE_NEXT],
    [...get(8), ...get(12), ...ADD, ...set(7)],
  ),
  // the odd last row
  ...forLoop(
    5,
    1,
    1,
    [...ZERO_V, ...set(13), ...i32(0), ...set(6)],
    forLoop(6, 10, 2, [
      ...get(13),
      ...at(7, 6),
      ...V128_LOAD,
      ...at(3, 6),
      ...V128_LOAD,
      ...F64X2_MUL,
      ...F64X2_ADD,
      ...set(13),
    ]),
    [...HSUM(13), ...set(16)],
    forLoop(6, 2, 1, [
      ...get(16),
      ...at(7, 6),
      ...F64_LOAD,
      ...at(3, 6),
      ...F64_LOAD,
      ...F64_MUL,
      ...F64_ADD,
      ...set(16),
    ]),
    [...at(4, 5), ...get(16), ...F64_STORE],
    [...get(7), ...get(12), ...ADD, ...set(7)],
  ),
  0x0b,
];

const AXPYS = [
  ...LOCALS,
  ...PROLOGUE,
  ...forLoop(
    5,
    9,
    2,
    [...get(7), ...get(12), ...ADD, ...set(8)],
    [...at(3, 5), ...F64_LOAD, ...tee(16), ...F64X2_SPLAT, ...set(13)],
    [...at(3, 5), ...F64_LOAD_NEXT, ...tee(17), ...F64X2_SPLAT, ...set(14), ...i32(0), ...set(6)],
    forLoop(6, 10, 2, [
      ...[...at(4, 6), ...tee(11), ...get(11), ...V128_LOAD],
      ...[...at(7, 6), ...V128_LOAD, ...get(13), ...F64X2_MUL, ...F64X2_ADD],
      ...[...at(8, 6), ...V128_LOAD, ...get(14), ...F64X2_MUL, ...F64X2_ADD],
      ...V128_STORE,
    ]),
    forLoop(6, 2, 1, [
      ...[...at(4, 6), ...tee(11), ...get(11), ...F64_LOAD],
      ...[...at(7, 6), ...F64_LOAD, ...get(16), ...F64_MUL, ...F64_ADD],
      ...[...at(8, 6), ...F64_LOAD, ...get(17), ...F64_MUL, ...F64_ADD],
      ...F64_STORE,
    ]),
    [...get(8), ...get(12), ...ADD, ...set(7)],
  ),
  // the odd last row
  ...forLoop(
    5,
    1,
    1,
    [...at(3, 5), ...F64_LOAD, ...tee(16), ...F64X2_SPLAT, ...set(13), ...i32(0), ...set(6)],
    forLoop(6, 10, 2, [
      ...[...at(4, 6), ...tee(11), ...get(11), ...V128_LOAD],
      ...[...at(7, 6), ...V128_LOAD, ...get(13), ...F64X2_MUL, ...F64X2_ADD],
      ...V128_STORE,
    ]),
    forLoop(6, 2, 1, [
      ...[...at(4, 6), ...tee(11), ...get(11), ...F64_LOAD],
      ...[...at(7, 6), ...F64_LOAD, ...get(16), ...F64_MUL, ...F64_ADD],
      ...F64_STORE,
    ]),
    [...get(7), ...get(12), ...ADD, ...set(7)],
  ),
  0x0b,
];

/** The module: imports `env.memory` (shared or not, as `shared`), exports `dots` and `axpys`. */
export function kernelBytes(shared: boolean): Uint8Array {
  const fn = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])];
  // Memory limits: flag 0x03 = shared with a maximum (needed for shared); 0x00 = minimum only.
  const limits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec([fn])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0], [0]])),
    ...section(
      7,
      vec([
        [...name('dots'), 0, 0],
        [...name('axpys'), 0, 1],
      ]),
    ),
    ...section(
      10,
      vec([
        [...uleb(DOTS.length), ...DOTS],
        [...uleb(AXPYS.length), ...AXPYS],
      ]),
    ),
  ]);
}

const modules = new Map<boolean, object | null>();

/** The compiled module, or null where WebAssembly SIMD (or shared memory) is not available. */
function kernelModule(shared: boolean): object | null {
  let mod = modules.get(shared);
  if (mod === undefined) {
    try {
      const bytes = kernelBytes(shared);
      mod = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
    } catch {
      mod = null;
    }
    modules.set(shared, mod);
  }
  return mod;
}

const instances = new WeakMap<WasmMemory, WasmKernels>();

/** The kernels over `memory` for this thread (instantiated once per memory). */
export function kernelsFor(memory: WasmMemory, shared: boolean): WasmKernels {
  let k = instances.get(memory);
  if (k === undefined) {
    const mod = kernelModule(shared);
    if (mod === null || wasmApi === undefined) throw new Error('WebAssembly SIMD is not available');
    k = new wasmApi.Instance(mod, { env: { memory } }).exports as WasmKernels;
    instances.set(memory, k);
  }
  return k;
}

/** Largest memory the kernels take (bytes); bigger problems use the JavaScript kernel. */
const MAX_BYTES = 2 ** 31 - 65536;

/**
 * A memory laid out for `rows` × `cols` features and `chunks` chunks, or undefined when the
 * problem is too large for it or WebAssembly SIMD is missing.
 */
export function wasmLayout(
  rows: number,
  cols: number,
  chunks: number,
  shared: boolean,
): WasmLayout | undefined {
  const xOff = 0;
  const zOff = xOff + rows * cols * 8;
  const wOff = zOff + rows * 8;
  const pOff = wOff + (cols + 2) * 8;
  const bytes = pOff + chunks * (cols + 2) * 8;
  if (bytes > MAX_BYTES || wasmApi === undefined || kernelModule(shared) === null) return undefined;
  const pages = Math.ceil(bytes / 65536) || 1;
  try {
    const memory = shared
      ? new wasmApi.Memory({ initial: pages, maximum: pages, shared: true })
      : new wasmApi.Memory({ initial: pages });
    return { memory, xOff, zOff, wOff, pOff };
  } catch {
    return undefined;
  }
}
