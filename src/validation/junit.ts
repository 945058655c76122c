/**
 * A validation report as JUnit XML, for CI: one test case per check. A failed or errored required
 * check is a failure (error); an optional one that failed passes with a WARNING in its output, as
 * do warnings; a check that did not apply is skipped. Pure: the SDK and CLI use it too.
 */
import { xmlAttr as attr, xmlText as text } from '../core/xml.js';
import type { ValidationReport } from './runner.js';

export function reportToJUnit(report: ValidationReport): string {
  const cases = report.results.map((r) => {
    const blocking = r.required && (r.status === 'fail' || r.status === 'error');
    const kind = blocking ? r.status : r.status === 'skip' ? 'skipped' : 'passed';
    const props: [string, string][] = [
      ['status', r.status],
      ['required', String(r.required)],
    ];
    if (r.value !== null) props.push(['value', String(r.value)]);
    if (r.measure) props.push(['measure', r.measure]);
    if (r.threshold?.warn !== undefined) props.push(['warn', `${r.threshold.bad} ${r.threshold.warn}`]);
    if (r.threshold?.fail !== undefined) props.push(['fail', `${r.threshold.bad} ${r.threshold.fail}`]);
    const lines = [
      `    <testcase classname="${attr(`${report.model}.${r.check}`)}" name="${attr(r.title)}" time="${r.seconds.toFixed(3)}">`,
      '      <properties>',
      ...props.map(([k, v]) => `        <property name="${attr(k)}" value="${attr(v)}"/>`),
      '      </properties>',
    ];
    if (kind === 'fail')
      lines.push(`      <failure message="${attr(r.message)}" type="fail">${text(r.message)}</failure>`);
    else if (kind === 'error')
      lines.push(`      <error message="${attr(r.message)}" type="error">${text(r.message)}</error>`);
    else if (kind === 'skipped') lines.push(`      <skipped message="${attr(r.message)}"/>`);
    else if (r.status !== 'pass')
      lines.push(`      <system-out>${text(`WARNING (${r.status}): ${r.message}`)}</system-out>`);
    else lines.push(`      <system-out>${text(r.message)}</system-out>`);
    lines.push('    </testcase>');
    return { kind, xml: lines.join('\n') };
  });
  const count = (k: string) => cases.filter((c) => c.kind === k).length;
  const totals = `tests="${cases.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skipped')}" time="${report.seconds.toFixed(3)}"`;
  const props: [string, string][] = [
    ['model', report.model],
    ['baseline', report.baseline ?? ''],
    ['test', report.test],
    ['train', report.train ?? ''],
    ['production', report.production ?? ''],
    ['suite', report.suite],
    ['status', report.status],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lathe validate" ${totals}>`,
    `  <testsuite name="${attr(`validate ${report.model}`)}" ${totals} timestamp="${attr(report.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
