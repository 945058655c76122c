/**
 * Charts of a validation report as inline SVG (no script, no external resource): bars (grouped
 * for several series), lines, scatter plots and histograms from a check's ChartData, with axes,
 * axis labels, a legend and reference marks. Pure: safe in browsers.
 */
import { xmlAttr as attr, xmlText as text } from '../core/xml.js';
import type { ChartData } from './check.js';

const W = 640;
const H = 320;
const M = { left: 60, right: 16, top: 40, bottom: 62 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
/** Series colours (Okabe–Ito, distinguishable with colour-blindness); marks are dark grey. */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const MARK = '#444';
/** Scatter plots draw at most this many points per series (evenly spaced). */
const MAX_SCATTER_POINTS = 2000;

/** A number for people: integers as they are, others with 4 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return Number(v.toPrecision(4)).toString();
}

const px = (v: number) => (Math.round(v * 10) / 10).toString();
const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/** A linear scale over `values` with about 5 round ticks (a flat range is widened). */
function scaleOf(values: number[], includeZero: boolean): Scale {
  let min = Math.min(...values, ...(includeZero ? [0] : []));
  let max = Math.max(...values, ...(includeZero ? [0] : []));
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (min === max) [min, max] = min === 0 ? [0, 1] : [min - Math.abs(min) * 0.1, max + Math.abs(max) * 0.1];
  const raw = (max - min) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? raw;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step * 1e-6; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min: lo, max: hi, ticks };
}

const sx = (s: Scale, v: number) => M.left + ((v - s.min) / (s.max - s.min)) * PW;
const sy = (s: Scale, v: number) => M.top + PH - ((v - s.min) / (s.max - s.min)) * PH;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function yAxis(ys: Scale, label?: string): string[] {
  const out = ys.ticks.map(
    (t) =>
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${px(sy(ys, t))}" y2="${px(sy(ys, t))}"/>` +
      `<text class="tick" x="${M.left - 6}" y="${px(sy(ys, t) + 4)}" text-anchor="end">${text(formatNumber(t))}</text>`,
  );
  if (label)
    out.push(
      `<text class="axis-label" transform="translate(14 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle">${text(label)}</text>`,
    );
  return out;
}

function xAxisLabel(label?: string): string {
  return label
    ? `<text class="axis-label" x="${M.left + PW / 2}" y="${H - 8}" text-anchor="middle">${text(label)}</text>`
    : '';
}

function numericXAxis(xs: Scale, label?: string): string[] {
  return [
    ...xs.ticks.map(
      (t) =>
        `<text class="tick" x="${px(sx(xs, t))}" y="${M.top + PH + 16}" text-anchor="middle">${text(formatNumber(t))}</text>`,
    ),
    xAxisLabel(label),
  ];
}

function legend(chart: ChartData): string {
  const items: string[] = [];
  let x = M.left;
  let y = 12;
  const add = (name: string, swatch: string) => {
    const label = clip(name, 32);
    const width = 26 + label.length * 7.2;
    if (x > M.left && x + width > W - M.right) [x, y] = [M.left, y + 15];
    items.push(
      `<g transform="translate(${px(x)} ${y})">${swatch}<text class="legend" x="16" y="4">${text(label)}</text></g>`,
    );
    x += width + 12;
  };
  if (chart.series.length > 1 || (chart.marks?.length ?? 0) > 0)
    chart.series.forEach((s, i) => {
      add(s.name, `<path d="M0 -5h11v11h-11z" fill="${PALETTE[i % PALETTE.length]}"/>`);
    });
  (chart.marks ?? []).forEach((m, i) => {
    add(m.name, `<path d="M0 0.5h12" stroke="${MARK}" stroke-width="1.5" stroke-dasharray="${dash(i)}"/>`);
  });
  return items.join('');
}

/** The dash pattern of the i-th mark (marks differ by pattern, not only by their label). */
const dash = (i: number) => ['5 4', '2 3', '9 3 2 3'][i % 3];

function marks(chart: ChartData, xs: Scale | null, ys: Scale): string[] {
  return (chart.marks ?? []).flatMap((m, i) => {
    if (!finite(m.value)) return [];
    const name = text(`${m.name}: ${formatNumber(m.value)}`);
    const style = `class="mark" stroke-dasharray="${dash(i)}"`;
    if (m.axis === 'y') {
      if (m.value < ys.min || m.value > ys.max) return [];
      const y = sy(ys, m.value);
      return [
        `<line ${style} x1="${M.left}" x2="${W - M.right}" y1="${px(y)}" y2="${px(y)}"><title>${name}</title></line>`,
        `<text class="mark-label" x="${W - M.right - 4}" y="${px(y - 4)}" text-anchor="end">${text(clip(m.name, 28))}</text>`,
      ];
    }
    if (!xs || m.value < xs.min || m.value > xs.max) return [];
    const x = sx(xs, m.value);
    return [
      `<line ${style} x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${M.top + PH}"><title>${name}</title></line>`,
      `<text class="mark-label" x="${px(x + 4)}" y="${M.top + 10}">${text(clip(m.name, 28))}</text>`,
    ];
  });
}

/** Every finite y value of the chart's series and y marks. */
function yValues(chart: ChartData): number[] {
  return [
    ...chart.series.flatMap((s) => s.values.filter(finite)),
    ...(chart.marks ?? []).filter((m) => m.axis === 'y' && finite(m.value)).map((m) => m.value),
  ];
}

function bars(chart: ChartData): string[] {
  const labels = chart.labels ?? chart.x?.map(formatNumber) ?? [];
  const n = Math.max(labels.length, ...chart.series.map((s) => s.values.length));
  const ys = scaleOf(yValues(chart), true);
  const band = PW / Math.max(n, 1);
  const k = Math.max(chart.series.length, 1);
  const bw = (band * 0.8) / k;
  const out = yAxis(ys, chart.yLabel);
  const y0 = sy(ys, Math.max(ys.min, Math.min(0, ys.max)));
  chart.series.forEach((s, j) => {
    s.values.forEach((v, i) => {
      if (!finite(v)) return;
      const x = M.left + i * band + band * 0.1 + j * bw;
      const y = sy(ys, v);
      out.push(
        `<rect class="bar" x="${px(x)}" y="${px(Math.min(y, y0))}" width="${px(Math.max(bw - 1, 1))}" height="${px(Math.max(Math.abs(y0 - y), 0.5))}" fill="${PALETTE[j % PALETTE.length]}"><title>${text(`${labels[i] ?? i} · ${s.name}: ${formatNumber(v)}`)}</title></rect>`,
      );
    });
  });
  const every = Math.ceil(n / 30);
  const rotate = n > 8 || labels.some((l) => l.length > 80 / Math.max(n, 1));
  labels.forEach((l, i) => {
    if (i % every) return;
    const x = px(M.left + (i + 0.5) * band);
    const y = M.top + PH + 14;
    out.push(
      rotate
        ? `<text class="tick" transform="translate(${x} ${y}) rotate(-30)" text-anchor="end">${text(clip(l, 12))}<title>${text(l)}</title></text>`
        : `<text class="tick" x="${x}" y="${y}" text-anchor="middle">${text(clip(l, 24))}<title>${text(l)}</title></text>`,
    );
  });
  if (!rotate) out.push(xAxisLabel(chart.xLabel));
  out.push(...marks(chart, null, ys));
  return out;
}

/** The x positions of a line or scatter chart: `x`, else the index of each label. */
function xPositions(chart: ChartData): number[] {
  const n = Math.max(0, ...chart.series.map((s) => s.values.length));
  return chart.x ?? Array.from({ length: n }, (_, i) => i);
}

function lines(chart: ChartData, scatter: boolean): string[] {
  const xsRaw = xPositions(chart);
  const useLabels = !chart.x && chart.labels;
  const xVals = [
    ...xsRaw.filter(finite),
    ...(chart.marks ?? []).filter((m) => m.axis === 'x' && finite(m.value)).map((m) => m.value),
  ];
  const xs = scaleOf(xVals, false);
  if (useLabels) [xs.min, xs.max] = [-0.5, Math.max(xsRaw.length - 0.5, 0.5)];
  const ys = scaleOf(yValues(chart), false);
  const out = yAxis(ys, chart.yLabel);
  if (useLabels) {
    const every = Math.ceil(xsRaw.length / 12);
    chart.labels!.forEach((l, i) => {
      if (i % every === 0)
        out.push(
          `<text class="tick" x="${px(sx(xs, i))}" y="${M.top + PH + 16}" text-anchor="middle">${text(clip(l, 12))}<title>${text(l)}</title></text>`,
        );
    });
    out.push(xAxisLabel(chart.xLabel));
  } else out.push(...numericXAxis(xs, chart.xLabel));
  chart.series.forEach((s, j) => {
    const colour = PALETTE[j % PALETTE.length];
    const pts: [number, number][] = [];
    s.values.forEach((v, i) => {
      if (finite(v) && finite(xsRaw[i])) pts.push([sx(xs, xsRaw[i]), sy(ys, v)]);
      else if (!scatter) pts.push([Number.NaN, Number.NaN]);
    });
    if (scatter) {
      const step = Math.max(1, Math.ceil(pts.length / MAX_SCATTER_POINTS));
      for (let i = 0; i < pts.length; i += step)
        out.push(
          `<circle cx="${px(pts[i]![0])}" cy="${px(pts[i]![1])}" r="3" fill="${colour}" fill-opacity="0.6"/>`,
        );
      return;
    }
    // a null breaks the line: one polyline per run of values
    let run: string[] = [];
    const flush = () => {
      if (run.length === 1) run.push(run[0]!);
      if (run.length)
        out.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"><title>${text(s.name)}</title></polyline>`,
        );
      run = [];
    };
    for (const [x, y] of pts) {
      if (Number.isNaN(x)) flush();
      else run.push(`${px(x)},${px(y)}`);
    }
    flush();
  });
  out.push(...marks(chart, xs, ys));
  return out;
}

function histogram(chart: ChartData): string[] {
  const starts = chart.x ?? [];
  const widthAt = (i: number) =>
    i + 1 < starts.length ? starts[i + 1]! - starts[i]! : i > 0 ? starts[i]! - starts[i - 1]! : 1;
  const ends = starts.map((s, i) => s + widthAt(i));
  const xVals = [
    ...starts,
    ...ends,
    ...(chart.marks ?? []).filter((m) => m.axis === 'x').map((m) => m.value),
  ].filter(finite);
  const xs = scaleOf(xVals, false);
  const ys = scaleOf(yValues(chart), true);
  const out = [...yAxis(ys, chart.yLabel), ...numericXAxis(xs, chart.xLabel)];
  const several = chart.series.length > 1;
  chart.series.forEach((s, j) => {
    s.values.forEach((v, i) => {
      if (!finite(v) || !finite(starts[i])) return;
      const x0 = sx(xs, starts[i]);
      const x1 = sx(xs, ends[i]!);
      const y = sy(ys, v);
      out.push(
        `<rect class="bar" x="${px(x0)}" y="${px(y)}" width="${px(Math.max(x1 - x0 - 1, 0.5))}" height="${px(Math.max(sy(ys, 0) - y, 0.5))}" fill="${PALETTE[j % PALETTE.length]}"${several ? ' fill-opacity="0.55"' : ''}><title>${text(`${formatNumber(starts[i])} – ${formatNumber(ends[i]!)} · ${s.name}: ${formatNumber(v)}`)}</title></rect>`,
      );
    });
  });
  out.push(...marks(chart, xs, ys));
  return out;
}

/** One chart as an inline `<svg>` element (its title as the accessible name). */
export function chartToSvg(chart: ChartData): string {
  const hasData = chart.series.some((s) => s.values.some(finite));
  const body = !hasData
    ? [`<text class="tick" x="${W / 2}" y="${H / 2}" text-anchor="middle">no data to draw</text>`]
    : chart.kind === 'bar'
      ? bars(chart)
      : chart.kind === 'histogram'
        ? histogram(chart)
        : lines(chart, chart.kind === 'scatter');
  return [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${attr(chart.title)}">`,
    `<title>${text(chart.title)}</title>`,
    hasData ? legend(chart) : '',
    `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PH}" y2="${M.top + PH}"/>`,
    `<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}"/>`,
    ...body,
    '</svg>',
  ].join('');
}
