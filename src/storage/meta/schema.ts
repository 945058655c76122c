import type { Generated } from 'kysely';

/**
 * The metadata schema, one interface per table. Times are epoch milliseconds (UTC) stored as
 * BIGINT; booleans are 0/1 integers; JSON is stored as text. The same schema runs on SQLite and
 * PostgreSQL. Later modules add their tables here and a migration in `migrations/`.
 */
export interface MetaSchema {
  lathe_migrations: MigrationsTable;
  lathe_settings: SettingsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** Process-wide key/value facts (e.g. that the first admin was created). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  name: string;
  /** `admin` | `editor` | `viewer` */
  role: string;
  created_at: number;
  disabled: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the secret, shown so a person can tell tokens apart. */
  prefix: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secret_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor_id: string | null;
  actor_name: string;
  token_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  /** JSON object with what changed (never secrets). */
  details: string;
  request_id: string | null;
}
