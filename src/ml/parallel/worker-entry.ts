/**
 * The code every {@link WorkerPool} thread runs (internal to src/ml/parallel). It receives
 * `{ id, module, name, args }`, imports `module` once (cached), calls its exported function `name`
 * with `args` (awaiting a promise), and answers `{ id, ok, value | error }`. Non-shared
 * ArrayBuffers found in the result (top level, or inside plain objects and arrays up to depth 3)
 * are transferred, not copied: a task must not keep them.
 */
import { parentPort } from 'node:worker_threads';

/** A request from the pool. */
export interface TaskRequest {
  id: number;
  /** URL of the task module (file: URL string). */
  module: string;
  /** Name of the exported function to call. */
  name: string;
  args: unknown;
}

/** An error, as plain data so it crosses threads with its code and details. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  details?: unknown;
}

/** The answer to a {@link TaskRequest}. */
export type TaskResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

const modules = new Map<string, Promise<Record<string, unknown>>>();

function loadModule(url: string): Promise<Record<string, unknown>> {
  let mod = modules.get(url);
  if (mod === undefined) {
    mod = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, mod);
  }
  return mod;
}

function collectTransfer(value: unknown, out: Set<ArrayBuffer>, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    out.add(value);
    return;
  }
  if (depth >= 3) return;
  if (Array.isArray(value)) {
    for (const v of value) collectTransfer(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collectTransfer(v, out, depth + 1);
}

function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; details?: unknown };
    const out: SerializedError = { name: e.name, message: e.message };
    if (e.stack !== undefined) out.stack = e.stack;
    if (e.code !== undefined) out.code = e.code;
    if (e.details !== undefined) out.details = e.details;
    return out;
  }
  return { name: 'Error', message: String(err) };
}

async function handle(req: TaskRequest): Promise<TaskResponse> {
  if (req.module === '') return { id: req.id, ok: true, value: null }; // warmUp's ping
  try {
    const mod = await loadModule(req.module);
    const fn = mod[req.name];
    if (typeof fn !== 'function')
      throw new Error(`worker task ${req.name} is not a function exported by ${req.module}`);
    const value = await (fn as (args: unknown) => unknown)(req.args);
    return { id: req.id, ok: true, value };
  } catch (err) {
    return { id: req.id, ok: false, error: serializeError(err) };
  }
}

const port = parentPort;
if (port !== null) {
  port.on('message', (req: TaskRequest) => {
    void handle(req).then((res) => {
      const transfer = new Set<ArrayBuffer>();
      if (res.ok) collectTransfer(res.value, transfer, 0);
      try {
        port.postMessage(res, [...transfer]);
      } catch (err) {
        port.postMessage({ id: req.id, ok: false, error: serializeError(err) } satisfies TaskResponse);
      }
    });
  });
}
