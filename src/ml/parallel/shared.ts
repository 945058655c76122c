/**
 * Shared-memory helpers for worker pools: typed arrays backed by a SharedArrayBuffer cross threads
 * without being copied (posting one sends a view of the same memory).
 */

/** The typed arrays {@link toShared} copies. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** True when `a` is backed by a SharedArrayBuffer (posting it to a worker shares, not copies). */
function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * `a` itself when it is already shared, otherwise a copy of its elements in a new
 * SharedArrayBuffer-backed array of the same type and length.
 */
export function toShared<T extends NumericArray>(a: T): T {
  if (isShared(a)) return a;
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  (out as unknown as { set(src: ArrayLike<number>): void }).set(a);
  return out;
}
