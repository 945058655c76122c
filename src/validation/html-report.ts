/**
 * A validation report as one self-contained HTML page: inline CSS, charts as inline SVG, no
 * script and no external resource, so it can be stored as an artifact, mailed or printed. The
 * header says what was validated and the outcome; a summary table lists the checks; then one
 * section per check with its message, value against threshold, tables and charts. Every string
 * of the report is escaped. Pure: the SDK exports it for browsers too.
 */
import { xmlAttr as attr, xmlText as text } from '../core/xml.js';
import type { CheckResult, CheckStatus, CheckTable, Threshold } from './check.js';
import { chartToSvg, formatNumber } from './html-charts.js';
import type { ValidationReport } from './runner.js';

/** Tables longer than this show their first rows and say how many there are. */
export const MAX_TABLE_ROWS = 200;

type Result = CheckResult & { required: boolean };

/** Status words with a symbol, so status is not told by colour alone. */
const STATUS_TEXT: Record<CheckStatus, string> = {
  pass: '✓ pass',
  warn: '! warn',
  fail: '✗ fail',
  skip: '– skip',
  error: '⚠ error',
};
const STATUSES: CheckStatus[] = ['pass', 'warn', 'fail', 'skip', 'error'];

const CSS = `
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--warn:#7d4e00;--warn-bg:#fff1c2;--fail:#b3261e;--fail-bg:#ffe1de;
--skip:#555d66;--skip-bg:#eceff2;--error:#6a3fb5;--error-bg:#efe6ff;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1040px;padding:24px 28px 48px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
h1{font-size:24px;margin:0 0 6px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
h2{font-size:18px;margin:0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
h3{font-size:14px;margin:18px 0 6px}
header{border-bottom:2px solid var(--line);padding-bottom:14px;margin-bottom:18px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:10px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;border:1px solid currentColor;white-space:nowrap;text-transform:uppercase;letter-spacing:.02em}
h1 .badge{font-size:15px;padding:2px 12px}
.s-pass{color:var(--pass);background:var(--pass-bg)}.s-warn{color:var(--warn);background:var(--warn-bg)}
.s-fail{color:var(--fail);background:var(--fail-bg)}.s-skip{color:var(--skip);background:var(--skip-bg)}
.s-error{color:var(--error);background:var(--error-bg)}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0 0}
table{border-collapse:collapse;min-width:60%;margin:6px 0;font-size:13px}
table.summary{width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table-wrap{overflow-x:auto}
section.check{border:1px solid var(--line);border-left:6px solid var(--skip);border-radius:6px;padding:14px 18px;margin:18px 0}
section.check.c-pass{border-left-color:var(--pass)}section.check.c-warn{border-left-color:#bf8700}
section.check.c-fail{border-left-color:var(--fail)}section.check.c-error{border-left-color:var(--error)}
.message{margin:8px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.value{margin:6px 0;color:var(--muted)}.value strong{color:#1f2328;font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:12px;margin:2px 0}
.muted{color:var(--muted)}
figure{margin:12px 0;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{max-width:100%;height:auto;display:block}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .mark{stroke:#444;stroke-width:1.5}
svg .tick{font-size:11px;fill:#57606a}svg .axis-label{font-size:12px;fill:#1f2328}svg .legend{font-size:12px;fill:#1f2328}svg .mark-label{font-size:11px;fill:#444;paint-order:stroke;stroke:#fff;stroke-width:3px}
a{color:#0550ae}
footer{margin-top:28px;color:var(--muted);font-size:12px}
@media print{body{padding:0;max-width:none;font-size:12px}section.check{break-inside:avoid-page}
a{color:inherit;text-decoration:none}.badge,section.check{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;

function badge(status: CheckStatus, suffix = ''): string {
  return `<span class="badge s-${status}">${text(STATUS_TEXT[status] + suffix)}</span>`;
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : text(formatNumber(v));
}

/** "warn above 0.05 · fail above 0.1". */
function thresholdText(t: Threshold | null): string {
  if (!t) return '–';
  const parts: string[] = [];
  if (t.warn !== undefined) parts.push(`warn ${t.bad} ${formatNumber(t.warn)}`);
  if (t.fail !== undefined) parts.push(`fail ${t.bad} ${formatNumber(t.fail)}`);
  return parts.length ? text(parts.join(' · ')) : '–';
}

function sampleText(r: Result): string {
  return r.sample ? text(`${formatNumber(r.sample.rows)} of ${formatNumber(r.sample.of)} rows`) : '–';
}

const anchor = (i: number, r: Result) => `check-${i + 1}-${r.check.replace(/[^a-z0-9-]/gi, '')}`;

function cell(v: string | number | boolean | null): string {
  if (v === null) return '<td class="muted">–</td>';
  if (typeof v === 'number') return `<td class="num">${num(v)}</td>`;
  return `<td>${text(String(v))}</td>`;
}

function table(t: CheckTable): string {
  const shown = t.rows.slice(0, MAX_TABLE_ROWS);
  return [
    `<h3>${text(t.title)}</h3>`,
    t.rows.length > MAX_TABLE_ROWS
      ? `<p class="note">Showing the first ${MAX_TABLE_ROWS} of ${t.rows.length} rows (the full table is in the JSON report).</p>`
      : '',
    '<div class="table-wrap"><table><thead><tr>',
    ...t.columns.map((c, j) => {
      const numeric =
        shown.some((r) => typeof r[j] === 'number') &&
        shown.every((r) => r[j] == null || typeof r[j] === 'number');
      return `<th${numeric ? ' class="num"' : ''}>${text(c)}</th>`;
    }),
    '</tr></thead><tbody>',
    ...shown.map((row) => `<tr>${row.map(cell).join('')}</tr>`),
    t.rows.length === 0 ? `<tr><td class="muted" colspan="${t.columns.length || 1}">no rows</td></tr>` : '',
    '</tbody></table></div>',
  ].join('');
}

function section(r: Result, i: number): string {
  const value =
    r.value === null
      ? ''
      : `<p class="value">${text(r.measure || 'value')}: <strong>${num(r.value)}</strong>${r.threshold ? ` — ${thresholdText(r.threshold)}` : ''}</p>`;
  return [
    `<section class="check c-${r.status}" id="${anchor(i, r)}">`,
    `<h2>${text(r.title)} ${badge(r.status)} <span class="note">${text(r.check)}${r.required ? '' : ' · optional'} · ${r.seconds.toFixed(2)} s${r.sample ? ` · sampled ${sampleText(r)}` : ''}</span></h2>`,
    `<p class="message">${text(r.message)}</p>`,
    value,
    ...r.tables.map(table),
    ...r.charts.map((c) => `<figure><figcaption>${text(c.title)}</figcaption>${chartToSvg(c)}</figure>`),
    '</section>',
  ].join('\n');
}

function summary(results: Result[]): string {
  const head = ['Check', 'Status', 'Required', 'Measure', 'Value', 'Thresholds', 'Seconds', 'Sample'];
  return [
    '<div class="table-wrap"><table class="summary"><thead><tr>',
    ...head.map((h) => `<th>${h}</th>`),
    '</tr></thead><tbody>',
    ...results.map(
      (r, i) =>
        `<tr><td><a href="#${anchor(i, r)}">${text(r.title)}</a></td><td>${badge(r.status)}</td><td>${r.required ? 'yes' : 'no'}</td><td>${text(r.measure || '–')}</td><td class="num">${num(r.value)}</td><td>${thresholdText(r.threshold)}</td><td class="num">${r.seconds.toFixed(2)}</td><td>${sampleText(r)}</td></tr>`,
    ),
    '</tbody></table></div>',
  ].join('\n');
}

/** The report as one self-contained HTML page (inline CSS and SVG charts; no script, no link). */
export function reportToHtml(report: ValidationReport): string {
  const meta: [string, string][] = [
    ['Model', report.model],
    ['Baseline', report.baseline ?? '–'],
    ['Test data', report.test],
    ['Training data', report.train ?? '–'],
    ['Production sample', report.production ?? '–'],
    ['Task', report.task],
    ['Suite', report.suite],
    ['Started', report.startedAt],
    ['Seconds', report.seconds.toFixed(1)],
  ];
  const counts = STATUSES.filter((s) => report.counts[s] > 0)
    .map((s) => `<span class="badge s-${s}">${text(`${report.counts[s]} ${STATUS_TEXT[s]}`)}</span>`)
    .join('');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(`Validation ${report.status}: ${report.model} — ${report.suite}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    '<header>',
    `<h1>Validation report ${badge(report.status)}</h1>`,
    `<p class="muted">${text(report.model)} on ${text(report.test)}${report.baseline ? ` against ${text(report.baseline)}` : ''} · suite ${text(report.suite)}</p>`,
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${text(v)}</dd>`).join('')}</dl>`,
    `<div class="counts" aria-label="checks by status">${counts}</div>`,
    '</header>',
    '<main>',
    `<h2>Checks (${report.results.length})</h2>`,
    summary(report.results),
    ...report.results.map(section),
    '</main>',
    `<footer>Lathe validation report (${attr(report.format)} v${report.formatVersion}). A required check that fails or errors fails the suite; warnings and optional failures make it warn.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
