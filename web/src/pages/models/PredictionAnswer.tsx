import { useMemo } from 'react';
import type { VersionPrediction } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Alert } from '../../components/ui.js';
import { formatValue } from '../experiments/run-format.js';
import { formatCell } from './package-format.js';

/** A probability as `81.23%`. */
const percent = (p: number) => `${(p * 100).toFixed(2)}%`;

/** Class probabilities of one row as horizontal bars (first class at the top), the predicted class darker. */
function ProbabilityChart({
  classes,
  probabilities,
  predicted,
}: {
  classes: string[];
  probabilities: number[];
  predicted: string;
}) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { top: 4, bottom: 24, left: 8, right: 56 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v) => (typeof v === 'number' ? percent(v) : String(v)),
      },
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
      },
      yAxis: {
        type: 'category',
        data: [...classes].reverse(),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: [
        {
          name: 'probability',
          type: 'bar',
          barMaxWidth: 20,
          label: { show: true, position: 'right', formatter: (p) => percent(Number(p.value)) },
          data: classes
            .map((c, i) => ({
              value: probabilities[i] ?? 0,
              itemStyle: { color: c === predicted ? '#2563eb' : '#93b4f5' },
            }))
            .reverse(),
        },
      ],
    }),
    [classes, probabilities, predicted],
  );
  return (
    <figure className="metric-chart tryit-chart">
      <figcaption className="metric-chart-title">Class probabilities</figcaption>
      <Chart
        option={option}
        label={`Class probabilities: ${classes.map((c, i) => `${c} ${percent(probabilities[i] ?? 0)}`).join(', ')}`}
        height={Math.max(110, 36 + classes.length * 30)}
      />
    </figure>
  );
}

/** What the server warned about (ignored columns, numeric strings read as numbers). */
export function PredictionWarnings({ warnings }: { warnings: string[] | undefined }) {
  if (!warnings?.length) return null;
  return (
    <Alert kind="warning" title="The server accepted the rows with warnings">
      <ul className="tryit-warnings">
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** The answer for one row: the prediction, and for classifiers each class's probability (table and bars). */
export function PredictionAnswer({ result }: { result: VersionPrediction }) {
  const prediction = result.predictions[0];
  const probs = result.probabilities?.[0];
  const classes = (result.classes ?? []).map(String);
  const predicted = prediction === undefined ? '' : String(prediction);
  return (
    <div className="tryit-answer" aria-live="polite">
      <div className="tryit-answer-main">
        <div className="stat-label">Prediction</div>
        <output className="tryit-prediction" aria-label="Prediction">
          {prediction === undefined ? '—' : formatCell(prediction)}
        </output>
        <div className="muted small">
          from {result.model.name} version {result.model.version}
        </div>
        {probs && classes.length > 0 && (
          <table className="table tryit-probabilities" aria-label="Class probabilities">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">
                  Probability
                </th>
              </tr>
            </thead>
            <tbody>
              {classes.map((c, i) => (
                <tr key={c} className={c === predicted ? 'strong' : undefined}>
                  <td>{c}</td>
                  <td className="num mono" title={String(probs[i])}>
                    {formatValue(probs[i])}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {probs && classes.length > 0 && (
        <ProbabilityChart classes={classes} probabilities={probs} predicted={predicted} />
      )}
    </div>
  );
}
