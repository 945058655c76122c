import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type DatabaseConnection, SqliteDialect, SqliteDriver, CompiledQuery } from 'kysely';
import { LatheError } from '../../../core/index.js';
import type { MetaBackend } from '../meta-backend.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** Write transactions take the write lock when they begin, so two processes never deadlock on upgrade. */
const beginWrite = 'begin immediate';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(beginWrite));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.config);
  }
}

/**
 * SQLite through better-sqlite3: WAL journal with `synchronous=NORMAL` (a commit survives the
 * process being killed; a power cut may lose the last commits, never corrupt the file), a busy
 * timeout so several processes can share one file, foreign keys on.
 * `location` is a file path or `:memory:`. With `backgroundCheckpoint`, a file database's log is
 * checkpointed on a thread of its own (see {@link WalCheckpointer}); for long-running servers.
 */
export function sqliteBackend(
  location: string,
  options: { backgroundCheckpoint?: boolean } = {},
): MetaBackend {
  if (location !== ':memory:') mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(location);
    db.pragma('busy_timeout = 10000');
    if (location !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A 64 MB page cache and memory-mapped reads: searches over 100,000s of runs stay in memory.
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    db.pragma('foreign_keys = ON');
    // LIKE is case-sensitive, as on PostgreSQL; ILIKE is compiled to lower(x) LIKE lower(y).
    db.pragma('case_sensitive_like = ON');
  } catch (err) {
    throw new LatheError(
      'UNAVAILABLE',
      `cannot open SQLite database at ${location}: ${(err as Error).message}`,
      { uri: `sqlite:${location}` },
      { cause: err },
    );
  }
  let checkpointer: WalCheckpointer | undefined;
  if (options.backgroundCheckpoint && location !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${WalCheckpointer.backstopPages}`);
    checkpointer = new WalCheckpointer(location, () => {
      checkpointer = undefined;
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
  }
  const statements = cachingStatements(db, () => checkpointer?.stop());
  return {
    dialect: 'sqlite',
    displayUri: `sqlite:${location}`,
    kyselyDialect: new ImmediateSqliteDialect({ database: statements }),
    beginWrite,
    direct: {
      prepare(text) {
        const stmt = statements.prepare(text);
        if (stmt.reader) return (params) => stmt.all(params);
        // Bound as arguments: better-sqlite3 binds those faster than one array.
        return (params) => {
          stmt.run(...params);
          return [];
        };
      },
    },
    async lockForMigration() {
      // `begin immediate` already holds the database's single write lock.
    },
    isUniqueViolation(err) {
      const code = (err as { code?: string } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    async init() {},
  };
}

/**
 * better-sqlite3 with a prepared-statement cache: Kysely prepares every query it runs, and
 * preparing costs more than running a small one. Statements are keyed by SQL text (parameters
 * are bound per call), at most `size` are kept, least recently used evicted first. SQLite
 * re-prepares a cached statement by itself after a schema change.
 */
function cachingStatements(db: Database.Database, beforeClose: () => void, size = 500) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      beforeClose();
      db.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
