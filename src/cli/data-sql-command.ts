import type { Command } from 'commander';
import { type DatasetVersionDetails, LatheError, type SqlIngestOptions } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { readOptionFile } from './options.js';
import { printJson } from './output.js';

/** The environment variable the source URI is read from when `--uri` is not given. */
const sourceUriEnv = 'LATHE_SOURCE_URI';

/**
 * The connection URI from `--uri` or LATHE_SOURCE_URI, with PGPASSWORD filled in when the URI
 * has no password (as libpq does). Never printed.
 */
function sourceUri(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const uri = flag ?? env[sourceUriEnv];
  if (!uri)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `no database URI: pass --uri or set ${sourceUriEnv}=postgres://user@host:5432/database ` +
        '(the environment keeps the password out of your shell history; PGPASSWORD is used when the URI has none)',
    );
  const password = env.PGPASSWORD;
  if (!password) return uri;
  // postgres://user@host → postgres://user:PASSWORD@host, only when the user has no password.
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]+)@/i, (_m, scheme: string, user: string) => {
    return `${scheme}${user}:${encodeURIComponent(password)}@`;
  });
}

async function queryText(o: { query?: string; queryFile?: string }): Promise<string> {
  if (o.query !== undefined && o.queryFile !== undefined)
    throw new LatheError(
      'INVALID_ARGUMENT',
      'give the query once: --query TEXT or --query-file FILE, not both',
    );
  if (o.query !== undefined) return o.query;
  if (o.queryFile === undefined)
    throw new LatheError(
      'INVALID_ARGUMENT',
      'no query: pass --query "SELECT …" or --query-file FILE (- for stdin)',
    );
  if (o.queryFile === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readOptionFile(o.queryFile);
}

/** Elapsed time on stderr while the server works (only on a terminal); the rows at the end. */
function waiting() {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const timer = tty
    ? setInterval(
        () => process.stderr.write(`\rquerying and ingesting on the server… ${seconds().toFixed(0)} s `),
        250,
      )
    : null;
  return {
    done(rows: number | null) {
      if (timer) clearInterval(timer);
      if (!tty) return;
      const s = seconds();
      process.stderr.write(
        rows === null
          ? '\n'
          : `\rfetched ${rows.toLocaleString()} rows in ${s.toFixed(1)} s (${Math.round(rows / Math.max(s, 0.001)).toLocaleString()} rows/s)\n`,
      );
    },
  };
}

/**
 * `lathe data ingest-sql`: a version from one read-only query against PostgreSQL, run by the
 * server (whose `data.sqlSourceHosts` must allow the database host).
 */
export function registerIngestSqlCommand(
  data: Command,
  printVersion: (v: DatasetVersionDetails) => void,
): void {
  data
    .command('ingest-sql')
    .description('ingest the rows of one read-only PostgreSQL query as a new version (run by the server)')
    .requiredOption('--name <name>', 'the dataset (created when new)')
    .option('--query <sql>', 'one SELECT (or WITH … SELECT, VALUES, TABLE) statement')
    .option('--query-file <file>', 'read the query from a file (- for stdin)')
    .option(
      '--uri <uri>',
      `postgres://user:password@host:5432/database (default: $${sourceUriEnv}; PGPASSWORD fills a missing password)`,
    )
    .option('-m, --message <message>', 'what this version is')
    .option('--description <text>', 'a description of the dataset')
    .option('--target <column>', 'the target column')
    .option('--append', 'add the rows to the latest version instead of replacing them')
    .addHelpText(
      'after',
      `\nThe server connects, not this machine: its data.sqlSourceHosts must list the host.\n` +
        `Example:\n  ${sourceUriEnv}=postgres://analyst@db.internal/sales PGPASSWORD=… \\\n` +
        `    lathe data ingest-sql --name orders --query "SELECT * FROM orders WHERE day >= '2024-01-01'"`,
    )
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const query = await queryText({
        ...(typeof o['query'] === 'string' ? { query: o['query'] } : {}),
        ...(typeof o['queryFile'] === 'string' ? { queryFile: o['queryFile'] } : {}),
      });
      const flag = typeof o['uri'] === 'string' ? o['uri'] : undefined;
      if (flag && /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]+:[^@/?#]+@/i.test(flag))
        process.stderr.write(
          `note: a password in --uri stays in your shell history; ${sourceUriEnv} or PGPASSWORD keep it out\n`,
        );
      const options: SqlIngestOptions = {};
      for (const k of ['message', 'description', 'target'] as const)
        if (typeof o[k] === 'string') options[k] = o[k] as string;
      if (o['append']) options.append = true;
      const progress = waiting();
      let rows: number | null = null;
      try {
        const result = await clientFor(cmd).data.ingestQuery(
          String(o['name']),
          { uri: sourceUri(flag), query },
          options,
        );
        rows = result.version.report.rowsRead;
        progress.done(rows);
        if (wantsJson(cmd)) return printJson(result);
        if (!result.created)
          process.stdout.write(`unchanged: the content equals ${result.version.ref}; no new version\n`);
        printVersion(result.version);
      } finally {
        if (rows === null) progress.done(null);
      }
    });
}
