import type { Worker } from 'node:worker_threads';
import { startWorker, taskModuleUrl } from '../../../core/index.js';
import type { CheckpointerSetup } from './wal-checkpointer-entry.js';

/**
 * Copies the pages a WAL-mode SQLite database has committed into its main file on a thread of its
 * own, so the thread that writes (the server's, logging metrics) does not pay for it: with the
 * checkpoint on the writer's thread, about a fifth of a metric batch's write time. The writer
 * keeps a larger automatic checkpoint as a backstop: a passive checkpoint never restarts the log,
 * the writer's own does, so the log file stays bounded (about 16 MB at 4,000 pages) under
 * continuous writes.
 */
export class WalCheckpointer {
  /** The writer's automatic checkpoint threshold, in pages, while a checkpointer runs. */
  static readonly backstopPages = 4000;
  readonly #worker: Worker;

  /** `onError` hears why the thread stopped (the writer should then checkpoint as before). */
  constructor(
    file: string,
    onError: (err: Error) => void,
    options: { busyMs?: number; idleMs?: number } = {},
  ) {
    const setup: CheckpointerSetup = { file, busyMs: options.busyMs ?? 20, idleMs: options.idleMs ?? 250 };
    this.#worker = startWorker(taskModuleUrl(import.meta.url, './wal-checkpointer-entry'), {
      workerData: setup,
    });
    this.#worker.on('error', onError);
    // Never the reason the process stays up.
    this.#worker.unref();
  }

  /** Stops checkpointing; the thread closes its connection and ends. */
  stop(): void {
    this.#worker.postMessage('stop');
  }
}
