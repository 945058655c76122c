import type { AuditLog } from '../auth/index.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { ArtifactStore, RunArtifacts } from './artifacts/index.js';
import { Experiments } from './experiments.js';
import { Runs } from './runs.js';
import { TrackingSearch } from './search-service.js';

/** Experiment tracking: experiments, runs, their data and artifacts. HTTP-free; `api/` wraps it. */
export class TrackingService {
  readonly experiments: Experiments;
  readonly runs: Runs;
  /** Every file under the `mlflow-artifacts:/` root. */
  readonly artifactStore: ArtifactStore;
  /** Artifacts addressed by run. */
  readonly artifacts: RunArtifacts;
  /** Run and experiment search (MLflow's filter language). */
  readonly search: TrackingSearch;

  constructor(
    readonly store: MetaStore,
    blobs: BlobStore,
    audit: AuditLog,
    options: { maxArtifactBytes?: number } = {},
  ) {
    this.experiments = new Experiments(store, audit);
    this.runs = new Runs(store, this.experiments, audit);
    this.artifactStore = new ArtifactStore(store, blobs, options.maxArtifactBytes);
    this.artifacts = new RunArtifacts(this.runs, this.artifactStore);
    this.search = new TrackingSearch(store, this.experiments, this.runs);
  }
}
