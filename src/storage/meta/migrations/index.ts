import type { Migration } from '../migrator.js';
import { foundation } from './0001-foundation.js';
import { tracking } from './0002-tracking.js';
import { registry } from './0003-registry.js';
import { artifacts } from './0004-artifacts.js';
import { metricSeries } from './0005-metric-series.js';
import { datasets } from './0006-datasets.js';
import { dataChecks } from './0007-data-checks.js';
import { jobs } from './0008-jobs.js';
import { gates } from './0009-gates.js';
import { deployments } from './0010-deployments.js';
import { monitoring } from './0011-monitoring.js';
import { monitors } from './0012-monitors.js';

/**
 * Every migration, in version order. Append only: a released migration is never edited,
 * a change to the schema is a new migration with the next version.
 */
export const migrations: readonly Migration[] = [
  foundation,
  tracking,
  registry,
  artifacts,
  metricSeries,
  datasets,
  dataChecks,
  jobs,
  gates,
  deployments,
  monitoring,
  monitors,
];
