import type { CheckScope, ColumnInfo, Finish, Outcome } from './context.js';
import { exampleRows } from './context.js';
import { num, pct } from './grade.js';
import { single, skipped } from './outcome.js';

/**
 * outliers with `method: isolation_forest`: fits an isolation forest on the numeric columns (on a
 * random sample of at most trees × sample_size rows), scores every row — or, past `max_rows` rows,
 * a deterministic random sample of about `max_rows` rows, which the result says — and measures the
 * share of scored rows whose anomaly score is above `score`. Missing values are replaced by the
 * column's median. The ML module loads only when this check runs.
 */
export function isolationForestOutliers(s: CheckScope, cols: ColumnInfo[]): Finish | Outcome {
  if (!cols.length) return skipped('no numeric column for the isolation forest');
  const t = s.spec.thresholds!;
  const o = s.spec.options as {
    score: number;
    trees: number;
    sample_size: number;
    max_rows: number;
    seed: number;
  };
  return async () => {
    const { IsolationForest, SeededRandom } = await import('../../ml/index.js');
    const total = s.ctx.version.rows;
    const sampled = total > o.max_rows;
    const where = sampled ? `where hash(${s.rn}, ${o.seed}) % ${total} < ${o.max_rows}` : '';
    const medians = cols.map((c) => c.profile.quantiles?.['p50'] ?? c.profile.mean ?? 0);
    const lists = cols.map(
      (c, j) => `list(coalesce(${c.q}::double, ${medians[j]}) order by ${s.rn}) as x${j}`,
    );
    const [r] = await s.ctx.engine.query<Record<string, number[] | null>>(
      `select list(${s.rn} order by ${s.rn}) as rn, ${lists.join(', ')} from ${s.ctx.from} ${where}`,
    );
    const rn = r?.['rn'] ?? [];
    const rows = rn.length;
    if (rows < 2) return skipped(`too few rows to fit an isolation forest (${rows})`);
    const k = cols.length;
    const data = new Float64Array(rows * k);
    for (let j = 0; j < k; j++) {
      const xs = r![`x${j}`] ?? [];
      for (let i = 0; i < rows; i++) data[i * k + j] = Number(xs[i]);
    }
    // Fit on a random sample of trees × sample_size rows (each tree draws sample_size of them),
    // infinite values replaced by the median: the forest needs finite numbers to split on.
    const fitRows = Math.min(rows, o.trees * o.sample_size);
    const fit = new Float64Array(fitRows * k);
    const order = sampleIndices(rows, fitRows, new SeededRandom(o.seed));
    for (let i = 0; i < fitRows; i++)
      for (let j = 0; j < k; j++) {
        const v = data[order[i]! * k + j]!;
        fit[i * k + j] = Number.isFinite(v) ? v : medians[j]!;
      }
    const forest = IsolationForest.fit(fit, fitRows, k, {
      trees: o.trees,
      sampleSize: o.sample_size,
      seed: o.seed,
    });
    const scores = forest.score(data, rows);
    let above = 0;
    for (let i = 0; i < rows; i++) if (scores[i]! > o.score) above++;
    const top = topIndices(scores, exampleRows);
    const share = above / rows;
    const shown = cols.filter((c) => !c.pii);
    const examples = top.map((i) => ({
      row: Number(rn[i]),
      score: Number(scores[i]!.toFixed(4)),
      ...(shown.length
        ? { values: Object.fromEntries(shown.map((c) => [c.name, data[i * k + cols.indexOf(c)]])) }
        : {}),
    }));
    const scope = sampled
      ? `${num(rows)} rows scored, a random sample of ${num(total)}`
      : `${num(rows)} rows scored`;
    return single(
      share,
      t,
      () =>
        `${num(above)} rows (${pct(share)}) score above ${o.score} (${scope}, ${k} numeric column${k === 1 ? '' : 's'}); most anomalous: ${examples
          .slice(0, 3)
          .map((e) => `row ${e.row} (${e.score.toFixed(2)})`)
          .join(', ')}`,
      {
        columns: cols.map((c) => c.name),
        scored: rows,
        sampled,
        fitted: fitRows,
        threshold: o.score,
        outliers: above,
        top: examples,
      },
    );
  };
}

/** `n` distinct indices below `rows`, in random order (a partial Fisher–Yates shuffle). */
function sampleIndices(rows: number, n: number, rng: { int(n: number): number }): Uint32Array {
  const idx = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) idx[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(rows - i);
    const tmp = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = tmp;
  }
  return idx.subarray(0, n);
}

/** Indices of the `n` highest scores, highest first. */
function topIndices(scores: Float64Array, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (top.length < n || scores[i]! > scores[top.at(-1)!]!) {
      top.push(i);
      top.sort((a, b) => scores[b]! - scores[a]!);
      if (top.length > n) top.pop();
    }
  }
  return top;
}
