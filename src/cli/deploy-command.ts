import { type Command, InvalidArgumentError } from 'commander';
import type { DeploymentStatus } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { positiveInt, readOptionFile } from './options.js';
import { printJson, printTable, shortTime } from './output.js';

/** `v7=90`, `churn@challenger=10` → a share. */
function collectShare(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([^=\s]+)=(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(`expected VERSION=PERCENT or NAME@REF=PERCENT (v7=90); got "${value}"`);
  if (m[1]! in previous) throw new InvalidArgumentError(`${m[1]} is given twice`);
  return { ...previous, [m[1]!]: Number(m[2]) };
}

const routes = (d: DeploymentStatus) =>
  d.spec.models
    .map(
      (m) =>
        `${m.model}${d.versions[m.model] && d.versions[m.model] !== m.model ? `(${d.versions[m.model]})` : ''}=${m.traffic}%`,
    )
    .join(' ') || (d.spec.graph ? `graph:${d.spec.graph.kind}` : '-');

function printDeployment(d: DeploymentStatus): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${d.name} revision ${d.revision} (${d.state}${d.error ? `: ${d.error}` : ''})`);
  for (const m of d.spec.models)
    out(
      `  route     ${m.model} → ${d.versions[m.model] ?? '?'}  ${m.traffic}%${d.degraded.includes(m.model) ? '  DEGRADED' : ''}`,
    );
  if (d.spec.sticky) out(`  sticky    by request field ${d.spec.sticky}`);
  for (const s of d.spec.shadow)
    out(`  shadow    ${s.model} → ${d.versions[s.model] ?? '?'}  ${s.traffic}% mirrored, never returned`);
  if (d.spec.fallback)
    out(
      `  fallback  ${d.spec.fallback} → ${d.versions[d.spec.fallback] ?? '?'}  on errors, refused rows${d.spec.latencyBudgetMs !== null ? `, over ${d.spec.latencyBudgetMs} ms` : ''}, degraded models`,
    );
  if (d.pending) out(`  pending   ${d.pending}`);
  out(`  batching  up to ${d.spec.batching.maxBatchSize} rows, ${d.spec.batching.maxWaitMs} ms`);
  out(
    `  logging   ${d.spec.logging.enabled ? `on (queue ${d.spec.logging.capacity}, ${d.spec.logging.policy} when full)` : 'off'}`,
  );
  out(`  updated   ${shortTime(d.updatedAt)} by ${d.updatedBy}`);
  out(`  predict   POST /api/v1/endpoints/${d.name}/predict  ·  OIP: POST /v2/models/${d.name}/infer`);
}

/** `lathe deploy …`: deployments and their rollouts. */
export function registerDeployCommand(program: Command): void {
  const deploy = program
    .command('deploy')
    .description(
      'serve models: apply deployment specs (traffic split, shadow, fallback), change traffic, promote, roll back',
    );

  deploy
    .command('apply <file>')
    .description('apply a deployment spec (YAML or JSON): creates the deployment or stores its next revision')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const text = await readOptionFile(file, 'the deployment spec');
      const d = await clientFor(cmd).serving.apply(text);
      if (wantsJson(cmd)) return printJson(d);
      process.stdout.write(
        d.changed
          ? `applied ${d.name}: revision ${d.revision}\n`
          : `${d.name} unchanged (revision ${d.revision})\n`,
      );
      printDeployment(d);
    });

  deploy
    .command('ls')
    .alias('list')
    .description('list deployments, their routes and state')
    .action(async (_o: unknown, cmd: Command) => {
      const all = await clientFor(cmd).serving.list();
      if (wantsJson(cmd)) return printJson({ deployments: all });
      if (!all.length) {
        process.stdout.write('no deployments; create one with: lathe deploy apply spec.yaml\n');
        return;
      }
      printTable(all, {
        name: (d) => d.name,
        state: (d) => d.state,
        rev: (d) => d.revision,
        routes: routes,
        fallback: (d) => d.spec.fallback ?? '-',
        updated: (d) => shortTime(d.updatedAt),
      });
    });

  deploy
    .command('show <name>')
    .description('show a deployment: routes and the versions they resolve to, shadow, fallback, state')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const d = await clientFor(cmd).serving.get(name);
      if (wantsJson(cmd)) return printJson(d);
      printDeployment(d);
    });

  deploy
    .command('delete <name>')
    .description('delete a deployment (requests in flight are answered)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientFor(cmd).serving.delete(name);
      if (!wantsJson(cmd)) process.stdout.write(`deleted ${name}\n`);
    });

  deploy
    .command('traffic')
    .description(
      'set traffic shares, e.g. lathe deploy traffic churn v7=90 v8=10 (routes not named leave the split)',
    )
    .argument('<name>', 'the deployment')
    .argument('<shares...>', 'VERSION=PERCENT (v7=90) or NAME@REF=PERCENT, summing to 100', collectShare)
    .action(async (name: string, shares: Record<string, number>, _o: unknown, cmd: Command) => {
      const d = await clientFor(cmd).serving.traffic(name, shares);
      if (wantsJson(cmd)) return printJson(d);
      process.stdout.write(`${d.name} revision ${d.revision}: ${routes(d)}\n`);
    });

  deploy
    .command('promote <name>')
    .description('send all traffic to the canary (the route with the smallest share)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const d = await clientFor(cmd).serving.promote(name);
      if (wantsJson(cmd)) return printJson(d);
      process.stdout.write(`${d.name} revision ${d.revision}: ${routes(d)}\n`);
    });

  deploy
    .command('rollback <name>')
    .description('re-apply the revision before the current one (or --to REVISION)')
    .option('--to <revision>', 'the revision to go back to', positiveInt)
    .action(async (name: string, o: { to?: number }, cmd: Command) => {
      const d = await clientFor(cmd).serving.rollback(name, o.to);
      if (wantsJson(cmd)) return printJson(d);
      process.stdout.write(`${d.name} revision ${d.revision}: ${routes(d)}\n`);
    });

  deploy
    .command('history <name>')
    .description('every revision of a deployment, newest first')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const revisions = await clientFor(cmd).serving.revisions(name);
      if (wantsJson(cmd)) return printJson({ revisions });
      printTable(revisions, {
        revision: (r) => r.revision,
        reason: (r) => r.reason,
        routes: (r) => r.spec.models.map((m) => `${m.model}=${m.traffic}%`).join(' '),
        by: (r) => r.createdBy,
        at: (r) => shortTime(r.createdAt),
      });
    });
}
