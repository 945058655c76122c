import { useMemo } from 'react';
import type { DatasetProfile } from '../../../../src/sdk/index.js';
import { Chart } from '../../components/Chart.js';
import { correlationOption, targetCorrelationOption } from './profile-charts.js';

/** The correlation heatmap of the numeric columns and, with a target, each column's correlation with it. */
export function CorrelationsPanel({ profile, target }: { profile: DatasetProfile; target: string | null }) {
  const heatmap = useMemo(
    () => (profile.correlations.length > 0 ? correlationOption(profile.correlations) : null),
    [profile.correlations],
  );
  const targets = profile.targetCorrelations ?? [];
  const bars = useMemo(() => (targets.length > 0 ? targetCorrelationOption(targets) : null), [targets]);
  const names = new Set(profile.correlations.flatMap((p) => [p.a, p.b]));

  return (
    <div className="correlations">
      <section aria-label="Correlations between numeric columns">
        <h3 className="section-title">Pearson correlation between numeric columns</h3>
        {heatmap ? (
          <Chart
            option={heatmap}
            label={`Correlation heatmap of ${names.size} numeric columns`}
            height={Math.min(520, 120 + names.size * 40)}
          />
        ) : (
          <p className="muted">Correlations need at least two numeric columns.</p>
        )}
      </section>
      <section aria-label="Correlation with the target">
        <h3 className="section-title">Correlation with the target{target ? ` (${target})` : ''}</h3>
        {bars ? (
          <Chart
            option={bars}
            label={`Correlation of ${targets.length} columns with the target`}
            height={Math.max(100, 30 + targets.length * 26)}
          />
        ) : (
          <p className="muted">
            {target
              ? 'The target is not numeric or boolean, so no correlations with it were computed.'
              : 'No target column: set one at ingest with --target COLUMN.'}
          </p>
        )}
        <p className="muted small">
          A correlation close to ±1 with the target may mean the column leaks the answer.
        </p>
      </section>
    </div>
  );
}
