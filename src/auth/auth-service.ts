import {
  apiTokenPrefix,
  isoTime,
  LatheError,
  newId,
  randomSecret,
  sha256Hex,
  tokenDisplayPrefix,
} from '../core/index.js';
import type { ApiTokensTable, MetaStore, UsersTable } from '../storage/meta/index.js';
import { AuditLog } from './audit-log.js';
import {
  allows,
  canPredict,
  isRole,
  isTokenScope,
  predictScopeEndpoint,
  type TokenScope,
  type Permission,
  type Principal,
  permissions,
  type Role,
  roleOf,
  rolePermissions,
  roles,
} from './roles.js';

/** A user as the API shows it. */
export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
}

/** An API token as the API shows it: never its secret, which is returned once at creation. */
export interface ApiToken {
  id: string;
  userId: string;
  userName: string;
  name: string;
  /** The first characters of the secret, to tell tokens apart. */
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  /** Defaults to every permission the owner's role holds; `predict:NAME` limits a token to one endpoint. */
  scopes?: TokenScope[];
  /** Epoch milliseconds; null or absent for no expiry. */
  expiresAt?: number | null;
  /** Owner; defaults to the caller. Only admins may name another user. */
  userName?: string;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** How stale `last_used_at` may get before a request refreshes it (avoids a write per request). */
const lastUsedResolutionMs = 60_000;
/** How long an authenticated secret's principal is reused without asking the store again. */
const principalCacheMs = 1000;

type Context = { actor: Principal; requestId?: string | null };

/** What a token lookup reads: the token and its user. */
type TokenLookup = Pick<ApiTokensTable, 'id' | 'scopes' | 'expires_at' | 'revoked_at' | 'last_used_at'> & {
  user_id: string;
  user_name: string;
  role: string;
  disabled: number;
};

/** Users, API tokens and the authentication of requests. Every change is written to the audit log. */
export class AuthService {
  readonly audit: AuditLog;
  /**
   * Principals of recently seen secrets, for at most {@link principalCacheMs}: a busy endpoint
   * must not cost a store query and a hash per request. Revoking a token through this service
   * clears it at once; a change made elsewhere (another server, `--local`) applies within the TTL.
   */
  readonly #recent = new Map<string, { principal: Principal; until: number; expiresAt: number | null }>();

  constructor(private readonly store: MetaStore) {
    this.audit = new AuditLog(store);
  }

  /**
   * On a store with no users, creates the `admin` user and a token for it, once across all
   * processes sharing the store. Returns the secret, or null when an admin exists already.
   */
  async bootstrapAdmin(): Promise<{ user: User; token: ApiToken; secret: string } | null> {
    return this.store.transaction(async (trx) => {
      const claimed = await trx
        .insertInto('lathe_settings')
        .values({ key: 'bootstrap.admin', value: isoTime(Date.now()), updated_at: Date.now() })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
      const existing = await trx.selectFrom('users').select('id').limit(1).execute();
      if (existing.length > 0) return null;
      const now = Date.now();
      const user: UsersTable = {
        id: newId('usr_'),
        name: 'admin',
        role: 'admin',
        created_at: now,
        disabled: 0,
      };
      await trx.insertInto('users').values(user).execute();
      const { row, secret } = newTokenRow(user.id, 'bootstrap', [...rolePermissions.admin], null);
      await trx.insertInto('api_tokens').values(row).execute();
      await this.audit.record(
        {
          actor: null,
          action: 'user.create',
          objectType: 'user',
          objectId: user.id,
          details: { name: 'admin', role: 'admin', bootstrap: true },
        },
        trx,
      );
      await this.audit.record(
        {
          actor: null,
          action: 'token.create',
          objectType: 'token',
          objectId: row.id,
          details: { name: row.name, user: 'admin' },
        },
        trx,
      );
      return { user: toUser(user), token: toToken(row, user.name), secret };
    });
  }

  /** Resolves a bearer secret to its principal; throws UNAUTHENTICATED, TOKEN_EXPIRED or TOKEN_REVOKED. */
  async authenticate(secret: string): Promise<Principal> {
    if (!secret.startsWith(apiTokenPrefix) || secret.length > 200) {
      throw new LatheError(
        'UNAUTHENTICATED',
        `the bearer token is not a Lathe API token (expected one starting with "${apiTokenPrefix}")`,
      );
    }
    const cached = this.#recent.get(secret);
    const now = Date.now();
    if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now))
      return cached.principal;
    // Every authenticated request runs this: a fixed statement, no query building.
    const [row] = await this.store.query<TokenLookup>(
      this.store.db,
      `select t.id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at,
         u.id as user_id, u.name as user_name, u.role, u.disabled
       from api_tokens t join users u on u.id = t.user_id where t.secret_hash = ?`,
      [sha256Hex(secret)],
    );
    if (!row)
      throw new LatheError(
        'UNAUTHENTICATED',
        'the bearer token is unknown; create one with `lathe tokens create`',
      );
    if (row.revoked_at !== null)
      throw new LatheError('TOKEN_REVOKED', `token ${row.id} was revoked at ${isoTime(row.revoked_at)}`);
    if (row.expires_at !== null && row.expires_at <= now) {
      throw new LatheError('TOKEN_EXPIRED', `token ${row.id} expired at ${isoTime(row.expires_at)}`);
    }
    if (row.disabled) throw new LatheError('UNAUTHENTICATED', `user ${row.user_name} is disabled`);
    if (row.last_used_at === null || now - row.last_used_at > lastUsedResolutionMs) {
      await this.store.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .execute();
    }
    const role = roleOf(row.role);
    const scopes = parseScopes(row.scopes);
    const endpoints = scopes.map(predictScopeEndpoint).filter((e): e is string => e !== null);
    const principal: Principal = {
      userId: row.user_id,
      userName: row.user_name,
      role,
      tokenId: row.id,
      permissions: rolePermissions[role].filter((p) => scopes.includes(p)),
      ...(endpoints.length ? { endpoints } : {}),
    };
    if (this.#recent.size >= 10_000) this.#recent.clear();
    this.#recent.set(secret, { principal, until: now + principalCacheMs, expiresAt: row.expires_at });
    return principal;
  }

  async createUser(input: { name: string; role: Role }, ctx: Context): Promise<User> {
    checkName(input.name, 'user name');
    if (!isRole(input.role)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `role must be one of ${roles.join(', ')}, got ${JSON.stringify(input.role)}`,
      );
    }
    const row: UsersTable = {
      id: newId('usr_'),
      name: input.name,
      role: input.role,
      created_at: Date.now(),
      disabled: 0,
    };
    try {
      await this.store.transaction(async (trx) => {
        await trx.insertInto('users').values(row).execute();
        await this.audit.record(
          {
            ...ctx,
            action: 'user.create',
            objectType: 'user',
            objectId: row.id,
            details: { name: row.name, role: row.role },
          },
          trx,
        );
      });
    } catch (err) {
      if (this.store.isUniqueViolation(err))
        throw new LatheError('ALREADY_EXISTS', `a user named ${JSON.stringify(input.name)} exists already`);
      throw err;
    }
    return toUser(row);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map(toUser);
  }

  /** Creates a token; the returned `secret` is shown once and never stored. */
  async createToken(input: CreateTokenInput, ctx: Context): Promise<{ token: ApiToken; secret: string }> {
    checkName(input.name, 'token name');
    const ownerName = input.userName ?? ctx.actor.userName;
    if (ownerName !== ctx.actor.userName && !allows(ctx.actor, 'admin')) {
      throw new LatheError(
        'PERMISSION_DENIED',
        `only admins may create tokens for another user (you are ${ctx.actor.userName})`,
      );
    }
    const owner = await this.store.db
      .selectFrom('users')
      .selectAll()
      .where('name', '=', ownerName)
      .executeTakeFirst();
    if (!owner) throw new LatheError('NOT_FOUND', `no user named ${JSON.stringify(ownerName)}`);
    const ownerRole = roleOf(owner.role);
    const scopes = input.scopes ?? [...rolePermissions[ownerRole]];
    for (const s of scopes) {
      if (!isTokenScope(s))
        throw new LatheError(
          'INVALID_ARGUMENT',
          `scope must be one of ${permissions.join(', ')} or predict:ENDPOINT, got ${JSON.stringify(s)}`,
        );
      const endpoint = predictScopeEndpoint(s);
      if (endpoint !== null) {
        if (owner.id === ctx.actor.userId && !canPredict(ctx.actor, endpoint))
          throw new LatheError(
            'PERMISSION_DENIED',
            `a token cannot create a token with more scopes than its own: ${s} is not among its scopes`,
          );
        continue;
      }
      if (!rolePermissions[ownerRole].includes(s as Permission)) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `scope ${s} exceeds the role of ${owner.name} (${ownerRole} holds ${rolePermissions[ownerRole].join(', ')})`,
        );
      }
      if (owner.id === ctx.actor.userId && !allows(ctx.actor, s as Permission)) {
        throw new LatheError(
          'PERMISSION_DENIED',
          `a token cannot create a token with more scopes than its own: ${s} is not among ${ctx.actor.permissions.join(', ')}`,
        );
      }
    }
    if (scopes.length === 0)
      throw new LatheError('INVALID_ARGUMENT', `scopes must hold at least one of ${permissions.join(', ')}`);
    if (input.expiresAt != null && input.expiresAt <= Date.now()) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `expiry must be in the future, got ${isoTime(input.expiresAt)}`,
      );
    }
    const { row, secret } = newTokenRow(owner.id, input.name, [...new Set(scopes)], input.expiresAt ?? null);
    await this.store.transaction(async (trx) => {
      await trx.insertInto('api_tokens').values(row).execute();
      await this.audit.record(
        {
          ...ctx,
          action: 'token.create',
          objectType: 'token',
          objectId: row.id,
          details: { name: row.name, user: owner.name, scopes, expiresAt: input.expiresAt ?? null },
        },
        trx,
      );
    });
    return { token: toToken(row, owner.name), secret };
  }

  /** Tokens of `userId`, or of everyone when null; newest first. */
  async listTokens(userId: string | null): Promise<ApiToken[]> {
    let q = this.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('api_tokens')
      .select('users.name as user_name')
      .orderBy('api_tokens.created_at', 'desc')
      .orderBy('api_tokens.id');
    if (userId !== null) q = q.where('api_tokens.user_id', '=', userId);
    const rows = await q.execute();
    return rows.map((r) => toToken(r, r.user_name));
  }

  /** Revokes a token of the caller (or any token, for admins). Revoking twice is a no-op. */
  async revokeToken(id: string, ctx: Context): Promise<ApiToken> {
    const row = await this.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('api_tokens')
      .select('users.name as user_name')
      .where('api_tokens.id', '=', id)
      .executeTakeFirst();
    if (!row || (row.user_id !== ctx.actor.userId && !allows(ctx.actor, 'admin'))) {
      throw new LatheError('NOT_FOUND', `no token with id ${JSON.stringify(id)}`);
    }
    if (row.revoked_at !== null) return toToken(row, row.user_name);
    const revokedAt = Date.now();
    await this.store.transaction(async (trx) => {
      await trx.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
      await this.audit.record(
        {
          ...ctx,
          action: 'token.revoke',
          objectType: 'token',
          objectId: id,
          details: { name: row.name, user: row.user_name },
        },
        trx,
      );
    });
    this.#recent.clear();
    return toToken({ ...row, revoked_at: revokedAt }, row.user_name);
  }
}

function newTokenRow(userId: string, name: string, scopes: TokenScope[], expiresAt: number | null) {
  const secret = apiTokenPrefix + randomSecret(30);
  const row: ApiTokensTable = {
    id: newId('tok_'),
    user_id: userId,
    name,
    prefix: tokenDisplayPrefix(secret),
    secret_hash: sha256Hex(secret),
    scopes: JSON.stringify(scopes),
    created_at: Date.now(),
    expires_at: expiresAt,
    last_used_at: null,
    revoked_at: null,
  };
  return { row, secret };
}

function checkName(name: unknown, what: string): void {
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${what} must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit; got ${JSON.stringify(name)}`,
    );
  }
}

function parseScopes(json: string): TokenScope[] {
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? parsed.filter(isTokenScope) : [];
}

const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

function toUser(r: UsersTable): User {
  return {
    id: r.id,
    name: r.name,
    role: roleOf(r.role),
    createdAt: iso(r.created_at)!,
    disabled: r.disabled === 1,
  };
}

function toToken(r: ApiTokensTable, userName: string): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    userName,
    name: r.name,
    prefix: r.prefix,
    scopes: parseScopes(r.scopes),
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}
