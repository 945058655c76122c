/**
 * The Lathe side of bench/data, run in its own process: ingest the CSV as a dataset version
 * (read, type, write Parquet, hash, full profile, PII scan, store) and print JSON with the wall
 * time and the peak resident memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/auth/index.js';
import { DataService } from '../../src/data/index.js';
import { openBlobStore } from '../../src/storage/blobs/index.js';
import { openMetaStore } from '../../src/storage/meta/index.js';

const file = process.argv[2]!;
const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-data-'));
try {
  const meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
  const blobs = await openBlobStore(`file:${path.join(dir, 'blobs')}`);
  const data = new DataService(meta, blobs, new AuditLog(meta), { tmpDir: path.join(dir, 'tmp') });
  await data.engine();
  const t0 = performance.now();
  const { version } = await data.ingestFile(file, { name: 'bench', filename: path.basename(file) }, null);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      maxRssKb: process.resourceUsage().maxRSS,
      rows: version.rows,
      columns: version.columns.length,
      profiled: version.profile.columns.length,
      missing: version.profile.columns.reduce((s, c) => s + c.missing, 0),
    }),
  );
  await data.close();
  await meta.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
