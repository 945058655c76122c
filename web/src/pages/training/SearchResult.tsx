import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Fact, Facts, Panel } from '../../components/ui.js';
import { escapeHtml } from '../../format.js';
import { formatBytes, formatValue } from '../experiments/run-format.js';
import { meanStd, RegisteredFact } from './TrainResult.js';
import type { AutomlResult, TuneResult } from '../../../../src/sdk/index.js';
import { trainingRunUrl } from './training-api.js';

/** One leaderboard row, from a tuning trial or an AutoML entry. */
interface BoardRow {
  rank: number | null;
  index: number | null;
  model: string;
  params: Record<string, unknown>;
  mean: number | null;
  std?: number;
  state?: string;
  fitSeconds?: number;
  latencyMsPerRow?: number;
  sizeBytes?: number;
  /** The row's run; null for a trial that made none. */
  runId: string | null;
}

/** A tuning job's trials or an AutoML leaderboard as ranked rows (trials without a score last). */
function boardRows(kind: 'tune' | 'automl', r: TuneResult | AutomlResult, model = ''): BoardRow[] {
  if (kind === 'automl') {
    const a = r as AutomlResult;
    return [...(a.leaderboard ?? [])]
      .sort((x, y) => x.rank - y.rank)
      .map((e) => ({
        rank: e.rank,
        index: null,
        model: e.model,
        params: e.params ?? {},
        mean: e.cv?.mean ?? null,
        ...(e.cv?.std !== undefined ? { std: e.cv.std } : {}),
        ...(e.fitSeconds !== undefined ? { fitSeconds: e.fitSeconds } : {}),
        ...(e.latencyMsPerRow !== undefined ? { latencyMsPerRow: e.latencyMsPerRow } : {}),
        ...(e.sizeBytes !== undefined ? { sizeBytes: e.sizeBytes } : {}),
        runId: e.runId,
      }));
  }
  const t = r as TuneResult;
  // The server ranks trials (complete ones first, as it chooses the best); unranked ones go last.
  const ranked = [...t.trials].sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.index - b.index,
  );
  return ranked.map((x) => ({
    rank: x.rank,
    index: x.index,
    model,
    params: x.params ?? {},
    mean: x.value ?? null,
    state: x.state,
    fitSeconds: x.durationMs / 1000,
    runId: x.runId,
  }));
}

/** Long params (an ensemble's members) are cut for the table; the cell's title holds them all. */
const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const paramText = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : JSON.stringify(v)}`)
    .join(', ');

/** A finished tuning or AutoML job: the best model, the leaderboard and the trials chart. */
export function SearchResultView({
  kind,
  result,
  model,
}: {
  kind: 'tune' | 'automl';
  result: TuneResult | AutomlResult;
  model?: string;
}) {
  const rows = useMemo(() => boardRows(kind, result, model), [kind, result, model]);
  const tune = kind === 'tune' ? (result as TuneResult) : null;
  const automl = kind === 'automl' ? (result as AutomlResult) : null;
  const bestRun = tune
    ? (tune.final?.runId ?? tune.parentRunId)
    : (automl?.best?.runId ?? result.parentRunId);
  return (
    <>
      <Panel
        title="Result"
        actions={
          <Link className="btn btn-primary btn-sm" to={trainingRunUrl(bestRun)}>
            Open the best model's run
          </Link>
        }
      >
        <Facts>
          <Fact label="Metric">
            {result.metric} ({result.direction === 'minimize' ? 'lower is better' : 'higher is better'})
          </Fact>
          {tune?.best && <Fact label="Best score">{formatValue(tune.best.value)}</Fact>}
          {tune?.best && <Fact label="Best trial">#{tune.best.trial}</Fact>}
          {automl?.best && <Fact label="Best model">{automl.best.model}</Fact>}
          {automl?.ensemble && <Fact label="Ensemble (cv)">{meanStd(automl.ensemble.cv)}</Fact>}
          <Fact label="Trials">{rows.length}</Fact>
          <Fact label="Parent run">
            <Link className="mono" to={trainingRunUrl(result.parentRunId)}>
              {result.parentRunId.slice(0, 8)}
            </Link>
          </Fact>
          <RegisteredFact registered={result.registered} />
        </Facts>
        {tune?.best && (
          <p className="small mono break">Best params: {paramText(tune.best.params) || 'the defaults'}</p>
        )}
      </Panel>
      <Panel title="Trials">
        <TrialsChart kind={kind} rows={rows} direction={result.direction} metric={result.metric} />
      </Panel>
      <Panel title="Leaderboard">
        <Leaderboard rows={rows} metric={result.metric} />
      </Panel>
    </>
  );
}

/** Rows shown before "Show all". */
const boardPreview = 25;

function Leaderboard({ rows, metric }: { rows: BoardRow[]; metric: string }) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, boardPreview);
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Leaderboard">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Model</th>
            <th scope="col">Params</th>
            <th scope="col" className="num">
              {metric} (mean ± std)
            </th>
            <th scope="col" className="num">
              Fit time
            </th>
            <th scope="col" className="num">
              Latency / row
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.runId || `${r.index}`} className={r.rank === 1 ? 'row-best' : undefined}>
              <td className="num">{r.rank ?? '—'}</td>
              <td>
                {r.model || '—'}
                {r.index !== null && <span className="muted small"> #{r.index}</span>}
                {r.state && r.state !== 'complete' && r.state !== 'completed' && (
                  <span className="badge">{r.state}</span>
                )}
              </td>
              <td className="mono small break leaderboard-params" title={paramText(r.params)}>
                {clip(paramText(r.params)) || '—'}
              </td>
              <td className="mono num">{r.mean === null ? '—' : meanStd({ mean: r.mean, std: r.std })}</td>
              <td className="num">{r.fitSeconds === undefined ? '—' : `${formatValue(r.fitSeconds)} s`}</td>
              <td className="num">
                {r.latencyMsPerRow === undefined ? '—' : `${formatValue(r.latencyMsPerRow)} ms`}
              </td>
              <td className="num">{r.sizeBytes === undefined ? '—' : formatBytes(r.sizeBytes)}</td>
              <td>
                {r.runId ? (
                  <Link className="mono" to={trainingRunUrl(r.runId)}>
                    {r.runId.slice(0, 8)}
                  </Link>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > boardPreview && (
        <div className="pager">
          <button type="button" className="btn btn-sm" onClick={() => setAll(!all)}>
            {all ? `Show the top ${boardPreview}` : `Show all ${rows.length}`}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * Tuning: each trial's score by trial index with the best-so-far line. AutoML (no trial order):
 * each leaderboard entry's score by rank.
 */
function TrialsChart({
  kind,
  rows,
  direction,
  metric,
}: {
  kind: 'tune' | 'automl';
  rows: BoardRow[];
  direction: 'maximize' | 'minimize';
  metric: string;
}) {
  const option = useMemo<ChartOption>(() => {
    const scored = rows.filter((r) => r.mean !== null);
    const tooltip = {
      trigger: 'item' as const,
      formatter: (p: unknown) => {
        const { seriesName, value } = p as { seriesName: string; value: [number, number, number] };
        if (seriesName === 'best so far') return `best so far: ${formatValue(value[1])}`;
        const r = scored[value[2]];
        if (!r) return '';
        return `${escapeHtml(r.model || 'trial')}${r.index !== null ? ` #${r.index}` : ` (rank ${r.rank})`}: ${formatValue(r.mean!)}<br>${escapeHtml(paramText(r.params).slice(0, 200))}`;
      },
    };
    const xAxis = (name: string) => ({
      type: 'value' as const,
      name,
      nameLocation: 'middle' as const,
      nameGap: 24,
      minInterval: 1,
      scale: true,
    });
    const base = {
      legend: { top: 0, right: 0 },
      grid: { top: 32, bottom: 24 },
      tooltip,
      yAxis: { type: 'value' as const, scale: true, name: metric },
    };
    if (kind === 'automl') {
      // No trial order: each family's entries by rank, one colour per family.
      const models = [...new Set(scored.map((r) => r.model))];
      return {
        ...base,
        xAxis: xAxis('rank'),
        series: models.map((m) => ({
          name: m,
          type: 'scatter' as const,
          symbolSize: 7,
          data: scored.flatMap((r, i) => (r.model === m ? [[r.rank ?? i + 1, r.mean!, i]] : [])),
        })),
      };
    }
    const ordered = scored.map((r, i) => ({ r, i })).sort((a, b) => a.r.index! - b.r.index!);
    const better = (a: number, b: number) => (direction === 'minimize' ? a < b : a > b);
    let best: number | null = null;
    const bestLine = ordered.map(({ r }) => {
      if (best === null || better(r.mean!, best)) best = r.mean!;
      return [r.index!, best];
    });
    return {
      ...base,
      xAxis: xAxis('trial'),
      series: [
        {
          name: 'score',
          type: 'scatter',
          symbolSize: 9,
          data: ordered.map(({ r, i }) => [r.index!, r.mean!, i]),
        },
        { name: 'best so far', type: 'line', step: 'end', showSymbol: false, data: bestLine },
      ],
    };
  }, [kind, rows, direction, metric]);
  return (
    <Chart
      option={option}
      label={
        kind === 'tune'
          ? `${metric} by trial, with the best so far`
          : `${metric} of each leaderboard entry by rank, coloured by model family`
      }
    />
  );
}
