/**
 * The inference log of a `lathe serve` worker on a thread of its own: requests hand their
 * prediction records over (packed: typed arrays and a few strings, under a microsecond a record)
 * and go on; unpacking, checking, formatting and the durable write-ahead append run on the log
 * thread, whose work and garbage never pause the thread that answers requests. The thread opens the stores itself (from their URIs) and
 * writes its own part of the shared inference store, like any process does.
 */
import type { Worker } from 'node:worker_threads';
import { LatheError, startWorker, taskModuleUrl } from '../core/index.js';
import type { InferenceRecord } from '../serving/index.js';
import type { ServedLogReply, ServedLogRequest, ServedLogSetup } from './served-log-entry.js';
import { packServed } from './served-records.js';
import type { IngestResult } from './types.js';

/** Where a served-log thread writes. */
export type ServedLogOptions = ServedLogSetup;

/** A serving process's inference log, written on a worker thread. */
export class ServedLogThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: IngestResult) => void; reject: (e: Error) => void }>();
  #next = 0;
  #failure: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: ServedLogReply) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.error !== undefined) p.reject(new LatheError('UNAVAILABLE', `inference log: ${m.error}`));
      else p.resolve(m.result!);
    });
    const fail = (err: Error) => {
      this.#failure = new LatheError('UNAVAILABLE', `the inference log thread stopped: ${err.message}`);
      for (const p of this.#pending.values()) p.reject(this.#failure);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.#failure) fail(new Error(`exited (${code})`));
    });
  }

  /** Starts the thread; resolves once its stores are open. */
  static async start(options: ServedLogOptions): Promise<ServedLogThread> {
    const worker = startWorker(taskModuleUrl(import.meta.url, './served-log-entry'), { workerData: options });
    const log = new ServedLogThread(worker);
    await log.#call({ id: 0, kind: 'ready' });
    return log;
  }

  /** Stores the records of Lathe's endpoints (see MonitoringService.logServed), on the log thread. */
  logServed(records: readonly InferenceRecord[]): Promise<IngestResult> {
    return this.#call({ id: 0, kind: 'log', records: packServed(records) });
  }

  /** Writes out what is buffered, closes the thread's stores and stops it. */
  async close(): Promise<void> {
    if (this.#failure) return;
    await this.#call({ id: 0, kind: 'close' }).catch(() => {});
    await this.#worker.terminate();
  }

  #call(request: ServedLogRequest): Promise<IngestResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }
}
