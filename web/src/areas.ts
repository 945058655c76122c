import type { IconName } from './components/icons.js';

/** An area of the UI: its place in the navigation and, until it is built, what it will hold. */
export interface Area {
  path: string;
  /** True once the area has real pages (the navigation drops its "soon" badge). */
  built?: boolean;
  label: string;
  icon: IconName;
  /** One sentence: what the area is for. */
  summary: string;
  /** What the area will show once it is built. */
  willHold: string[];
}

/** The lifecycle areas, in the order a model goes through them. */
export const areas: Area[] = [
  {
    path: '/data',
    label: 'Data',
    icon: 'data',
    summary:
      'Datasets and their versions: where training and evaluation data comes in, is checked and is kept.',
    willHold: [
      'Datasets with immutable, content-addressed versions from CSV and Parquet files',
      'Schemas and column profiles (types, missing values, quantiles, histograms)',
      'Data checks run on every new version, and transforms between versions',
      'Lineage from each version to the runs and models trained on it',
    ],
  },
  {
    path: '/experiments',
    built: true,
    label: 'Experiments',
    icon: 'experiments',
    summary: 'Experiments and runs: parameters, metrics and artifacts of every training run.',
    willHold: [
      'Run tables with search over parameters, metrics and tags',
      'Metric charts per step and side-by-side comparison of runs',
      'Artifacts and the dataset versions each run used',
      'An MLflow-compatible tracking API, so existing Python clients can log here',
    ],
  },
  {
    path: '/models',
    built: true,
    label: 'Models',
    icon: 'models',
    summary: 'The model registry: registered models, their versions and the aliases that point at them.',
    willHold: [
      'Registered models, versions and aliases such as "champion"',
      'Model packages with their flavor, signature and files',
      'Lineage back to the run and dataset version that produced each version',
      'Approvals before a version may be promoted',
    ],
  },
  {
    path: '/validation',
    label: 'Validation',
    icon: 'validation',
    summary: 'Validation suites that check a candidate model before it is approved.',
    willHold: [
      'Suites of checks: metric thresholds, comparison with the current champion, slices, fairness',
      'Reports for each candidate, with the evidence behind every pass and fail',
      'Gates for CI pipelines, with exit codes and JUnit output',
    ],
  },
  {
    path: '/deployments',
    label: 'Deployments',
    icon: 'deployments',
    summary: 'Serving: models behind HTTP endpoints, rolled out safely.',
    willHold: [
      'Deployments with their model versions, replicas and health',
      'Canary rollouts with traffic splits, fallbacks and inference graphs',
      'Batch scoring jobs',
      'Endpoints that speak the Open Inference Protocol',
    ],
  },
  {
    path: '/monitoring',
    label: 'Monitoring',
    icon: 'monitoring',
    summary: 'What happens to deployed models in production, and when to retrain them.',
    willHold: [
      'The inference log, joined with ground truth as it arrives',
      'Drift of inputs and predictions (PSI, KS, chi², Jensen–Shannon, Wasserstein)',
      'Performance over time and per slice',
      'Monitors and alerts that can start a retraining pipeline',
    ],
  },
];
