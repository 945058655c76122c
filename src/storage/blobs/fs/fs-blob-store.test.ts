import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runBlobStoreConformance } from '../blob-store.conformance.js';
import { FsBlobStore } from './fs-blob-store.js';

const makeRoot = () => mkdtemp(join(tmpdir(), 'lathe-fs-blobs-'));

runBlobStoreConformance('fs', async () => {
  const root = await makeRoot();
  return { store: await FsBlobStore.open(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FsBlobStore', () => {
  let root: string;
  let store: FsBlobStore;

  before(async () => {
    root = await makeRoot();
    store = await FsBlobStore.open(root);
  });
  after(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const tmpEntries = () => readdir(join(root, 'tmp'));

  it('lays blobs out as <root>/sha256/ab/cd/<digest>', async () => {
    const { digest } = await store.put(Buffer.from('layout'));
    const expected = join(root, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest);
    assert.equal(store.localPath(digest), expected);
    assert.equal((await readFile(expected)).toString(), 'layout');
    assert.deepEqual(await tmpEntries(), []);
  });

  it('leaves no temp file after a successful, a duplicate or a failed write', async () => {
    await store.put(Buffer.from('dup'));
    await store.put(Buffer.from('dup'));
    await assert.rejects(store.put(Buffer.from('mismatch'), { expectedSha256: '0'.repeat(64) }), {
      code: 'BLOB_DIGEST_MISMATCH',
    });
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(256 * 1024, 1);
      throw new Error('disk on fire');
    }
    await assert.rejects(store.put(failing()), /disk on fire/);
    let reads = 0;
    const broken = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('some bytes'));
        else this.destroy(new Error('stream reset'));
      },
    });
    await assert.rejects(store.put(broken), /stream reset/);
    assert.deepEqual(await tmpEntries(), []);
  });

  it('answers ping while its directories are there, and UNAVAILABLE once they are gone', async () => {
    const gone = await makeRoot();
    const s = await FsBlobStore.open(gone);
    await s.ping();
    await rm(gone, { recursive: true, force: true });
    await assert.rejects(s.ping(), (e: Error & { code?: string }) => {
      return e.code === 'UNAVAILABLE' && e.message.includes(gone);
    });
    await s.close();
  });

  it('resolves a relative root against the working directory', async () => {
    const rel = relative(process.cwd(), join(root, 'relative-store'));
    const relStore = await FsBlobStore.open(rel);
    assert.equal(relStore.root, join(root, 'relative-store'));
    const { digest } = await relStore.put(Buffer.from('rel'));
    assert.equal((await stat(relStore.localPath(digest))).size, 3);
  });

  it('streams a ~50 MB write without holding it in memory', async () => {
    const total = 50 * 1024 * 1024;
    const chunkSize = 64 * 1024;
    const chunk = Buffer.alloc(chunkSize);
    const hash = createHash('sha256');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    async function* produce(): AsyncGenerator<Uint8Array> {
      for (let offset = 0, i = 0; offset < total; offset += chunkSize, i++) {
        chunk.fill(i & 0xff);
        chunk.writeUInt32LE(i, 0);
        hash.update(chunk);
        // The store awaits each write before asking for the next chunk, so reusing the buffer is safe.
        yield chunk;
        if (i % 32 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const info = await store.put(produce());
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.deepEqual(info, { digest: hash.digest('hex'), size: total });
    const growth = peak - baseline;
    assert.ok(growth < total / 2, `RSS grew by ${(growth / 1024 / 1024).toFixed(1)} MB while writing 50 MB`);
    assert.equal((await stat(store.localPath(info.digest))).size, total);
  });
});
