import { type TSchema, Type } from '@sinclair/typebox';
import { type DatasetRef, parseDatasetRef } from '../../../data/index.js';

/** The OpenAPI tag of every dataset route. */
export const tags = ['datasets'];

/** A dataset's name in a path. */
export const Name = Type.String({ minLength: 1, maxLength: 128 });

/** `/api/v1/datasets/:name…` */
export const NameParams = Type.Object({ name: Name });

/** A version as it is written in a path or a query: a number or `latest`; `description` says which. */
export const VersionText = (description: string) =>
  Type.String({ pattern: '^([1-9][0-9]{0,8}|latest)$', description });

/** `/api/v1/datasets/:name/versions/:version…` */
export const VersionParams = Type.Object({
  name: Name,
  version: VersionText('a version number or `latest`'),
});

/** `t` or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** One column of a version's schema. */
export const Column = Type.Object({
  name: Type.String(),
  type: Type.String(),
  nullable: Type.Boolean(),
  semantic: Type.String(),
});

/** The fields of a version without its profile, report and recipe. */
export const versionFields = {
  name: Type.String(),
  version: Type.Integer(),
  ref: Type.String(),
  digest: Type.String(),
  rows: Type.Integer(),
  size: Type.Integer(),
  columns: Type.Array(Column),
  message: Type.String(),
  source: Type.Unknown(),
  parents: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
};

/** A version without its profile, report and recipe (as listed). */
export const Version = Type.Object(versionFields);

/** A version with its profile, report and recipe (answered by the version, upload and SQL source routes). */
export const VersionDetails = Type.Intersect([
  Version,
  Type.Object({
    profile: Type.Unknown({ description: 'per-column statistics, histograms, top values, correlations' }),
    report: Type.Unknown({ description: 'what ingest chose and met: dialect, encoding, skipped rows' }),
    recipe: Type.Unknown(),
  }),
]);

/** The version a route's `:name` and `:version` name. */
export function refOf(p: { name: string; version: string }): DatasetRef {
  return parseDatasetRef(`${p.name}@${p.version}`);
}
