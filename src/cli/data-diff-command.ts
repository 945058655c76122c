import type { Command } from 'commander';
import type { ColumnDiff, DatasetDiff, DiffOptions } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { nonNegativeInt, positiveInt, positiveNumber } from './options.js';
import { printJson, printTable } from './output.js';

const out = (s = '') => process.stdout.write(`${s}\n`);

const ticks = '▁▂▃▄▅▆▇█';

/**
 * Two distributions as text sparklines on one scale (the largest share of either is a full block),
 * so heights compare across the pair: `▁▃█▅▂ → ▁▂▅█▃`. A bin or category with no rows is a space.
 */
function sparklines(reference: readonly number[], current: readonly number[], width = 20): string {
  const share = (xs: readonly number[]) => {
    const total = xs.reduce((s, x) => s + x, 0) || 1;
    return xs.slice(0, width).map((x) => x / total);
  };
  const a = share(reference);
  const b = share(current);
  const top = Math.max(...a, ...b) || 1;
  const line = (xs: number[]) =>
    xs.map((x) => (x === 0 ? ' ' : ticks[Math.min(7, Math.floor((x / top) * 7.999))])).join('');
  return `${line(a)} → ${line(b)}`;
}

const num = (x: number | null | undefined) =>
  x === null || x === undefined
    ? '-'
    : x !== 0 && Math.abs(x) < 1e-3
      ? x.toExponential(1)
      : Number(x.toPrecision(3)).toString();

const signed = (x: number) => (x > 0 ? `+${x.toLocaleString()}` : x.toLocaleString());

/** Drifted columns first (largest PSI first), then compared ones, then those not compared. */
function ordered(columns: readonly ColumnDiff[]): ColumnDiff[] {
  const rank = (c: ColumnDiff) => (c.drifted ? 0 : c.statistics ? 1 : 2);
  return [...columns].sort(
    (x, y) => rank(x) - rank(y) || (y.statistics?.psi ?? 0) - (x.statistics?.psi ?? 0),
  );
}

function printSchema(d: DatasetDiff): void {
  const s = d.schema;
  if (s.unchanged) {
    out('schema   unchanged');
    return;
  }
  out('schema');
  for (const c of s.added) out(`  + ${c.name}  ${c.type} ${c.semantic} (added)`);
  for (const c of s.removed) out(`  - ${c.name}  ${c.type} ${c.semantic} (removed)`);
  for (const c of s.typeChanged) out(`  ~ ${c.name}  type ${c.from} → ${c.to}`);
  for (const c of s.semanticChanged) out(`  ~ ${c.name}  semantic ${c.from} → ${c.to}`);
  for (const c of s.nullabilityChanged)
    out(`  ~ ${c.name}  ${c.to ? 'now has missing values' : 'no longer has missing values'}`);
}

/** Prints a diff for a terminal: rows, schema, one line per column, then notes. */
function printDiff(d: DatasetDiff): void {
  const r = d.rows;
  out(`${d.reference.ref} → ${d.current.ref}`);
  out(
    `rows     ${r.reference.toLocaleString()} → ${r.current.toLocaleString()} (${signed(r.change)}${
      r.changeShare === null ? '' : `, ${r.changeShare >= 0 ? '+' : ''}${(r.changeShare * 100).toFixed(1)}%`
    })`,
  );
  printSchema(d);
  const t = d.thresholds;
  out();
  out(
    `drift    ${d.summary.drifted} of ${d.summary.compared} compared columns drifted ` +
      `(p < ${t.pValue} and PSI ≥ ${t.psi}, KS ≥ ${t.ksStatistic} or JS ≥ ${t.jensenShannon})`,
  );
  out();
  const columns = ordered(d.columns);
  printTable(columns, {
    column: (c) => c.name,
    kind: (c) => c.kind,
    psi: (c) => num(c.statistics?.psi),
    test: (c) => (c.statistics?.ks ? 'KS' : c.statistics?.chiSquare ? 'chi²' : ''),
    stat: (c) => num(c.statistics?.ks?.statistic ?? c.statistics?.chiSquare?.statistic),
    p: (c) => num(c.statistics?.ks?.pValue ?? c.statistics?.chiSquare?.pValue),
    js: (c) => num(c.statistics?.jensenShannon),
    drifted: (c) => (c.drifted ? 'DRIFT' : ''),
    'reference → current': (c) =>
      c.histogram
        ? sparklines(c.histogram.reference, c.histogram.current)
        : c.categories
          ? sparklines(c.categories.reference, c.categories.current, 12)
          : '',
  });
  const notes: string[] = [];
  for (const c of columns) {
    for (const reason of c.reasons) notes.push(`${c.name}: ${reason}`);
    const k = c.categories;
    if (k?.newCount)
      notes.push(
        `${c.name}: ${k.newCount} new categor${k.newCount === 1 ? 'y' : 'ies'}` +
          (k.newCategories.length
            ? ` (${k.newCategories.slice(0, 5).join(', ')}${k.newCount > 5 ? ', …' : ''})`
            : ''),
      );
    if (k?.vanishedCount)
      notes.push(
        `${c.name}: ${k.vanishedCount} categor${k.vanishedCount === 1 ? 'y' : 'ies'} gone` +
          (k.vanishedCategories.length
            ? ` (${k.vanishedCategories.slice(0, 5).join(', ')}${k.vanishedCount > 5 ? ', …' : ''})`
            : ''),
      );
    const h = c.histogram;
    if (h && (h.currentBelow || h.currentAbove)) {
      const sides = [
        h.currentBelow ? `${h.currentBelow.toLocaleString()} below` : '',
        h.currentAbove ? `${h.currentAbove.toLocaleString()} above` : '',
      ];
      notes.push(
        `${c.name}: current values outside the reference range: ${sides.filter(Boolean).join(', ')}`,
      );
    }
    if (c.reference.missingShare !== c.current.missingShare && (c.reference.missing || c.current.missing))
      notes.push(
        `${c.name}: missing ${(c.reference.missingShare * 100).toFixed(1)}% → ${(c.current.missingShare * 100).toFixed(1)}%`,
      );
    if (c.sampled && c.sample)
      notes.push(`${c.name}: KS on a sample of ${c.sample.reference} and ${c.sample.current} values`);
    if (c.note) notes.push(`${c.name}: ${c.note}`);
  }
  if (notes.length) {
    out();
    for (const n of notes) out(`  ${n}`);
  }
}

/** `lathe data diff A B`: registered on the `data` command group. */
export function registerDataDiffCommand(data: Command): void {
  data
    .command('diff')
    .description(
      'compare two versions (possibly of two datasets): schema, row counts and per-column drift (PSI, KS, chi², JS)',
    )
    .argument('<reference>', 'the old version: NAME@VERSION, NAME@latest or NAME')
    .argument('<current>', 'the new version, of the same or another dataset')
    .option('--psi <x>', 'PSI at or above this is a large change (default 0.2)', positiveNumber)
    .option('--p-value <p>', 'significance level of the KS and chi² tests (default 0.05)', positiveNumber)
    .option('--ks <d>', 'smallest KS statistic that is a large change (default 0.1)', positiveNumber)
    .option(
      '--js <d>',
      'smallest Jensen–Shannon distance that is a large change (default 0.1)',
      positiveNumber,
    )
    .option('--sample-size <n>', 'rows per version for KS and Wasserstein (default 100000)', positiveInt)
    .option('--seed <n>', 'seed of that sample (default 0)', nonNegativeInt)
    .action(async (a: string, b: string, o: Record<string, number | undefined>, cmd: Command) => {
      const thresholds: NonNullable<DiffOptions['thresholds']> = {};
      if (o['psi'] !== undefined) thresholds.psi = o['psi'];
      if (o['pValue'] !== undefined) thresholds.pValue = o['pValue'];
      if (o['ks'] !== undefined) thresholds.ksStatistic = o['ks'];
      if (o['js'] !== undefined) thresholds.jensenShannon = o['js'];
      const options: DiffOptions = { thresholds };
      if (o['sampleSize'] !== undefined) options.sampleSize = o['sampleSize'];
      if (o['seed'] !== undefined) options.seed = o['seed'];
      const d = await clientFor(cmd).data.diff(a, b, options);
      if (wantsJson(cmd)) return printJson(d);
      printDiff(d);
    });
}
