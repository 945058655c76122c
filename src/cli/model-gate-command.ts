import type { Command } from 'commander';
import type { GatePolicy, GateStatus } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { nonNegativeInt } from './options.js';
import { printJson } from './output.js';

const csv = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function printPolicy(name: string, p: GatePolicy | null): void {
  if (!p) {
    process.stdout.write(`${name} has no gate policy: any version may take any alias or stage\n`);
    return;
  }
  process.stdout.write(`${name} gate policy\n`);
  process.stdout.write(
    `  guards     ${[...p.aliases.map((a) => `alias ${a}`), ...p.stages.map((s) => `stage ${s}`)].join(', ')}\n`,
  );
  process.stdout.write(
    `  needs      ${p.suite ? `a passed validation with suite ${p.suite}` : 'a passed validation (any suite)'}${p.allowWarnings ? ' (warnings accepted)' : ''}\n`,
  );
  process.stdout.write(`  approvals  ${p.approvals}\n`);
}

function printGate(g: GateStatus): void {
  process.stdout.write(`${g.name}@${g.version}: ${g.passed ? 'may be promoted' : 'may NOT be promoted'}\n`);
  if (g.validation)
    process.stdout.write(
      `  validation ${g.validation.status} (suite ${g.validation.suite}, job ${g.validation.job}, ${g.validation.createdAt})\n`,
    );
  else process.stdout.write('  validation none\n');
  process.stdout.write(
    `  approvals  ${g.approvals.approved.length} of ${g.approvals.needed}${g.approvals.approved.length ? ` (${g.approvals.approved.join(', ')})` : ''}\n`,
  );
  for (const r of g.approvals.rejected) process.stdout.write(`  rejected   by ${r.reviewer}: ${r.comment}\n`);
  for (const r of g.reasons) process.stdout.write(`  - ${r}\n`);
}

/** `lathe models policy|gate|approve|reject`: registry gates and reviews. */
export function registerModelGateCommands(models: Command): void {
  models
    .command('policy <name>')
    .description(
      "show or set a model's gate policy: the aliases and stages only versions that passed validation (and got their approvals) may take",
    )
    .option('--aliases <list>', 'guarded aliases, comma-separated (e.g. champion)')
    .option('--stages <list>', 'guarded stages, comma-separated (e.g. Production)')
    .option('--suite <name>', 'the validation suite that must have passed (default: any)')
    .option('--approvals <n>', 'approvals needed, not counting the version creator (0..10)', nonNegativeInt)
    .option('--allow-warnings', 'accept a validation that warned')
    .option('--delete', 'remove the policy')
    .action(
      async (
        name: string,
        o: {
          aliases?: string;
          stages?: string;
          suite?: string;
          approvals?: number;
          allowWarnings?: boolean;
          delete?: boolean;
        },
        cmd: Command,
      ) => {
        const client = clientFor(cmd);
        if (o.delete) {
          await client.registry.deletePolicy(name);
          if (wantsJson(cmd)) return printJson({ policy: null });
          process.stdout.write(`removed the gate policy of ${name}\n`);
          return;
        }
        const setting =
          o.aliases !== undefined ||
          o.stages !== undefined ||
          o.suite !== undefined ||
          o.approvals !== undefined ||
          o.allowWarnings !== undefined;
        const policy = setting
          ? await client.registry.setPolicy(name, {
              aliases: o.aliases ? csv(o.aliases) : [],
              stages: (o.stages ? csv(o.stages) : []) as GatePolicy['stages'],
              suite: o.suite ?? null,
              approvals: o.approvals ?? 0,
              allowWarnings: o.allowWarnings === true,
            })
          : await client.registry.getPolicy(name);
        if (wantsJson(cmd)) return printJson({ policy });
        printPolicy(name, policy);
      },
    );

  models
    .command('gate <ref>')
    .description(
      "where a version stands against its model's policy: its latest validation, approvals and why it may not be promoted",
    )
    .action(async (ref: string, _o, cmd: Command) => {
      const g = await clientFor(cmd).registry.gate(ref);
      if (wantsJson(cmd)) return printJson(g);
      printGate(g);
    });

  for (const [verb, decision] of [
    ['approve', 'approve'],
    ['reject', 'reject'],
  ] as const)
    models
      .command(`${verb} <ref>`)
      .description(
        `${verb} a version (recorded with your name in the audit log${decision === 'reject' ? '; a comment is required' : ''})`,
      )
      .option('--comment <text>', 'why')
      .action(async (ref: string, o: { comment?: string }, cmd: Command) => {
        const client = clientFor(cmd);
        const review = await client.registry.review(ref, decision, o.comment);
        if (wantsJson(cmd)) return printJson(review);
        process.stdout.write(
          `${decision === 'approve' ? 'approved' : 'rejected'} ${review.name}@${review.version} as ${review.reviewer}\n`,
        );
        printGate(await client.registry.gate(`${review.name}@${review.version}`));
      });
}
