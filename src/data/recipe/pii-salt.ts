import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LatheError } from '../../core/index.js';

/**
 * The PII salt kept in `file`: read when it exists, else 64 random hex characters written with
 * mode 0600 (exclusive create, so two processes starting together agree on one salt).
 * Servers sharing data should set `data.piiSalt` (LATHE_PII_SALT) instead.
 */
export async function loadOrCreateSalt(file: string): Promise<string> {
  const read = async () => (await readFile(file, 'utf8')).trim();
  try {
    const salt = await read();
    if (salt) return salt;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const salt = await read();
  if (!salt)
    throw new LatheError(
      'CONFIG_INVALID',
      `the PII salt file ${file} is empty; delete it or set data.piiSalt`,
    );
  return salt;
}
