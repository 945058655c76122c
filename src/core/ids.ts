import { createHash, randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new random identifier: `prefix` + 20 lowercase base-36 characters (~103 bits).
 * IDs are opaque; callers must not parse them.
 */
export function newId(prefix = ''): string {
  const bytes = randomBytes(20);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % 36];
  return out;
}

/** A URL-safe random secret of `bytes` bytes of entropy (base64url). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lowercase hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What every Lathe API token secret starts with. */
export const apiTokenPrefix = 'lathe_';

/** The public start of a token secret that listings show to tell tokens apart (never the whole secret). */
export function tokenDisplayPrefix(secret: string): string {
  return secret.slice(0, apiTokenPrefix.length + 6);
}
