// Wire types of the Lathe HTTP API (JSON; times are ISO-8601 UTC strings).
// Kept free of server imports so the SDK runs in browsers too.

export type Permission = 'read' | 'write' | 'admin';
export type Role = 'viewer' | 'editor' | 'admin';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
}

export interface ApiToken {
  id: string;
  userId: string;
  userName: string;
  name: string;
  prefix: string;
  scopes: Permission[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Me {
  user: { id: string; name: string; role: Role };
  permissions: Permission[];
  tokenId: string | null;
  authEnabled: boolean;
}

export interface SystemInfo {
  version: string;
  authEnabled: boolean;
  metaStore: 'sqlite' | 'postgres';
  blobStore: string;
  startedAt: string;
  uptimeSeconds: number;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string;
  tokenId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  details: Record<string, unknown>;
  requestId: string | null;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks?: Record<string, { status: 'ok' | 'unavailable'; message?: string }>;
}

/** The JSON body of every error the API returns. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}
