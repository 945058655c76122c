/**
 * The child process of a BackgroundEngine: lowers the priority of all its threads (on Linux each
 * thread has its own; threads started later inherit their creator's), then answers SQL over IPC
 * one query at a time.
 */
import { lowerPriority } from '../../core/index.js';
import { BACKGROUND_NICENESS } from './background-engine.js';
import { TableEngine } from './table-engine.js';

/** A query from the parent. */
export interface BackgroundRequest {
  id: number;
  sql: string;
}

/** The answer: rows, or the error message. */
export interface BackgroundReply {
  id: number;
  rows?: unknown[];
  error?: string;
}

/** Every thread of this process at the background niceness (threads started later inherit it). */
const background = () => lowerPriority(BACKGROUND_NICENESS, { allThreads: true });

if (process.send) {
  background();
  const ready = TableEngine.create({ threads: Number(process.argv[2]) || 1 }).then((engine) => {
    background();
    return engine;
  });
  // Queries run one at a time, in arrival order.
  let queue: Promise<unknown> = ready;
  process.on('message', (req: BackgroundRequest) => {
    queue = queue.then(async () => {
      let reply: BackgroundReply;
      try {
        reply = { id: req.id, rows: await (await ready).query(req.sql) };
      } catch (e) {
        reply = { id: req.id, error: e instanceof Error ? e.message : String(e) };
      }
      process.send?.(reply);
    });
  });
  // The parent is gone (or closed the channel): stop.
  process.on('disconnect', () => {
    void ready.then((engine) => engine.close()).finally(() => process.exit(0));
  });
}
