import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openBlobStore } from './open-blob-store.js';

describe('openBlobStore', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'lathe-open-blobs-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  const roundTrip = async (uri: string, dir: string) => {
    const store = await openBlobStore(uri);
    try {
      const { digest } = await store.put(Buffer.from(uri));
      assert.equal(
        store.localPath(digest),
        join(dir, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest),
      );
      assert.ok((await stat(join(dir, 'sha256'))).isDirectory());
    } finally {
      await store.close();
    }
  };

  it('opens a filesystem store for file:ABSOLUTE', () =>
    roundTrip(`file:${join(root, 'abs')}`, join(root, 'abs')));

  it('opens a filesystem store for file:RELATIVE, resolved against the working directory', () =>
    roundTrip(`file:${relative(process.cwd(), join(root, 'rel'))}`, join(root, 'rel')));

  it('opens a filesystem store for a file:/// URL', () =>
    roundTrip(pathToFileURL(join(root, 'url dir')).href, join(root, 'url dir')));

  it('rejects s3: as not implemented yet, naming the valid schemes', async () => {
    await assert.rejects(openBlobStore('s3://bucket/prefix'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'NOT_IMPLEMENTED');
      assert.match(err.message, /file:/);
      return true;
    });
  });

  it('rejects unknown schemes, a missing scheme and an empty path with STORE_URI_INVALID', async () => {
    for (const uri of [
      'http://example.com/blobs',
      'gs://bucket',
      './lathe-data/blobs',
      'file:',
      '',
      'file://host/x',
    ]) {
      await assert.rejects(
        openBlobStore(uri),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'STORE_URI_INVALID', uri);
          assert.match(err.message, /file:/, uri);
          return true;
        },
        uri,
      );
    }
  });
});
