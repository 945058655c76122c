import type { AuditLog } from '../auth/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { Experiments } from './experiments.js';
import { Runs } from './runs.js';

/** Experiment tracking: experiments, runs and their data. HTTP-free; `api/` wraps it. */
export class TrackingService {
  readonly experiments: Experiments;
  readonly runs: Runs;

  constructor(
    readonly store: MetaStore,
    audit: AuditLog,
  ) {
    this.experiments = new Experiments(store, audit);
    this.runs = new Runs(store, this.experiments, audit);
  }
}
