import type { Migration } from '../migrator.js';
import { foundation } from './0001-foundation.js';

/**
 * Every migration, in version order. Append only: a released migration is never edited,
 * a change to the schema is a new migration with the next version.
 */
export const migrations: readonly Migration[] = [foundation];
