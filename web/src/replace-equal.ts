function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `next`, with every part that equals the same part of `previous` (deeply, plain objects and arrays
 * only) replaced by the previous object. A reload or a poll that brings the same data back then
 * hands components the objects they already have: memos hold, and charts are not redrawn (a redraw
 * under the pointer loses a click).
 */
export function replaceEqualDeep<T>(previous: unknown, next: T): T {
  if (Object.is(previous, next)) return previous as T;
  const arrays = Array.isArray(previous) && Array.isArray(next);
  if (!arrays && !(isPlain(previous) && isPlain(next))) return next;
  const prev = previous as Record<string, unknown>;
  const fresh = next as Record<string, unknown>;
  const keys = Object.keys(fresh);
  let same = keys.length === Object.keys(prev).length;
  const out: Record<string, unknown> = arrays ? (new Array(keys.length) as never) : {};
  for (const key of keys) {
    const value = replaceEqualDeep(prev[key], fresh[key]);
    out[key] = value;
    if (value !== prev[key] || !Object.hasOwn(prev, key)) same = false;
  }
  return (same ? previous : out) as T;
}
