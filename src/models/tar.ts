/**
 * Tar archives (ustar, GNU long names, pax path records) in memory: how a directory of model files
 * travels in one upload. Reading never trusts a path: absolute paths, `..`, links and devices are
 * refused, so nothing can land outside the archive's own tree.
 */
import { LatheError } from '../core/index.js';
import { isSafePackagePath } from './package.js';

const block = 512;

function invalid(message: string): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', `not a readable tar archive: ${message}`);
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

function octal(bytes: Uint8Array, start: number, length: number): number {
  const s = text(bytes, start, length).trim();
  if (!/^[0-7]*$/.test(s)) throw invalid(`bad number field ${JSON.stringify(s)}`);
  return s ? Number.parseInt(s, 8) : 0;
}

/** True when `bytes` start with a tar header (ustar magic or a valid header checksum). */
export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < block) return false;
  if (text(bytes, 257, 5) === 'ustar') return true;
  try {
    return checksumOk(bytes, 0);
  } catch {
    return false;
  }
}

function checksumOk(bytes: Uint8Array, at: number): boolean {
  const want = octal(bytes, at + 148, 8);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : bytes[at + i]!;
  return sum === want;
}

/**
 * The regular files of a tar archive by relative path (a leading `./` dropped).
 * @throws LatheError MODEL_PACKAGE_INVALID for a truncated or corrupt archive, unsafe paths, links,
 *   or more than `maxFiles` files.
 */
export function readTar(bytes: Uint8Array, maxFiles = 10_000): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let at = 0;
  let longName: string | null = null;
  while (at + block <= bytes.length) {
    if (bytes.subarray(at, at + block).every((b) => b === 0)) return files;
    if (!checksumOk(bytes, at)) throw invalid(`header at byte ${at} has a bad checksum`);
    const header = at;
    const size = octal(bytes, at + 124, 12);
    const type = String.fromCharCode(bytes[at + 156]!);
    const dataStart = at + block;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length)
      throw invalid(`truncated: an entry needs ${size} bytes past byte ${dataStart}`);
    const data = bytes.subarray(dataStart, dataEnd);
    at = dataStart + Math.ceil(size / block) * block;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (m) longName = m[1]!;
      continue;
    }
    if (type === 'g') continue;
    const name = text(bytes, header, 100);
    const prefix = text(bytes, header + 345, 155);
    const raw = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = null;
    const path = raw.replace(/^(\.\/)+/, '');
    if (type === '5' || path === '' || path.endsWith('/')) continue;
    if (type !== '0' && type !== '\0' && type !== '7')
      throw invalid(
        `${path} is a ${type === '1' || type === '2' ? 'link' : `type ${JSON.stringify(type)} entry`}; only regular files are read`,
      );
    if (!isSafePackagePath(path))
      throw invalid(`unsafe path ${JSON.stringify(path)} (absolute, or climbing out with ..)`);
    if (files.size >= maxFiles) throw invalid(`more than ${maxFiles} files`);
    files.set(path, data);
  }
  throw invalid('truncated: no end-of-archive marker');
}
