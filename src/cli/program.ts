import { registerDeployCommand } from './deploy-command.js';
import { registerServeCommand } from './serve-command.js';
import { Command } from 'commander';
import { version } from '../core/index.js';
import { registerConfigCommand } from './config-command.js';
import { registerDataCommand } from './data-command.js';
import { wantsJson } from './context.js';
import { registerDbCommand } from './db-command.js';
import { registerJobsCommand } from './jobs-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerMonitorCommand } from './monitor-command.js';
import { registerMonitorsCommand } from './monitors-command.js';
import { printJson } from './output.js';
import { registerServerCommand } from './server-command.js';
import { registerTokensCommand } from './tokens-command.js';
import { registerTrainCommands } from './train-commands.js';
import { registerPredictCommand } from './predict-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerTrackingCommands } from './tracking-commands.js';
import { registerUsersCommand } from './users-command.js';

/** The `lathe` command line, with every command group registered. */
export function buildProgram(): Command {
  const program = new Command('lathe')
    .description('Lathe: one platform from raw data to production models and back.')
    .option(
      '--config <file>',
      'config file (default lathe.config.json or lathe.config.yaml here; or LATHE_CONFIG)',
    )
    .option(
      '--url <url>',
      'server URL for commands that talk to a server (or LATHE_URL; default http://127.0.0.1:7007)',
    )
    .option('--token <token>', 'API token (or LATHE_TOKEN)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    .exitOverride();
  program
    .command('version')
    .description('print the version of Lathe')
    .action((_o, cmd: Command) => {
      if (wantsJson(cmd)) printJson({ version });
      else process.stdout.write(`lathe ${version}\n`);
    });
  registerServerCommand(program);
  registerConfigCommand(program);
  registerDbCommand(program);
  registerTokensCommand(program);
  registerUsersCommand(program);
  registerTrackingCommands(program);
  registerModelsCommand(program);
  registerDataCommand(program);
  registerTrainCommands(program);
  registerPredictCommand(program);
  registerValidateCommand(program);
  registerDeployCommand(program);
  registerServeCommand(program);
  registerMonitorCommand(program);
  registerMonitorsCommand(program);
  registerJobsCommand(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}
