import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../ml/index.js';
import type { CheckResult, Frame } from './check.js';
import { calibrationCheck } from './checks/calibration.js';
import { driftCheck } from './checks/drift.js';
import { performanceCheck } from './checks/performance.js';
import { slicesCheck } from './checks/slices.js';
import { MAX_TABLE_ROWS, reportToHtml } from './html-report.js';
import { runSuite, type ValidationReport } from './runner.js';
import { parseSuite } from './suite.js';
import { binaryFromScores, contextOf } from './test-context.js';

type Result = CheckResult & { required: boolean };

function result(over: Partial<Result> & Pick<Result, 'check' | 'title' | 'status'>): Result {
  return {
    measure: '',
    value: null,
    threshold: null,
    message: '',
    tables: [],
    charts: [],
    seconds: 0.25,
    required: true,
    ...over,
  };
}

const EVIL = '<script>alert("x")</script> & <b>bold</b>';

function handReport(): ValidationReport {
  const results: Result[] = [
    result({
      check: 'performance',
      title: 'Performance overall',
      status: 'pass',
      measure: 'ROC-AUC',
      value: 0.9123,
      threshold: { bad: 'below', warn: 0.65, fail: 0.55 },
      message: 'ROC-AUC 0.912 & accuracy 0.85',
      tables: [
        {
          title: 'Metrics',
          columns: ['metric', 'value'],
          rows: [
            ['accuracy', 0.85],
            ['roc_auc', 0.9123],
          ],
        },
      ],
      charts: [
        {
          kind: 'bar',
          title: 'Metrics vs naive',
          labels: ['accuracy', 'f1', `lbl ${EVIL}`],
          series: [
            { name: 'model', values: [0.85, 0.8, 0.7] },
            { name: 'naive', values: [0.5, null, 0.2] },
          ],
          marks: [{ name: 'floor', value: 0.55, axis: 'y' }],
          yLabel: 'score',
        },
        {
          kind: 'line',
          title: 'ROC curve',
          x: [0, 0.1, 0.5, 1],
          series: [
            { name: 'model', values: [0, 0.6, 0.9, 1] },
            { name: 'chance', values: [0, 0.1, 0.5, 1] },
          ],
          xLabel: 'false positive rate',
          yLabel: 'true positive rate',
        },
      ],
    }),
    result({
      check: 'slices',
      title: 'Slices',
      status: 'warn',
      measure: 'largest gap',
      value: 0.07,
      threshold: { bad: 'above', warn: 0.05, fail: 0.1 },
      message: `slice region=${EVIL} is 0.07 below overall`,
      tables: [
        {
          title: 'Weakest slices',
          columns: ['slice', 'rows', 'gap', 'flag'],
          rows: Array.from({ length: 250 }, (_, i) => [`slice-${i}`, 100 + i, i / 1000, i % 2 === 0]),
        },
      ],
      charts: [
        {
          kind: 'scatter',
          title: 'Gap by size',
          x: [1, 2, 3, 4, 5],
          series: [{ name: 'slices', values: [0.1, null, 0.3, 0.2, 0.05] }],
        },
      ],
      sample: { rows: 10000, of: 50000 },
    }),
    result({
      check: 'calibration',
      title: 'Calibration',
      status: 'fail',
      measure: 'expected calibration error',
      value: 0.18,
      threshold: { bad: 'above', warn: 0.05, fail: 0.1 },
      message: 'over-confident: ECE 0.18',
      charts: [
        {
          kind: 'histogram',
          title: 'Predicted probabilities',
          x: [0, 0.25, 0.5, 0.75],
          series: [{ name: 'rows', values: [10, 20, 30, 40] }],
          marks: [{ name: 'threshold', value: 0.5, axis: 'x' }],
        },
      ],
    }),
    result({ check: 'fairness', title: 'Fairness', status: 'skip', message: 'no protected attribute' }),
    result({
      check: 'stress',
      title: 'Stress',
      status: 'error',
      required: false,
      message: `the check could not run: ${EVIL}`,
    }),
  ];
  return {
    format: 'lathe-validation',
    formatVersion: 1,
    suite: 'release & <friends>',
    model: 'churn@3',
    baseline: 'churn@2',
    test: 'churn-data@7',
    train: null,
    task: 'binary',
    status: 'fail',
    startedAt: '2026-11-24T06:00:00.000Z',
    seconds: 12.5,
    counts: { pass: 1, warn: 1, fail: 1, skip: 1, error: 1 },
    results,
  };
}

/** The `<section>` of one check. */
function sectionOf(html: string, check: string): string {
  const m = html.match(
    new RegExp(`<section class="check[^"]*" id="check-\\d+-${check}">[\\s\\S]*?</section>`),
  );
  assert.ok(m, `section of ${check}`);
  return m[0];
}

const svgs = (s: string) => s.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
const count = (s: string, tag: string) => s.split(`<${tag}`).length - 1;

describe('reportToHtml', () => {
  const html = reportToHtml(handReport());

  it('is one self-contained, balanced page', () => {
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.trimEnd().endsWith('</html>'));
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<link|<img|<iframe|src=/i);
    for (const tag of ['svg', 'section', 'table', 'figure', 'style'])
      assert.equal(
        count(html, `${tag}`) - count(html, `${tag}-`),
        count(html, `/${tag}>`),
        `<${tag}> balanced`,
      );
    assert.equal(count(html, 'svg'), count(html, '/svg>'));
  });

  it('escapes every string from the report', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<b>bold/);
    assert.match(html, /&lt;script&gt;alert\("x"\)&lt;\/script&gt; &amp; &lt;b&gt;bold&lt;\/b&gt;/);
    assert.match(html, /release &amp; &lt;friends&gt;/);
    assert.match(html, /ROC-AUC 0\.912 &amp; accuracy/);
  });

  it('shows the header: model, baseline, data, suite, status and counts', () => {
    const header = html.slice(0, html.indexOf('</header>'));
    for (const s of ['churn@3', 'churn@2', 'churn-data@7', '2026-11-24T06:00:00.000Z', '12.5'])
      assert.ok(header.includes(s), s);
    assert.match(header, /<h1>Validation report <span class="badge s-fail">✗ fail<\/span>/);
    for (const s of ['1 ✓ pass', '1 ! warn', '1 ✗ fail', '1 – skip', '1 ⚠ error'])
      assert.ok(header.includes(s), s);
  });

  it('lists every check in the summary and gives each a section with its status and value', () => {
    const summary = html.slice(html.indexOf('<table class="summary">'), html.indexOf('</table>'));
    const expected: [string, string, string, string][] = [
      ['performance', 'Performance overall', '✓ pass', '0.9123'],
      ['slices', 'Slices', '! warn', '0.07'],
      ['calibration', 'Calibration', '✗ fail', '0.18'],
      ['fairness', 'Fairness', '– skip', '–'],
      ['stress', 'Stress', '⚠ error', '–'],
    ];
    for (const [check, title, status, value] of expected) {
      assert.match(summary, new RegExp(`>${title}</a>`));
      const s = sectionOf(html, check);
      assert.match(s, new RegExp(`<h2>${title} <span class="badge s-[a-z]+">${status}</span>`));
      if (value !== '–') assert.match(s, new RegExp(`<strong>${value.replace('.', '\\.')}</strong>`));
    }
    assert.match(summary, /warn below 0\.65 · fail below 0\.55/);
    assert.match(summary, /10000 of 50000 rows/);
    assert.match(sectionOf(html, 'stress'), /optional/);
    assert.match(sectionOf(html, 'fairness'), /no protected attribute/);
  });

  it('shows table rows and cuts long tables with a note', () => {
    const perf = sectionOf(html, 'performance');
    assert.match(perf, /<tr><td>accuracy<\/td><td class="num">0\.85<\/td><\/tr>/);
    const slices = sectionOf(html, 'slices');
    assert.equal(count(slices, 'tr>'), MAX_TABLE_ROWS + 1); // the header row and 200 rows
    assert.ok(slices.includes('slice-199') && !slices.includes('slice-200<'));
    assert.match(slices, /first 200 of 250 rows/);
    assert.match(slices, /<td>true<\/td>/);
  });

  it('draws one svg per chart with a mark per value (nulls skipped)', () => {
    const [bar, line] = svgs(sectionOf(html, 'performance'));
    assert.equal(svgs(sectionOf(html, 'performance')).length, 2);
    assert.equal(count(bar!, 'rect'), 5); // 3 + 2 (one null)
    assert.match(bar!, /class="mark"/); // the y mark
    assert.match(bar!, />score</);
    assert.match(bar!, /lbl &lt;script/);
    assert.equal(count(line!, 'polyline'), 2);
    assert.match(line!, />false positive rate</);
    assert.match(line!, />true positive rate</);
    const [scatter] = svgs(sectionOf(html, 'slices'));
    assert.equal(count(scatter!, 'circle'), 4);
    const [hist] = svgs(sectionOf(html, 'calibration'));
    assert.equal(count(hist!, 'rect'), 4);
    assert.match(hist!, /<line class="mark" stroke-dasharray="[^"]+" x1="([\d.]+)" x2="\1"/); // the vertical x mark
    assert.equal(svgs(sectionOf(html, 'fairness')).length, 0);
  });

  it('breaks a line at a null and draws an empty chart as a note', () => {
    const report = handReport();
    report.results[0]!.charts = [
      {
        kind: 'line',
        title: 'gappy',
        labels: ['a', 'b', 'c', 'd'],
        series: [{ name: 's', values: [1, 2, null, 3] }],
      },
      { kind: 'bar', title: 'empty', labels: ['a'], series: [{ name: 's', values: [null] }] },
    ];
    const [gappy, empty] = svgs(sectionOf(reportToHtml(report), 'performance'));
    assert.equal(count(gappy!, 'polyline'), 2);
    assert.match(gappy!, />a</);
    assert.match(empty!, /no data to draw/);
    assert.equal(count(empty!, 'rect'), 0);
  });
});

describe('reportToHtml on a real suite run', () => {
  it('has a section for every check', async () => {
    const rng = new SeededRandom(7);
    const frame = (n: number, shift: number): [Frame, Float64Array] => {
      const a = Float64Array.from({ length: n }, () => rng.normal() + shift);
      const region = Array.from({ length: n }, (_, i) => ['north', 'south', 'east'][i % 3]!);
      const y = a.map((v) => (rng.uniform() < 1 / (1 + Math.exp(-2 * v)) ? 1 : 0));
      return [{ rows: n, columns: { a, region, y } }, y];
    };
    const [test, yTest] = frame(1500, 0.3);
    const [train, yTrain] = frame(1500, 0);
    const model = (f: Frame) =>
      binaryFromScores((f.columns.a as Float64Array).map((v) => 1 / (1 + Math.exp(-2 * v))));
    const ctx = contextOf({
      task: 'binary',
      classes: [0, 1],
      target: 'y',
      features: ['a', 'region'],
      test,
      yTest,
      train,
      yTrain,
      candidate: model,
    });
    const checks = [performanceCheck, slicesCheck, calibrationCheck, driftCheck];
    const suite = parseSuite({ name: 'real', checks: checks.map((c) => c.name) }, checks as never);
    const report = await runSuite(ctx, suite, checks as never, { test: 'd@2', train: 'd@1' });
    const html = reportToHtml(report);
    assert.equal(report.results.length, 4);
    for (const r of report.results) {
      const s = sectionOf(html, r.check);
      assert.ok(s.includes(`${r.title} <span class="badge s-${r.status}">`), r.check);
      assert.equal(svgs(s).length, r.charts.length, `${r.check} charts`);
      assert.equal(count(s, 'table'), r.tables.length, `${r.check} tables`);
    }
    assert.doesNotMatch(html, /https?:\/\/|NaN/);
  });
});
