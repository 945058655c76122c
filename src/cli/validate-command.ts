import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type Job, reportToHtml, reportToJUnit, type ValidateResult } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { followJob } from './job-follow.js';
import { nonNegativeInt, positiveInt, readOptionFile } from './options.js';
import { exitCodes, printJson, printTable } from './output.js';
import { reportFinishedJob } from './train-output.js';

interface ValidateOptions {
  model: string;
  test: string;
  train?: string;
  production?: string;
  baseline?: string;
  target?: string;
  suite?: string;
  junit?: string;
  html?: string;
  seed?: number;
  sampleSize?: number;
}

const value = (v: number | null) =>
  v === null ? '-' : Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();

/** `lathe validate`: runs a validation suite on a model version as a job; exit 1 when it fails. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'validate a model version on a test set with a suite of checks (performance, slices, drift, fairness, leakage…): prints each check, writes JUnit for CI, stores the report with the version; exits 1 when a required check fails',
    )
    .requiredOption('--model <ref>', 'the candidate: NAME@VERSION, NAME@ALIAS or NAME@latest')
    .requiredOption('--test <ref>', 'the test dataset version, NAME@VERSION')
    .option('--train <ref>', 'the training dataset version (drift, leakage, overfitting, label errors)')
    .option('--production <ref>', 'a dataset version sampled from production inputs (drift against it)')
    .option('--baseline <ref>', 'the model to compare with, e.g. NAME@champion')
    .option('--target <column>', 'the target column (default: the test set column of semantic type target)')
    .option('--suite <file>', 'a suite (YAML or JSON); default: every check that applies to the task')
    .option('--junit <file>', 'write the report as JUnit XML')
    .option('--html <file>', 'write the report as a self-contained HTML page with charts')
    .option('--seed <n>', 'seed of noise and samples (default 0)', nonNegativeInt)
    .option('--sample-size <n>', 'rows heavy checks use at most (default 10000)', positiveInt)
    .action(async (o: ValidateOptions, cmd: Command) => {
      const json = wantsJson(cmd);
      const spec = {
        model: o.model,
        test: o.test,
        ...(o.train ? { train: o.train } : {}),
        ...(o.production ? { production: o.production } : {}),
        ...(o.baseline ? { baseline: o.baseline } : {}),
        ...(o.target ? { target: o.target } : {}),
        ...(o.suite ? { suite: await readOptionFile(o.suite, 'the suite') } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.sampleSize !== undefined ? { sampleSize: o.sampleSize } : {}),
      };
      const started: Job = await clientFor(cmd).jobs.start('validate', spec);
      if (!json) process.stderr.write(`started validate job ${started.id}\n`);
      const job = await followJob(cmd, started.id);
      if (job.status !== 'succeeded') {
        process.exitCode = reportFinishedJob(job, json);
        return;
      }
      const { report, stored } = job.result as ValidateResult;
      if (o.junit) await writeFile(o.junit, reportToJUnit(report));
      if (o.html) await writeFile(o.html, reportToHtml(report));
      if (json) printJson({ report, stored });
      else {
        process.stdout.write(
          `${report.status.toUpperCase()}: ${report.model} on ${report.test}${report.baseline ? ` against ${report.baseline}` : ''}, suite ${report.suite}, ${report.seconds.toFixed(1)}s\n`,
        );
        printTable(report.results, {
          check: (r) => r.check,
          status: (r) => `${r.status}${r.required ? '' : ' (optional)'}`,
          value: (r) => value(r.value),
          threshold: (r) =>
            r.threshold
              ? [r.threshold.warn, r.threshold.fail]
                  .map((x) => (x === undefined ? '-' : String(x)))
                  .join(' / ')
              : '-',
          seconds: (r) => r.seconds.toFixed(2),
          message: (r) => r.message,
        });
        if (stored) process.stdout.write(`report: ${stored}\n`);
        if (o.junit) process.stdout.write(`junit: ${o.junit}\n`);
        if (o.html) process.stdout.write(`html: ${o.html}\n`);
      }
      process.exitCode = report.status === 'fail' ? exitCodes.failed : exitCodes.ok;
    });
}
