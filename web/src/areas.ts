import type { IconName } from './components/icons.js';

/** An area of the UI: its place in the navigation and, until it is built, what it will hold. */
export type Area = BuiltArea | PlannedArea;

interface AreaBase {
  path: string;
  label: string;
  icon: IconName;
}

/** An area with real pages: the navigation drops its "soon" badge and its own routes serve it. */
export interface BuiltArea extends AreaBase {
  built: true;
}

/** An area not built yet: `AreaPage` shows what it will hold. */
export interface PlannedArea extends AreaBase {
  built?: false;
  /** One sentence: what the area is for. */
  summary: string;
  /** What the area will show once it is built. */
  willHold: string[];
  /** When the area's capability already works outside the UI: where, in one sentence. */
  availableNow?: string;
}

/** The lifecycle areas, in the order a model goes through them. */
export const areas: Area[] = [
  {
    path: '/data',
    built: true,
    label: 'Data',
    icon: 'data',
  },
  {
    path: '/experiments',
    built: true,
    label: 'Experiments',
    icon: 'experiments',
  },
  {
    path: '/training',
    built: true,
    label: 'Training',
    icon: 'training',
  },
  {
    path: '/models',
    built: true,
    label: 'Models',
    icon: 'models',
  },
  {
    path: '/validation',
    built: true,
    label: 'Validation',
    icon: 'validation',
  },
  {
    path: '/serving',
    built: true,
    label: 'Serving',
    icon: 'deployments',
  },
  {
    path: '/monitoring',
    built: true,
    label: 'Monitoring',
    icon: 'monitoring',
  },
];
