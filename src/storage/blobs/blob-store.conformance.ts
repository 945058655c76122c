import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { BlobStore } from './blob-store.js';

/** A store under test and how to dispose of it (and anything it wrote). */
export interface OpenedBlobStore {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Deterministic pseudo-random bytes (xorshift), so large fixtures do not compress or repeat. */
function pseudoRandomBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Yields `bytes` in chunks of `chunkSize`, as a producer streaming from elsewhere would. */
async function* chunked(bytes: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    yield bytes.subarray(offset, Math.min(offset + chunkSize, bytes.byteLength));
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const hasCode = (code: string) => (err: unknown) => {
  assert.equal((err as { code?: unknown }).code, code, `expected ${code}, got ${String(err)}`);
  return true;
};

const BAD_DIGESTS: unknown[] = [
  '',
  'abc',
  'A'.repeat(64),
  'g'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  `../../${'a'.repeat(58)}`,
  `${'a'.repeat(63)}/`,
  `${'a'.repeat(64)}\n`,
  undefined,
  42,
];

/**
 * The behaviour every {@link BlobStore} backend must show. Call it from the backend's test file;
 * `open` must return a fresh, empty store each time, and `cleanup` must remove what it wrote.
 */
export function runBlobStoreConformance(name: string, open: () => Promise<OpenedBlobStore>): void {
  const withStore = async (fn: (store: BlobStore) => Promise<void>): Promise<void> => {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
      await cleanup();
    }
  };

  describe(`BlobStore conformance: ${name}`, () => {
    it('answers ping when it works', () => withStore((store) => store.ping()));

    describe('put and get', () => {
      it('round-trips empty content from a stream', () =>
        withStore(async (store) => {
          const info = await store.put(Readable.from([]));
          assert.deepEqual(info, { digest: sha256(new Uint8Array()), size: 0 });
          assert.equal((await readAll(await store.get(info.digest))).length, 0);
        }));

      it('round-trips small content, addressed by its lowercase hex SHA-256', () =>
        withStore(async (store) => {
          const info = await store.put(Readable.from([Buffer.from('hello, '), Buffer.from('world')]));
          assert.equal(info.digest, '09ca7e4eaa6e8ae9c7d261167129184883644d07dfba7cbfbc4c8a2e08360d5b');
          assert.equal(info.size, 12);
          assert.equal((await readAll(await store.get(info.digest))).toString(), 'hello, world');
        }));

      it('accepts a Uint8Array and an async iterable as the source', () =>
        withStore(async (store) => {
          const bytes = new TextEncoder().encode('plain bytes');
          const fromBytes = await store.put(bytes);
          const fromIterable = await store.put(chunked(bytes, 3));
          assert.equal(fromBytes.digest, sha256(bytes));
          assert.deepEqual(fromIterable, fromBytes);
        }));

      it('round-trips multi-megabyte content streamed in chunks', () =>
        withStore(async (store) => {
          const bytes = pseudoRandomBytes(6 * 1024 * 1024 + 17, 7);
          const info = await store.put(Readable.from(chunked(bytes)));
          assert.deepEqual(info, { digest: sha256(bytes), size: bytes.length });
          const back = await readAll(await store.get(info.digest));
          assert.equal(back.length, bytes.length);
          assert.ok(back.equals(bytes), 'content read back differs from content written');
        }));

      it('stores identical content once and returns the same digest', () =>
        withStore(async (store) => {
          const first = await store.put(Buffer.from('same content'));
          const second = await store.put(Readable.from([Buffer.from('same '), Buffer.from('content')]));
          assert.deepEqual(second, first);
          assert.deepEqual(await collect(store.list()), [first.digest]);
        }));

      it('accepts content that matches expectedSha256', () =>
        withStore(async (store) => {
          const bytes = Buffer.from('expected');
          const info = await store.put(bytes, { expectedSha256: sha256(bytes) });
          assert.equal(info.digest, sha256(bytes));
        }));

      it('rejects content that does not match expectedSha256 and stores nothing', () =>
        withStore(async (store) => {
          const bytes = Buffer.from('actual content');
          const wrong = sha256(Buffer.from('other content'));
          await assert.rejects(store.put(bytes, { expectedSha256: wrong }), (err: Error) => {
            hasCode('BLOB_DIGEST_MISMATCH')(err);
            assert.match(err.message, new RegExp(wrong));
            assert.match(err.message, new RegExp(sha256(bytes)));
            return true;
          });
          assert.equal(await store.has(sha256(bytes)), false);
          assert.deepEqual(await collect(store.list()), []);
        }));

      it('rejects a malformed expectedSha256', () =>
        withStore(async (store) => {
          await assert.rejects(
            store.put(Buffer.from('x'), { expectedSha256: 'ABC' }),
            hasCode('INVALID_ARGUMENT'),
          );
          assert.deepEqual(await collect(store.list()), []);
        }));

      it('stores nothing when the source fails part-way', () =>
        withStore(async (store) => {
          async function* failing(): AsyncGenerator<Uint8Array> {
            yield Buffer.from('partial ');
            throw new Error('source broke');
          }
          await assert.rejects(store.put(failing()), /source broke/);
          assert.deepEqual(await collect(store.list()), []);
        }));

      it('rejects string chunks', () =>
        withStore(async (store) => {
          await assert.rejects(store.put(Readable.from(['text'])), hasCode('INVALID_ARGUMENT'));
          assert.deepEqual(await collect(store.list()), []);
        }));

      it('handles concurrent puts of the same content', () =>
        withStore(async (store) => {
          const bytes = pseudoRandomBytes(1024 * 1024, 3);
          const results = await Promise.all(
            Array.from({ length: 8 }, () => store.put(Readable.from(chunked(bytes, 16 * 1024)))),
          );
          for (const info of results) assert.deepEqual(info, { digest: sha256(bytes), size: bytes.length });
          assert.deepEqual(await collect(store.list()), [sha256(bytes)]);
          assert.ok((await readAll(await store.get(sha256(bytes)))).equals(bytes));
        }));

      it('throws BLOB_NOT_FOUND for a digest that is not stored', () =>
        withStore(async (store) => {
          await assert.rejects(store.get('0'.repeat(64)), (err: Error) => {
            hasCode('BLOB_NOT_FOUND')(err);
            assert.match(err.message, /0{64}/);
            return true;
          });
        }));
    });

    describe('ranged reads', () => {
      const bytes = Buffer.from('0123456789abcdef');
      const read = async (store: BlobStore, range: { start?: number; end?: number }): Promise<string> => {
        const { digest } = await store.put(bytes);
        return (await readAll(await store.get(digest, range))).toString();
      };

      it('reads [start, end)', () =>
        withStore(async (store) => assert.equal(await read(store, { start: 2, end: 6 }), '2345')));
      it('reads from start to the end', () =>
        withStore(async (store) => assert.equal(await read(store, { start: 10 }), 'abcdef')));
      it('reads from the beginning to end', () =>
        withStore(async (store) => assert.equal(await read(store, { end: 3 }), '012')));
      it('reads an empty range', () =>
        withStore(async (store) => assert.equal(await read(store, { start: 5, end: 5 }), '')));
      it('reads an empty range at the very end', () =>
        withStore(async (store) => assert.equal(await read(store, { start: 16 }), '')));
      it('clamps an end beyond the size', () =>
        withStore(async (store) => assert.equal(await read(store, { start: 12, end: 1000 }), 'cdef')));
      it('reads a range from a multi-megabyte blob', () =>
        withStore(async (store) => {
          const big = pseudoRandomBytes(3 * 1024 * 1024, 11);
          const { digest } = await store.put(big);
          const start = 1024 * 1024 + 5;
          const end = 2 * 1024 * 1024 + 77;
          assert.ok(
            (await readAll(await store.get(digest, { start, end }))).equals(big.subarray(start, end)),
          );
        }));
      it('rejects a start beyond the size, start > end, and negative or fractional offsets', () =>
        withStore(async (store) => {
          const { digest } = await store.put(bytes);
          for (const range of [
            { start: 17 },
            { start: 6, end: 5 },
            { start: -1 },
            { end: -1 },
            { start: 1.5 },
          ]) {
            await assert.rejects(
              store.get(digest, range),
              hasCode('INVALID_ARGUMENT'),
              JSON.stringify(range),
            );
          }
        }));
    });

    describe('stat, has, delete, list, localPath', () => {
      it('reports stat and has for stored and missing blobs', () =>
        withStore(async (store) => {
          const { digest } = await store.put(Buffer.from('stat me'));
          assert.deepEqual(await store.stat(digest), { digest, size: 7 });
          assert.equal(await store.has(digest), true);
          assert.equal(await store.stat('f'.repeat(64)), null);
          assert.equal(await store.has('f'.repeat(64)), false);
        }));

      it('deletes a blob once and reports whether it existed', () =>
        withStore(async (store) => {
          const { digest } = await store.put(Buffer.from('delete me'));
          assert.equal(await store.delete(digest), true);
          assert.equal(await store.delete(digest), false);
          assert.equal(await store.has(digest), false);
          await assert.rejects(store.get(digest), hasCode('BLOB_NOT_FOUND'));
          const again = await store.put(Buffer.from('delete me'));
          assert.equal(again.digest, digest);
          assert.equal(await store.has(digest), true);
        }));

      it('lists every digest once in ascending order', () =>
        withStore(async (store) => {
          assert.deepEqual(await collect(store.list()), []);
          const digests: string[] = [];
          for (let i = 0; i < 20; i++) digests.push((await store.put(Buffer.from(`blob ${i}`))).digest);
          await store.put(Buffer.from('blob 3'));
          assert.deepEqual(await collect(store.list()), [...digests].sort());
          await store.delete(digests[0]!);
          assert.deepEqual(await collect(store.list()), digests.slice(1).sort());
        }));

      it('gives a local path holding the content, or null', () =>
        withStore(async (store) => {
          const bytes = Buffer.from('local');
          const { digest } = await store.put(bytes);
          const path = store.localPath(digest);
          if (path === null) return;
          assert.ok((await readFile(path)).equals(bytes));
        }));
    });

    describe('digest validation', () => {
      for (const bad of BAD_DIGESTS) {
        const label = typeof bad === 'string' ? JSON.stringify(bad.slice(0, 20)) : String(bad);
        it(`rejects ${label} with INVALID_ARGUMENT in every operation`, () =>
          withStore(async (store) => {
            const digest = bad as string;
            const check = (err: unknown) => {
              hasCode('INVALID_ARGUMENT')(err);
              assert.match((err as Error).message, /64 lowercase hex/);
              return true;
            };
            await assert.rejects(store.get(digest), check);
            await assert.rejects(store.stat(digest), check);
            await assert.rejects(store.has(digest), check);
            await assert.rejects(store.delete(digest), check);
            assert.throws(() => store.localPath(digest), check);
          }));
      }
    });
  });
}
