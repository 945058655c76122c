/**
 * The quality-suite side of bench/data, run in its own process: ingests the CSV as a dataset
 * version with `active` as its target (not timed), then times the built-in default suite plus an isolation-forest outlier
 * check over the version, and prints JSON with the wall time, the per-check times and statuses.
 *
 *   node --import tsx bench/data/lathe-checks.ts FILE.csv
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/auth/index.js';
import { checkCatalog, DataService } from '../../src/data/index.js';
import { openBlobStore } from '../../src/storage/blobs/index.js';
import { openMetaStore } from '../../src/storage/meta/index.js';

const file = process.argv[2]!;
const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-checks-'));
try {
  const meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
  const blobs = await openBlobStore(`file:${path.join(dir, 'blobs')}`);
  const data = new DataService(meta, blobs, new AuditLog(meta), { tmpDir: path.join(dir, 'tmp') });
  const { version } = await data.ingestFile(
    file,
    { name: 'bench', filename: path.basename(file), target: 'active' },
    null,
  );
  // The default suite, plus the isolation forest over the numeric columns.
  const checks = Object.entries(checkCatalog)
    .filter(([, d]) => d.byDefault)
    .map(([check]) => ({ check }));
  checks.push({ check: 'outliers', method: 'isolation_forest' } as { check: string });
  const t0 = performance.now();
  const run = await data.check(version.ref, { checks }, null);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      maxRssKb: process.resourceUsage().maxRSS,
      rows: version.rows,
      columns: version.columns.length,
      status: run.status,
      checks: run.results.map((r) => ({ name: r.name, status: r.status, ms: r.ms, message: r.message })),
    }),
  );
  await data.close();
  await meta.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
