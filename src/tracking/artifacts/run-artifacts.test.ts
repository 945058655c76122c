import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../../auth/index.js';
import { type BlobStore, openBlobStore } from '../../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../../storage/meta/index.js';
import { TrackingService } from '../tracking-service.js';
import { ArtifactStore } from './artifact-store.js';
import { proxiedRoot, RunArtifacts } from './run-artifacts.js';

describe('RunArtifacts (the helpers the native API and SDK use)', () => {
  let dir: string;
  let meta: MetaStore;
  let blobs: BlobStore;
  let tracking: TrackingService;
  let runArtifacts: RunArtifacts;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-artifacts-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'meta.db')}`);
    blobs = await openBlobStore(`file:${path.join(dir, 'blobs')}`);
    tracking = new TrackingService(meta, blobs, new AuditLog(meta));
    runArtifacts = new RunArtifacts(tracking.runs, new ArtifactStore(meta, blobs));
  });
  after(async () => {
    await blobs.close();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs streams under the run root and lists them relative to it', async () => {
    const run = await tracking.runs.create({}, null);
    const logged = await runArtifacts.logArtifact(
      run.info.runId,
      'model/MLmodel',
      Readable.from([Buffer.from('flavors:'), Buffer.from(' {}')]),
    );
    assert.equal(logged.path, 'model/MLmodel');
    assert.equal(logged.size, 11);
    await runArtifacts.logArtifact(run.info.runId, 'report.html', Buffer.from('<p>'));
    const top = await runArtifacts.listArtifacts(run.info.runId);
    assert.equal(top.rootUri, run.info.artifactUri);
    assert.deepEqual(top.files, [
      { path: 'model', isDir: true },
      { path: 'report.html', isDir: false, fileSize: 3 },
    ]);
    assert.deepEqual((await runArtifacts.listArtifacts(run.info.runId, 'model')).files, [
      { path: 'model/MLmodel', isDir: false, fileSize: 11 },
    ]);
  });

  it('refuses unsafe paths and unknown runs', async () => {
    const run = await tracking.runs.create({}, null);
    await assert.rejects(runArtifacts.logArtifact(run.info.runId, '../x', Buffer.from('x')), /Invalid path/);
    await assert.rejects(runArtifacts.listArtifacts(run.info.runId, '/etc'), /Invalid path/);
    await assert.rejects(runArtifacts.listArtifacts('f'.repeat(32)), { code: 'NOT_FOUND' });
  });

  it('reads every spelling of a proxied root and refuses other schemes', () => {
    assert.equal(proxiedRoot('mlflow-artifacts:/1/abc/artifacts'), '1/abc/artifacts');
    assert.equal(proxiedRoot('mlflow-artifacts:///1/abc/artifacts'), '1/abc/artifacts');
    assert.equal(proxiedRoot('mlflow-artifacts://host:5000/1/abc/artifacts/'), '1/abc/artifacts');
    assert.equal(proxiedRoot('s3://bucket/1/abc'), null);
    assert.throws(() => proxiedRoot('mlflow-artifacts:/1/../../etc'), /Invalid path/);
  });
});
