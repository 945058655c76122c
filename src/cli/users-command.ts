import { type Command, InvalidArgumentError } from 'commander';
import { type Role, roles } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { printJson, printTable, shortTime } from './output.js';

const parseRole = (value: string): Role => {
  if (!roles.includes(value as Role))
    throw new InvalidArgumentError(`expected viewer, editor or admin, got "${value}"`);
  return value as Role;
};

/** `lathe users create|list` (admins). */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage users (admins)');
  users
    .command('create <name>')
    .description('create a user; then give them a token with `lathe tokens create NAME --user USER`')
    .requiredOption('--role <role>', 'viewer, editor or admin', parseRole)
    .action(async (name: string, o: { role: Role }, cmd: Command) => {
      const user = await clientFor(cmd).users.create({ name, role: o.role });
      if (wantsJson(cmd)) return printJson({ user });
      process.stdout.write(`created user ${user.name} (${user.role}) ${user.id}\n`);
    });
  users
    .command('list')
    .description('list users')
    .action(async (_o, cmd: Command) => {
      const list = await clientFor(cmd).users.list();
      if (wantsJson(cmd)) return printJson({ users: list });
      printTable(list, {
        id: (u) => u.id,
        name: (u) => u.name,
        role: (u) => u.role,
        created: (u) => shortTime(u.createdAt),
        disabled: (u) => (u.disabled ? 'yes' : 'no'),
      });
    });
}
