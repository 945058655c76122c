// Stores, services and a small churn dataset for the tune and automl tests. For tests only.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { JobService } from '../jobs/index.js';
import { SeededRandom } from '../ml/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { TrainingService } from './training-service.js';

/**
 * Customers with a usage, a tenure, a region and a plan, and a churn label; with `signup`, a signup
 * date column after the id, and with `missingUsage`, that share of usage values left empty.
 */
export function churnCsv(
  rows: number,
  seed: number,
  options: { signup?: boolean; missingUsage?: number } = {},
): string {
  const random = new SeededRandom(seed);
  const regions = ['north', 'south', 'east', 'west'];
  const lines = [`customer_id,${options.signup ? 'signup,' : ''}usage,tenure,region,plan,churned`];
  for (let i = 0; i < rows; i++) {
    const usage = random.uniform() * 100;
    const tenure = Math.floor(random.uniform() * 60);
    const region = regions[random.int(4)]!;
    const plan = random.uniform() < 0.5 ? 'basic' : 'pro';
    const score =
      -0.04 * usage + 0.05 * tenure - (plan === 'pro' ? 1 : 0) + (region === 'south' ? 1.5 : 0) + 1;
    const churned = random.uniform() < 1 / (1 + Math.exp(-score)) ? 'left' : 'stayed';
    const signup = options.signup ? `2024-03-${String(1 + (i % 28)).padStart(2, '0')},` : '';
    const missing = options.missingUsage !== undefined && random.uniform() < options.missingUsage;
    lines.push(
      `C${100000 + i},${signup}${missing ? '' : usage.toFixed(3)},${tenure},${region},${plan},${churned}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Everything a search test needs. */
export interface SearchFixture {
  t: TestData;
  training: TrainingService;
  tracking: TrackingService;
  registry: RegistryService;
  jobs: JobService;
  close(): Promise<void>;
}

/** Opens fresh stores with dataset `churn@1` (`rows` rows). */
export async function openSearchFixture(rows = 500): Promise<SearchFixture> {
  const t = await openTestData();
  const file = path.join(t.dir, 'churn.csv');
  writeFileSync(file, churnCsv(rows, 3));
  await t.data.ingestFile(file, { name: 'churn', filename: 'churn.csv', target: 'churned' }, null);
  const tracking = new TrackingService(t.meta, t.blobs, t.audit);
  const registry = new RegistryService(t.meta, t.audit, tracking);
  const jobs = new JobService(t.meta, t.audit);
  const training = new TrainingService({ data: t.data, tracking, registry }, jobs);
  return {
    t,
    training,
    tracking,
    registry,
    jobs,
    async close() {
      await jobs.close();
      await registry.webhooks.close();
      await t.close();
    },
  };
}
