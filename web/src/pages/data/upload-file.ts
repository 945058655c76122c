// Uploads a file as a dataset version with XMLHttpRequest, whose upload events give a real progress
// bar (fetch has none). The File is the request body: the browser streams it from disk, never read
// whole into JavaScript memory.
import { type DatasetVersionDetails, isErrorCode, LatheError } from '../../../../src/sdk/index.js';

/** Bytes sent so far and the file's size. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** What the server answers: the new version, or the existing one with equal content (`created: false`). */
export interface UploadResult {
  created: boolean;
  version: DatasetVersionDetails;
}

export interface UploadRequest {
  /** The dataset the file becomes a version of. */
  name: string;
  file: File;
  /** The API token (null with auth off). */
  token: string | null;
  /** The ingest route's query: filename, message, target, append, format, delimiter, header, encoding, strict… */
  query: Record<string, string | boolean | undefined>;
  onProgress(progress: UploadProgress): void;
  /** Fires once every byte is sent: the server is then reading the file. */
  onSent?(): void;
  signal?: AbortSignal;
}

/** The server's error body as a LatheError (code, message, details), like the SDK's own requests. */
function toError(status: number, text: string): LatheError {
  let body: { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const err = body?.error;
  if (err && typeof err.message === 'string') {
    const code = isErrorCode(err.code) ? err.code : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return new LatheError(code, err.message, { ...err.details, status });
  }
  const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'PERMISSION_DENIED' : 'INTERNAL';
  return new LatheError(code, `the server answered HTTP ${status}: ${text.slice(0, 200)}`, { status });
}

/**
 * POSTs `file` to `/api/v1/datasets/{name}/versions` with the query, reporting upload progress.
 * Resolves with the server's answer; rejects with a LatheError carrying the server's code and message,
 * or an AbortError when `signal` aborts.
 */
export function uploadVersion(req: UploadRequest): Promise<UploadResult> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const url = `/api/v1/datasets/${encodeURIComponent(req.name)}/versions${qs.size ? `?${qs}` : ''}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (req.token) xhr.setRequestHeader('authorization', `Bearer ${req.token}`);
    const total = req.file.size;
    xhr.upload.onprogress = (e) =>
      req.onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : total });
    xhr.upload.onload = () => {
      req.onProgress({ loaded: total, total });
      req.onSent?.();
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } catch {
          reject(new LatheError('INTERNAL', 'the server answered something that is not JSON'));
        }
      } else reject(toError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(
        new LatheError(
          'UNAVAILABLE',
          'the upload failed: the server could not be reached, or closed the connection before answering',
        ),
      );
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    if (req.signal) {
      if (req.signal.aborted) return xhr.abort();
      req.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(req.file);
  });
}
