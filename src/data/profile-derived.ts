/**
 * The profile of a version made by adding columns beside a base version's rows, unchanged and in
 * the same order (batch predictions): the columns it keeps have the base's profiles already, so
 * only the added columns are scanned; correlations are computed across all of them.
 */
import {
  quoteIdentifier,
  quoteLiteral,
  type TableColumn,
  type TableEngine,
} from '../storage/tables/index.js';
import { type ProfileOptions, type ProfileResult, profileParquet } from './profile.js';
import { type Column, correlations } from './profile-scans.js';
import { typeFamily } from './semantic.js';
import type { ColumnProfile, ColumnSchema, DatasetProfile, DatasetVersionDetails } from './types.js';

/**
 * Profiles `parquetPath` (columns `physical`), whose columns named in `kept` hold exactly the
 * rows of `base`, in its order: their schema and profiles are the base's. Falls back to a full
 * profile when the row counts differ.
 */
export async function profileDerived(
  engine: TableEngine,
  parquetPath: string,
  physical: readonly TableColumn[],
  base: DatasetVersionDetails,
  kept: ReadonlySet<string>,
  options: ProfileOptions = {},
): Promise<ProfileResult> {
  const reused = physical.filter((c) => kept.has(c.name));
  const added = physical.filter((c) => !kept.has(c.name));
  const fresh = await profileParquet(engine, parquetPath, added, options);
  if (fresh.profile.rows !== base.rows || !reused.length)
    return profileParquet(engine, parquetPath, physical, options);
  const schemaOf = new Map<string, ColumnSchema>([
    ...base.columns.map((c) => [c.name, c] as const),
    ...fresh.columns.map((c) => [c.name, c] as const),
  ]);
  const profileOf = new Map<string, ColumnProfile>([
    ...base.profile.columns.map((p) => [p.name, p] as const),
    ...fresh.profile.columns.map((p) => [p.name, p] as const),
  ]);
  const profiles = physical.map((c) => profileOf.get(c.name)!);
  const profile: DatasetProfile = {
    rows: fresh.profile.rows,
    columns: profiles,
    correlations: [],
    pii: [...base.profile.pii.filter((f) => kept.has(f.column)), ...fresh.profile.pii],
  };
  const cols: Column[] = physical.map((c) => ({
    name: c.name,
    q: quoteIdentifier(c.name),
    type: c.type,
    nullable: c.nullable,
    family: typeFamily(c.type),
  }));
  // Pairs of kept columns hold the base's rows: their correlations carry over; only pairs with an
  // added column are scanned.
  const known = new Map<string, number | null>();
  for (const { a, b, r } of base.profile.correlations)
    if (kept.has(a) && kept.has(b)) {
      known.set(`${a}\u0000${b}`, r);
      known.set(`${b}\u0000${a}`, r);
    }
  const baseTarget = base.columns.find((c) => c.semantic === 'target')?.name;
  if (options.target !== undefined && options.target === baseTarget && kept.has(options.target))
    for (const { column, r } of base.profile.targetCorrelations ?? [])
      if (kept.has(column)) known.set(`\u0000${column}`, r);
  await correlations(
    engine,
    `read_parquet(${quoteLiteral(parquetPath)})`,
    cols,
    profiles,
    options.target,
    profile,
    known,
  );
  return { columns: physical.map((c) => schemaOf.get(c.name)!), profile, issues: fresh.issues };
}
