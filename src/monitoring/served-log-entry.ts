/**
 * The worker thread of a ServedLogThread: opens the metadata and blob stores and a
 * MonitoringService writing its own part of the inference store (no compaction: the server
 * compacts), then stores each batch it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerPriority } from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { openMetaStore } from '../storage/meta/index.js';
import { MonitoringService } from './monitoring-service.js';
import type { PackedServed } from './served-records.js';
import type { IngestResult } from './types.js';

/** What the thread opens. */
export interface ServedLogSetup {
  /** Metadata store URI (`sqlite:…`, `postgres://…`). */
  meta: string;
  /** Blob store URI (`file:…`). */
  blobs: string;
  /** The inference store's folder. */
  dir: string;
  /** This writer's WAL file prefix. */
  part: string;
}

/** A message to the thread. */
export type ServedLogRequest =
  | { id: number; kind: 'ready' | 'close' }
  | { id: number; kind: 'log'; records: PackedServed };

/** The thread's answer. */
export interface ServedLogReply {
  id: number;
  result?: IngestResult;
  error?: string;
}

const empty: IngestResult = { accepted: 0, rejected: 0, errors: [] };

/**
 * The log thread's niceness (Linux, where each thread has its own): a little below the request
 * thread's, so a request that arrives while a batch is being written gets the core at once. The
 * log still has its fair share of the CPU (about a third of a request thread's weight), so it keeps
 * up; a full queue is handled by the deployment's logging policy (drop and count, or block).
 */
export const LOG_THREAD_NICENESS = 5;

if (parentPort) {
  lowerPriority(LOG_THREAD_NICENESS);
  const port = parentPort;
  const setup = workerData as ServedLogSetup;
  const opened = (async () => {
    // The process that started this thread has migrated the store already.
    const meta = await openMetaStore(setup.meta, { migrate: false });
    const blobs = await openBlobStore(setup.blobs);
    const monitoring = await MonitoringService.open(meta, blobs, {
      dir: setup.dir,
      part: setup.part,
      compactMs: 0,
      maintenance: false,
      threads: 1,
    });
    return { meta, blobs, monitoring };
  })();
  // Batches are stored one at a time, in arrival order.
  let queue: Promise<unknown> = opened;
  port.on('message', (req: ServedLogRequest) => {
    queue = queue.then(async () => {
      let reply: ServedLogReply;
      try {
        const { meta, blobs, monitoring } = await opened;
        if (req.kind === 'log') reply = { id: req.id, result: await monitoring.logServedPacked(req.records) };
        else {
          if (req.kind === 'close') {
            await monitoring.close();
            await blobs.close();
            await meta.close();
          }
          reply = { id: req.id, result: empty };
        }
      } catch (e) {
        reply = { id: req.id, error: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
    });
  });
}
