// Wire types of the Lathe HTTP API (JSON; times are ISO-8601 UTC strings).
// Type-only imports from the domain modules are erased at build time, so the SDK stays browser-safe.

export type { ApiToken, AuditEvent, Permission, Role, User } from '../auth/index.js';
import type { Permission, Role } from '../auth/index.js';

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

export interface Health {
  status: 'ok' | 'unavailable';
  checks?: Record<string, { status: 'ok' | 'unavailable'; message?: string }>;
}

/** The JSON body of every error the API returns. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}
