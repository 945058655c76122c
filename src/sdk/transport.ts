import type { KeyValue } from '../tracking/index.js';

/** Query-string values; undefined and null are left out. */
/** Query parameters; a list repeats its key. */
export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

/**
 * How the SDK's area clients reach the server (implemented by `LatheClient`): the token, the
 * base URL and the error mapping live in one place.
 */
export interface Transport {
  /** Sends one request and decodes the JSON answer; non-2xx answers become LatheError. */
  request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T>;
  /** GETs a file's bytes (an artifact), with the same token and error mapping. */
  blob(path: string, query?: Query, signal?: AbortSignal): Promise<Blob>;
  /**
   * POSTs raw bytes (a Blob, bytes or a stream, sent as they come; `application/octet-stream`
   * unless `contentType` says otherwise) and decodes the JSON answer.
   */
  upload<T>(
    path: string,
    body: Blob | Uint8Array | ReadableStream<Uint8Array>,
    query?: Query,
    contentType?: string,
  ): Promise<T>;
}

export const enc = encodeURIComponent;

/** `{ a: 1 }` → `[{ key: 'a', value: '1' }]`. */
export const kv = (o: Record<string, string | number | boolean> = {}): KeyValue[] =>
  Object.entries(o).map(([key, value]) => ({ key, value: String(value) }));
