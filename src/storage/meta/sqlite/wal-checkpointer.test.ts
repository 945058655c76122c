import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type MetaStore, openMetaStore } from '../meta-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lathe-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The writer connection's automatic checkpoint threshold, in pages. */
async function autocheckpoint(store: MetaStore): Promise<number | undefined> {
  const [row] = await store.query<{ wal_autocheckpoint: number }>(store.db, 'pragma wal_autocheckpoint');
  return row?.wal_autocheckpoint;
}

/** Waits until `ok()` holds, for at most `ms`. */
async function eventually(ok: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (ok()) return true;
  return ok();
}

describe('background WAL checkpoint (SQLite)', () => {
  it('copies committed pages into the database file while the writer only commits', async () => {
    const file = path.join(dir, 'bg.db');
    const store = await openMetaStore(`sqlite:${file}`, { backgroundCheckpoint: true });
    const n = await autocheckpoint(store);
    assert.equal(n, WalCheckpointer.backstopPages, "the writer's own checkpoint is only a backstop");
    const before = statSync(file).size;
    // About 2 MB of pages, far below the writer's 4,000-page threshold.
    for (let i = 0; i < 20; i++) {
      await store.write((tx) =>
        tx.insertMany(
          'metric_series',
          ['run_uuid', 'key'],
          Array.from({ length: 500 }, (_, j) => [`run-${i}`, `key-${j}-${'x'.repeat(150)}`]),
        ),
      );
    }
    assert.ok(
      await eventually(() => statSync(file).size > before + 1_000_000),
      `the database file stayed at ${statSync(file).size} bytes: nothing was checkpointed`,
    );
    await store.close();
    const check = new Database(file, { readonly: true });
    assert.equal((check.prepare('select count(*) as n from metric_series').get() as { n: number }).n, 10_000);
    check.close();
  });

  it('is off unless asked for: the writer checkpoints as SQLite does by default', async () => {
    const store = await openMetaStore(`sqlite:${path.join(dir, 'plain.db')}`);
    const n = await autocheckpoint(store);
    assert.equal(n, 1000);
    await store.close();
  });

  it('reports a database it cannot open, so the writer can go back to checkpointing itself', async () => {
    let err: Error | undefined;
    new WalCheckpointer(path.join(dir, 'missing', 'x.db'), (e) => {
      err = e;
    });
    // The thread is unref'd (it never holds the process up): wait on a timer of our own.
    assert.ok(await eventually(() => err !== undefined), 'no error was reported');
    assert.match(err!.message, /unable to open database file|directory does not exist/);
  });
});
