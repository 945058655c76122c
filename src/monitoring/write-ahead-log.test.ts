import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { WriteAheadLog } from './write-ahead-log.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('write-ahead log', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lathe-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes concurrent appends in order, and starts a new file once one holds rotateRows rows', async () => {
    const wal = new WriteAheadLog({ dir, part: 'main', rotateRows: 3 });
    await Promise.all([
      wal.append('s', bytes('a\n'), 1),
      wal.append('s', bytes('b\nc\n'), 2),
      wal.append('s', bytes('d\n'), 1),
    ]);
    await wal.append('s', bytes('e\n'), 1);
    const files = await wal.files('s');
    assert.equal(files.length, 2, 'the file reached three rows: the next append went to a new one');
    assert.equal(files.map((f) => readFileSync(f, 'utf8')).join(''), 'a\nb\nc\nd\ne\n');
    assert.deepEqual(await wal.sealed('s'), [files[0]], 'the open file is not sealed');
    await wal.close();
    assert.deepEqual(await wal.sealed('s'), files);
  });

  it("leaves another process's files alone unless asked, and then only once they are idle", async () => {
    const worker = new WriteAheadLog({ dir, part: 'w1' });
    const server = new WriteAheadLog({ dir, part: 'main' });
    await worker.append('t', bytes('x\n'), 1);
    const [file] = await worker.files('t');
    assert.deepEqual(await server.sealed('t'), []);
    assert.deepEqual(await server.sealed('t', 60_000), [], 'written just now: not idle');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await server.sealed('t', 10), [file]);
    await worker.close();
  });
});
