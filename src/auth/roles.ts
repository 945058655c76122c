/** What a route may require. `public` routes need no credentials. */
export const permissions = ['read', 'write', 'admin'] as const;
export type Permission = (typeof permissions)[number];
/**
 * What a route requires: a permission, `public`, or `predict` (calling a serving endpoint: any
 * token with `read`, or one scoped to that endpoint with `predict:NAME`; the route checks the name).
 */
export type RoutePermission = Permission | 'public' | 'predict';

/** A token scope: a permission, or `predict:NAME` (may only call serving endpoint NAME). */
export type TokenScope = Permission | `predict:${string}`;

const endpointScope = /^predict:([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/;

/** The endpoint a `predict:NAME` scope names, or null for any other text. */
export function predictScopeEndpoint(scope: unknown): string | null {
  return typeof scope === 'string' ? (endpointScope.exec(scope)?.[1] ?? null) : null;
}

/** True for `read`, `write`, `admin` and `predict:NAME`. */
export function isTokenScope(value: unknown): value is TokenScope {
  return isPermission(value) || predictScopeEndpoint(value) !== null;
}

/** Roles, each a fixed set of permissions. */
export const roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

/** Who is calling: the user behind a token, and what that token may do. */
export interface Principal {
  userId: string;
  userName: string;
  role: Role;
  /** Null when auth is off (the local, anonymous admin). */
  tokenId: string | null;
  /** The token's scopes intersected with the role's permissions. */
  permissions: readonly Permission[];
  /** Serving endpoints the token may call through `predict:NAME` scopes (besides `read`). */
  endpoints?: readonly string[];
}

/** The principal used when auth is turned off on a loopback server. */
export const localPrincipal: Principal = {
  userId: 'local',
  userName: 'local',
  role: 'admin',
  tokenId: null,
  permissions: rolePermissions.admin,
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** `value` as a role; anything that is not one (a row from an older or edited store) is `viewer`. */
export function roleOf(value: unknown): Role {
  return isRole(value) ? value : 'viewer';
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (permissions as readonly string[]).includes(value);
}

/** True when `principal` holds `required`. */
export function allows(principal: Principal, required: RoutePermission): boolean {
  if (required === 'predict')
    return principal.permissions.includes('read') || (principal.endpoints?.length ?? 0) > 0;
  return required === 'public' || principal.permissions.includes(required);
}

/** Whether `principal` may call serving endpoint `endpoint`. */
export function canPredict(principal: Principal, endpoint: string): boolean {
  return principal.permissions.includes('read') || (principal.endpoints ?? []).includes(endpoint);
}
