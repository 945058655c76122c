import { type Command, InvalidArgumentError } from 'commander';

import { metaStoreUri } from '../core/index.js';
import { type ApiToken, isTokenScope, type TokenScope } from '../sdk/index.js';
import { addStoreOptions, clientFor, resolveConfig, wantsJson } from './context.js';
import { printJson, printTable, shortTime } from './output.js';

const collectScope = (value: string, previous: TokenScope[] = []): TokenScope[] => {
  if (!isTokenScope(value))
    throw new InvalidArgumentError(`expected read, write, admin or predict:ENDPOINT, got "${value}"`);
  return [...previous, value];
};

const positiveDays = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3650)
    throw new InvalidArgumentError(`expected a number of days from 0 to 3650, got "${value}"`);
  return n;
};

/** `lathe tokens create|list|revoke`: API tokens, through the server (or `--local` on the store for recovery). */
export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('manage API tokens');

  addStoreOptions(
    tokens
      .command('create <name>')
      .description('create an API token; its secret is printed once')
      .option(
        '--scope <scope>',
        'read, write, admin, or predict:ENDPOINT (may only call that serving endpoint); repeat for several (default: all of the role)',
        collectScope,
      )
      .option('--expires-in-days <days>', 'expire after this many days (default: never)', positiveDays)
      .option('--user <name>', 'create it for another user (admins only)')
      .option(
        '--local',
        'write straight to the metadata store instead of the server (recovery: needs file or database access)',
      ),
  ).action(
    async (
      name: string,
      o: { scope?: TokenScope[]; expiresInDays?: number; user?: string; local?: boolean },
      cmd: Command,
    ) => {
      const input = { name, scopes: o.scope, expiresInDays: o.expiresInDays, user: o.user };
      const created = o.local ? await createLocal(cmd, input) : await clientFor(cmd).tokens.create(input);
      if (wantsJson(cmd)) return printJson(created);
      process.stdout.write(
        `created token ${created.token.id} "${created.token.name}" for ${created.token.userName} (${created.token.scopes.join(', ')})\n`,
      );
      if (created.token.expiresAt) process.stdout.write(`expires ${created.token.expiresAt}\n`);
      process.stdout.write(
        `\n${created.secret}\n\nThis secret is shown once. Use it as LATHE_TOKEN or MLFLOW_TRACKING_TOKEN.\n`,
      );
    },
  );

  tokens
    .command('list')
    .description('list your API tokens, newest first')
    .option('--all', "every user's tokens (admins only)")
    .action(async (o: { all?: boolean }, cmd: Command) => {
      const list = await clientFor(cmd).tokens.list({ all: o.all });
      if (wantsJson(cmd)) return printJson({ tokens: list });
      printTable(list, {
        id: (t) => t.id,
        name: (t) => t.name,
        user: (t) => t.userName,
        prefix: (t) => `${t.prefix}…`,
        scopes: (t) => t.scopes,
        created: (t) => shortTime(t.createdAt),
        expires: (t) => shortTime(t.expiresAt),
        'last used': (t) => shortTime(t.lastUsedAt),
        status: tokenStatus,
      });
    });

  tokens
    .command('revoke <id>')
    .description('revoke an API token; requests with it fail from now on')
    .action(async (id: string, _o, cmd: Command) => {
      const token = await clientFor(cmd).tokens.revoke(id);
      if (wantsJson(cmd)) return printJson({ token });
      process.stdout.write(`revoked token ${token.id} "${token.name}" of ${token.userName}\n`);
    });
}

/** Token status as a person reads it. */
export function tokenStatus(t: ApiToken): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

async function createLocal(
  cmd: Command,
  input: { name: string; scopes?: TokenScope[]; expiresInDays?: number; user?: string },
) {
  const { config } = resolveConfig(cmd);
  // Loaded here, not at start-up: the other commands only talk HTTP.
  const [{ openMetaStore }, { AuthService, localPrincipal }] = await Promise.all([
    import('../storage/meta/index.js'),
    import('../auth/index.js'),
  ]);
  const store = await openMetaStore(metaStoreUri(config));
  try {
    return await new AuthService(store).createToken(
      {
        name: input.name,
        scopes: input.scopes,
        userName: input.user ?? 'admin',
        expiresAt: input.expiresInDays === undefined ? null : Date.now() + input.expiresInDays * 86_400_000,
      },
      { actor: localPrincipal },
    );
  } finally {
    await store.close();
  }
}
