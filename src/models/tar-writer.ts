/**
 * Writes tar archives (ustar) in memory: how a directory of model files travels in one upload.
 * Pure and dependency-free, so the SDK can use it in browsers too.
 */

const block = 512;

/** A ustar archive of `files` (paths up to 255 bytes, split into prefix and name). */
export function writeTar(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [path, data] of files) {
    const header = new Uint8Array(block);
    const name = enc.encode(path);
    let prefix = new Uint8Array(0);
    let base = name;
    if (name.length > 100) {
      const cut = path.lastIndexOf('/', 155);
      if (cut <= 0 || name.length - cut - 1 > 100)
        throw new TypeError(`path too long for a tar archive: ${path}`);
      prefix = enc.encode(path.slice(0, cut));
      base = enc.encode(path.slice(cut + 1));
    }
    header.set(base, 0);
    const field = (at: number, len: number, n: number) =>
      header.set(enc.encode(`${n.toString(8).padStart(len - 1, '0')}\0`), at);
    field(100, 8, 0o644);
    field(108, 8, 0);
    field(116, 8, 0);
    field(124, 12, data.length);
    field(136, 12, 0);
    header[156] = 0x30;
    header.set(enc.encode('ustar\u000000'), 257);
    header.set(prefix, 345);
    header.fill(32, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    parts.push(header, data);
    const pad = (block - (data.length % block)) % block;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(block * 2));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
