import { Type } from '@sinclair/typebox';
import { limits } from '../../../tracking/index.js';

/** A metric value: a number, or "NaN" / "Infinity" / "-Infinity" (JSON has no literal for them). */
export const MetricValue = Type.Union([
  Type.Number(),
  Type.Literal('NaN'),
  Type.Literal('Infinity'),
  Type.Literal('-Infinity'),
]);
export const KeyValue = Type.Object({
  key: Type.String({ minLength: 1, maxLength: limits.keyLength }),
  value: Type.String(),
});
export const MetricPoint = Type.Object({
  key: Type.String({ minLength: 1, maxLength: limits.keyLength }),
  value: MetricValue,
  timestamp: Type.Optional(Type.Integer({ minimum: 0 })),
  step: Type.Optional(Type.Integer()),
});

export const Experiment = Type.Object({
  experimentId: Type.String(),
  name: Type.String(),
  artifactLocation: Type.String(),
  lifecycleStage: Type.String(),
  creationTime: Type.Integer(),
  lastUpdateTime: Type.Integer(),
  tags: Type.Array(KeyValue),
});

const Metric = Type.Object({
  key: Type.String(),
  value: MetricValue,
  timestamp: Type.Integer(),
  step: Type.Integer(),
});
export const RunInfo = Type.Object({
  runId: Type.String(),
  runName: Type.String(),
  experimentId: Type.String(),
  userId: Type.String(),
  status: Type.String(),
  startTime: Type.Union([Type.Integer(), Type.Null()]),
  endTime: Type.Union([Type.Integer(), Type.Null()]),
  artifactUri: Type.String(),
  lifecycleStage: Type.String(),
});
export const Run = Type.Object({
  info: RunInfo,
  data: Type.Object({
    metrics: Type.Array(Metric),
    params: Type.Array(KeyValue),
    tags: Type.Array(KeyValue),
  }),
  inputs: Type.Object({ datasetInputs: Type.Array(Type.Unknown()) }),
});
export const MetricHistory = Type.Object({
  metrics: Type.Array(Metric),
  nextPageToken: Type.Union([Type.String(), Type.Null()]),
});
