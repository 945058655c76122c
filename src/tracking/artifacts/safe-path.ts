import { LatheError } from '../../core/index.js';

/** Longest accepted artifact path, in characters after decoding. */
export const MAX_ARTIFACT_PATH_LENGTH = 4096;
/** Longest accepted single path segment (a file or directory name), in characters. */
export const MAX_ARTIFACT_SEGMENT_LENGTH = 255;

const MAX_DECODE_ROUNDS = 10;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a relative artifact path taken from a request and returns it in canonical form
 * (`a/b/c.txt`): every path that reaches the artifact store goes through here first.
 *
 * Like MLflow's `validate_path_is_safe`, the path is percent-decoded repeatedly until it stops
 * changing, so `%252e%252e` cannot hide a `..`. Then it is refused (`INVALID_ARGUMENT`, which the
 * MLflow routes answer as 400 `INVALID_PARAMETER_VALUE`, message starting `Invalid path`) when it:
 * - holds a NUL or other control character, a backslash, or `#`;
 * - is absolute (`/x`), a URI (`file:///x`, `s3://x`) or starts with a Windows drive (`C:`);
 * - has an empty, `.` or `..` segment (`a//b`, `./a`, `a/../b`, trailing `/`);
 * - has percent-encoded bytes that are not valid UTF-8 (overlong `%c0%ae` dots);
 * - has a segment that Unicode compatibility normalization (NFKC) turns into any of the above
 *   (fullwidth `．．`, one-dot leaders `‥`, fullwidth solidus `／`);
 * - is longer than {@link MAX_ARTIFACT_PATH_LENGTH} or has a segment longer than
 *   {@link MAX_ARTIFACT_SEGMENT_LENGTH}.
 *
 * `allowEmpty` accepts `''` (the root), e.g. for listing; otherwise an empty path is refused.
 */
export function safeArtifactPath(
  raw: unknown,
  options: { allowEmpty?: boolean; what?: string } = {},
): string {
  const what = options.what ?? 'path';
  if (typeof raw !== 'string') {
    throw invalid(what, String(raw), `expected a string, got ${raw === null ? 'null' : typeof raw}`);
  }
  const path = decodeUntilStable(raw, what);
  if (path === '') {
    if (options.allowEmpty) return '';
    throw invalid(what, raw, 'it is empty; name a file such as "model/MLmodel"');
  }
  if (path.length > MAX_ARTIFACT_PATH_LENGTH) {
    throw invalid(
      what,
      raw,
      `it is ${path.length} characters long; the limit is ${MAX_ARTIFACT_PATH_LENGTH}`,
    );
  }
  checkShape(path, raw, what);
  const compat = path.normalize('NFKC');
  if (compat !== path) {
    try {
      checkShape(compat, raw, what);
    } catch {
      throw invalid(
        what,
        raw,
        `it contains Unicode characters that normalize (NFKC) to "${printable(compat)}", which is not a safe relative path`,
      );
    }
  }
  return path;
}

/** Joins canonical relative paths (each already checked by {@link safeArtifactPath}); empty parts are skipped. */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

function checkShape(path: string, raw: string, what: string): void {
  const control = firstControl(path);
  if (control !== -1) {
    const name =
      control === 0 ? 'a NUL byte' : `the control character U+${control.toString(16).padStart(4, '0')}`;
    throw invalid(what, raw, `it contains ${name}`);
  }
  if (path.includes('\\'))
    throw invalid(what, raw, 'it contains a backslash; use "/" to separate directories');
  if (path.includes('#')) throw invalid(what, raw, 'it contains "#"');
  if (path.startsWith('/'))
    throw invalid(what, raw, 'it is absolute; give a path relative to the artifact root');
  if (/^[A-Za-z]:/.test(path)) throw invalid(what, raw, 'it starts with a Windows drive letter');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    throw invalid(what, raw, 'it is a URI (it starts with a scheme such as "file:"); give a relative path');
  }
  for (const segment of path.split('/')) {
    if (segment === '..') throw invalid(what, raw, 'it has a ".." segment; paths may not leave their root');
    if (segment === '.') throw invalid(what, raw, 'it has a "." segment; give the path in normal form');
    if (segment === '') {
      throw invalid(what, raw, 'it has an empty segment (a doubled, leading or trailing "/")');
    }
    if (segment.length > MAX_ARTIFACT_SEGMENT_LENGTH) {
      throw invalid(
        what,
        raw,
        `a segment is ${segment.length} characters long; the limit is ${MAX_ARTIFACT_SEGMENT_LENGTH}`,
      );
    }
  }
}

/** Percent-decodes until the string stops changing; bytes must form valid UTF-8. */
function decodeUntilStable(raw: string, what: string): string {
  let current = raw;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = decodeOnce(current, raw, what);
    if (next === current) return current;
    current = next;
  }
  throw invalid(what, raw, `it is still percent-encoded after ${MAX_DECODE_ROUNDS} rounds of decoding`);
}

/** One round of percent-decoding, like Python's `unquote` but refusing malformed UTF-8. */
function decodeOnce(s: string, raw: string, what: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    try {
      return utf8.decode(bytes);
    } catch {
      throw invalid(
        what,
        raw,
        `its percent-encoded bytes "${run}" are not valid UTF-8 (overlong or truncated sequences are refused)`,
      );
    }
  });
}

const isControl = (code: number) => code < 0x20 || code === 0x7f;

/** The code of the first control character (C0 or DEL) in `s`, or -1. */
function firstControl(s: string): number {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return s.charCodeAt(i);
  return -1;
}

function printable(s: string): string {
  let shown = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    shown += isControl(code) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

function invalid(what: string, raw: string, reason: string): LatheError {
  return new LatheError(
    'INVALID_ARGUMENT',
    `Invalid path: the ${what} "${printable(raw)}" is refused because ${reason}.`,
    {
      field: what,
    },
  );
}
