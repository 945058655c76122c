import { xmlAttr as attr, xmlText as text } from '../../core/xml.js';
import type { CheckResult, CheckRun, ColumnCheckResult, Thresholds } from './types.js';

/**
 * A check run as JUnit XML, the report format CI systems (Jenkins, GitLab, GitHub Actions test
 * reporters, Azure Pipelines) read: one `<testsuite>` for the run, one `<testcase>` per check — or
 * per column for checks that look at columns. `fail` is a `<failure>`, `error` an `<error>`,
 * `skipped` a `<skipped>`; JUnit has no warning state, so a `warn` is a passing test case whose
 * `<system-out>` starts with `WARNING:` and whose `status` property is `warn`. Text is escaped,
 * and characters XML 1.0 cannot hold are written as `\uXXXX`. Pure: no I/O, runs in browsers.
 */
export function checkRunToJUnit(run: CheckRun): string {
  const cases = run.results.flatMap((r) => casesOf(run, r));
  const count = (s: string) => cases.filter((c) => c.status === s).length;
  const seconds = (run.durationMs / 1000).toFixed(3);
  const totals = `tests="${cases.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds}"`;
  const props = [
    ['dataset', run.ref],
    ['run', run.id],
    ['status', run.status],
    ['reference', run.reference ?? ''],
    ['rows', String(run.rows)],
  ];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lathe data check" ${totals}>`,
    `  <testsuite name="${attr(`data check ${run.ref}`)}" ${totals} timestamp="${attr(run.createdAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k!)}" value="${attr(v!)}"/>`),
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return out.join('\n');
}

interface Case {
  status: string;
  xml: string;
}

function casesOf(run: CheckRun, r: CheckResult): Case[] {
  const classname = `${run.ref}.${r.check}`;
  const time = (r.ms / 1000).toFixed(3);
  if (!r.columns.length)
    return [testcase(classname, r.name, time, r.status, r.message, r.value, r.thresholds, r.details)];
  const each = Math.max(r.ms / r.columns.length / 1000, 0).toFixed(3);
  return r.columns.map((c) =>
    testcase(
      classname,
      `${r.name} [${c.column}]`,
      each,
      c.status,
      `${c.column}: ${c.message}`,
      c.value,
      r.thresholds,
      {
        ...columnFacts(c),
      },
    ),
  );
}

function columnFacts(c: ColumnCheckResult): Record<string, unknown> {
  return {
    ...(c.count !== undefined ? { count: c.count } : {}),
    ...(c.rows?.length ? { rows: c.rows } : {}),
    ...(c.examples?.length ? { examples: c.examples } : {}),
    ...(c.details ? c.details : {}),
  };
}

function testcase(
  classname: string,
  name: string,
  time: string,
  status: string,
  message: string,
  value: number | null,
  t: Thresholds | null,
  details: Record<string, unknown> | undefined,
): Case {
  const props: [string, string][] = [['status', status]];
  if (value !== null) props.push(['value', String(value)]);
  if (t?.warn !== null && t?.warn !== undefined) props.push(['warn', `${t.op} ${t.warn}`]);
  if (t?.fail !== null && t?.fail !== undefined) props.push(['fail', `${t.op} ${t.fail}`]);
  const facts = details && Object.keys(details).length ? JSON.stringify(details, null, 2) : '';
  const lines = [`    <testcase classname="${attr(classname)}" name="${attr(name)}" time="${time}">`];
  lines.push('      <properties>');
  for (const [k, v] of props) lines.push(`        <property name="${attr(k)}" value="${attr(v)}"/>`);
  lines.push('      </properties>');
  if (status === 'fail')
    lines.push(
      `      <failure message="${attr(message)}" type="fail">${text(`${message}\n${facts}`)}</failure>`,
    );
  else if (status === 'error')
    lines.push(`      <error message="${attr(message)}" type="error">${text(message)}</error>`);
  else if (status === 'skipped') lines.push(`      <skipped message="${attr(message)}"/>`);
  if (status === 'warn')
    lines.push(`      <system-out>${text(`WARNING: ${message}\n${facts}`)}</system-out>`);
  else if (status === 'pass' && message) lines.push(`      <system-out>${text(message)}</system-out>`);
  lines.push('    </testcase>');
  return { status, xml: lines.join('\n') };
}
