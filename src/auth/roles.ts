/** What a route may require. `public` routes need no credentials. */
export const permissions = ['read', 'write', 'admin'] as const;
export type Permission = (typeof permissions)[number];
export type RoutePermission = Permission | 'public';

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
  return required === 'public' || principal.permissions.includes(required);
}
