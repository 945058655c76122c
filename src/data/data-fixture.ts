// A DataService on fresh embedded stores (SQLite, files) in a temp directory, for the data
// module's tests. For tests only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../auth/index.js';
import { type BlobStore, openBlobStore } from '../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../storage/meta/index.js';
import { DataService, type DataServiceOptions } from './data-service.js';

/** The stores, the service and the directory that holds them. */
export interface TestData {
  dir: string;
  meta: MetaStore;
  blobs: BlobStore;
  audit: AuditLog;
  data: DataService;
  /** Closes the service and the stores, and removes `dir`. */
  close(): Promise<void>;
}

/** Opens a DataService (temp files under `dir/tmp`, unless `options` say otherwise) on new stores in a temp directory. */
export async function openTestData(options: DataServiceOptions = {}): Promise<TestData> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lathe-data-test-'));
  const meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
  const blobs = await openBlobStore(`file:${path.join(dir, 'blobs')}`);
  const audit = new AuditLog(meta);
  const data = new DataService(meta, blobs, audit, { tmpDir: path.join(dir, 'tmp'), ...options });
  return {
    dir,
    meta,
    blobs,
    audit,
    data,
    async close() {
      await data.close();
      await blobs.close();
      await meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
