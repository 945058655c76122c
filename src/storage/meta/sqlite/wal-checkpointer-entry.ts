/**
 * The WAL checkpointer's thread (see wal-checkpointer.ts): its own connection to the database
 * file, checkpointing in PASSIVE mode (never waiting for, nor blocking, the writer or readers)
 * every `busyMs` while the log grows, every `idleMs` while it does not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointerSetup {
  file: string;
  busyMs: number;
  idleMs: number;
}

const { file, busyMs, idleMs } = workerData as CheckpointerSetup;
const db = new Database(file, { fileMustExist: true });
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  let copied = false;
  try {
    // [{ busy, log, checkpointed }]: log = frames in the WAL, checkpointed = frames now in the file.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    copied = r !== undefined && r.log > 0 && r.checkpointed > 0;
  } catch {
    // Another checkpoint runs at this moment (SQLITE_BUSY): try again on the next tick.
  }
  timer = setTimeout(tick, copied ? busyMs : idleMs);
}

parentPort!.on('message', (msg: 'stop') => {
  if (msg !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort!.close();
});
timer = setTimeout(tick, busyMs);
