import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Principal } from '../../auth/index.js';
import { isoTime, LatheError, newId } from '../../core/index.js';
import type { BlobStore } from '../../storage/blobs/index.js';
import { quoteIdentifier as q, quoteLiteral, type TableEngine } from '../../storage/tables/index.js';
import type { DataCatalog, NewVersion } from '../catalog.js';
import { profileParquet } from '../profile.js';
import { parseDatasetRef } from '../refs.js';
import type { DatasetVersionDetails } from '../types.js';
import { saltId } from './hmac-sha256.js';
import { type FitInput, fitSteps } from './recipe-fit.js';
import { parseRecipe, parseRecipeText } from './recipe-parse.js';
import { type FittedRecipe, fittedRecipeFormat, type Recipe, type SplitName } from './recipe-types.js';
import { splitSql } from './split.js';
import { kindOfType } from './values.js';

/** What the transform runner needs from the data service. */
export interface TransformDeps {
  catalog: DataCatalog;
  blobs: BlobStore;
  engine(): Promise<TableEngine>;
  localPath(digest: string): string;
  /** A new temporary directory. */
  tmp(): Promise<string>;
  /** The PII salt (asked for only when a recipe hashes). */
  piiSalt(): Promise<string>;
}

/** One version a transform produced (or found: `created` false when equal content existed). */
export interface TransformOutput {
  split: SplitName | null;
  created: boolean;
  version: DatasetVersionDetails;
}

/** The answer of a transform. */
export interface TransformResult {
  /** The version the recipe was fitted on and applied to. */
  input: string;
  /** Versions joined in. */
  joined: string[];
  /** The digest of the fitted recipe's artifact. */
  artifact: string;
  outputs: TransformOutput[];
}

/** What a produced version records in its `recipe` field. */
export interface VersionRecipe {
  artifact: string;
  fittedOn: string;
  split: SplitName | null;
  recipe: Recipe;
}

/** Reads a recipe given as an object, as YAML/JSON text, or as `{ recipe: "<text>" }`. */
export function readRecipe(input: unknown): Recipe {
  if (typeof input === 'string') return parseRecipeText(input);
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const keys = Object.keys(input);
    const text = (input as { recipe?: unknown }).recipe;
    if (keys.length === 1 && typeof text === 'string') return parseRecipeText(text);
    if (keys.length === 1 && typeof text === 'object') return parseRecipe(text);
  }
  return parseRecipe(input);
}

/**
 * Applies recipes to dataset versions: fits the stateful steps on the input version, runs the
 * batch query (one DuckDB CTE chain) into Parquet, and records each output (or each split) as a
 * new version with lineage to the input and joined versions. The fitted recipe is stored as a
 * blob whose digest every output records. Everything heavy happens before the first version is
 * recorded, so a failing recipe leaves no version behind.
 */
export class TransformRunner {
  constructor(private readonly deps: TransformDeps) {}

  async run(
    ref: unknown,
    recipeInput: unknown,
    actor: Principal | null,
    options: { message?: string } = {},
  ): Promise<TransformResult> {
    const recipe = readRecipe(recipeInput);
    const { catalog, blobs } = this.deps;
    const v = await catalog.version(ref);
    const engine = await this.deps.engine();
    const piiKinds: Record<string, string> = {};
    for (const f of v.profile.pii) piiKinds[f.column] ??= f.kind;
    let salt: string | undefined;
    const input: FitInput = {
      path: this.deps.localPath(v.digest),
      columns: v.columns.map((c) => ({ name: c.name, type: c.type })),
      piiKinds,
      resolveJoin: async (r) => {
        const jv = await catalog.version(parseDatasetRef(r));
        return { ref: jv.ref, path: this.deps.localPath(jv.digest), columns: jv.columns };
      },
      piiSalt: async () => {
        salt ??= await this.deps.piiSalt();
        return salt;
      },
    };
    const fit = await fitSteps(engine, recipe.steps, input);
    const dir = await this.deps.tmp();
    const splitTable = `lathe_split_${newId()}`;
    try {
      const output = fit.steps.at(-1)?.output ?? fit.input;
      const fitted: FittedRecipe = {
        format: fittedRecipeFormat,
        formatVersion: 1,
        recipe,
        fittedOn: v.ref,
        fittedAt: isoTime(Date.now()),
        input: fit.input,
        output,
        steps: fit.steps,
        ...(salt !== undefined ? { piiSaltId: saltId(salt) } : {}),
      };
      const cols = output.map((c) => q(c.name)).join(', ');
      // The whole chain as one query; materialised only when a split reads it several times.
      const chain = `(WITH ${fit.query.ctes.join(',\n')} SELECT * FROM ${fit.query.last})`;
      const files: { split: SplitName | null; file: string; rows: number }[] = [];
      if (recipe.split) {
        const col = recipe.split.column;
        if (col !== undefined) {
          const found = output.find((c) => c.name === col);
          if (!found)
            throw new LatheError(
              'RECIPE_INVALID',
              `split: unknown column ${JSON.stringify(col)}; the columns after the steps are ${output.map((c) => c.name).join(', ')}`,
            );
          if (
            recipe.split.kind === 'time' &&
            !['date', 'timestamp', 'integer', 'double'].includes(kindOfType(found.type))
          )
            throw new LatheError(
              'RECIPE_INVALID',
              `split: a time split orders by a date, timestamp or number; ${col} is ${found.type}`,
            );
        }
        await engine.query(
          `CREATE TEMP TABLE ${splitTable} AS ${splitSql(recipe.split, chain, fit.query.row, q('__lathe_split'))}`,
        );
        for (const name of Object.keys(recipe.split.ratios) as SplitName[]) {
          const file = path.join(dir, `${name}.parquet`);
          files.push({
            split: name,
            file,
            rows: await copy(
              engine,
              `SELECT ${cols} FROM ${splitTable} WHERE "__lathe_split" = ${quoteLiteral(name)} ORDER BY ${fit.query.row}`,
              file,
            ),
          });
        }
      } else {
        const file = path.join(dir, 'data.parquet');
        files.push({
          split: null,
          file,
          rows: await copy(engine, `SELECT ${cols} FROM ${chain} t ORDER BY ${fit.query.row}`, file),
        });
      }
      for (const f of files)
        if (f.rows === 0)
          throw new LatheError(
            'RECIPE_INVALID',
            f.split
              ? `the ${f.split} split would be empty; ${v.ref} has too few rows after the steps for these ratios`
              : 'the recipe leaves no rows (check its filters)',
          );

      const artifact = await blobs.put(Buffer.from(JSON.stringify(fitted)));
      const base = recipe.output ?? `${v.name}-transformed`;
      const parents = [v.ref, ...fit.query.joined.filter((j) => j !== v.ref)];
      const target = v.columns.find((c) => c.semantic === 'target')?.name;
      const pending: {
        split: SplitName | null;
        name: string;
        existing: DatasetVersionDetails | null;
        record: NewVersion;
      }[] = [];
      for (const f of files) {
        const name = f.split ? `${base}-${f.split}` : base;
        const physical = await engine.describe(`select * from read_parquet(${quoteLiteral(f.file)})`);
        const blob = await blobs.put(createReadStream(f.file) as Readable);
        const existing = await catalog.versionByDigest(name, blob.digest);
        const profiled = await profileParquet(engine, f.file, physical, {
          ...(target && output.some((c) => c.name === target) ? { target } : {}),
        });
        const recipeField: VersionRecipe = {
          artifact: artifact.digest,
          fittedOn: v.ref,
          split: f.split,
          recipe,
        };
        pending.push({
          split: f.split,
          name,
          existing,
          record: {
            digest: blob.digest,
            size: blob.size,
            rows: f.rows,
            columns: profiled.columns,
            profile: profiled.profile,
            report: { format: 'parquet', rowsRead: f.rows, rowsRejected: 0, issues: [] },
            source: { kind: 'recipe', inputs: parents },
            recipe: recipeField,
            parents,
            message:
              options.message ??
              `recipe on ${v.ref}: ${recipe.steps.length} step${recipe.steps.length === 1 ? '' : 's'}${f.split ? `, ${f.split} split` : ''}`,
          },
        });
      }
      const outputs: TransformOutput[] = [];
      for (const p of pending) {
        if (p.existing)
          outputs.push({
            split: p.split,
            created: false,
            version: { ...p.existing, report: { ...p.existing.report, unchanged: true } },
          });
        else
          outputs.push({
            split: p.split,
            created: true,
            version: await catalog.record(p.name, p.record, actor),
          });
      }
      return { input: v.ref, joined: fit.query.joined, artifact: artifact.digest, outputs };
    } finally {
      await engine.query(`DROP TABLE IF EXISTS ${splitTable}`).catch(() => undefined);
      await fit.query.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The fitted recipe of a version a recipe produced.
   * @throws LatheError NOT_FOUND when the version was not made by a recipe.
   */
  async fitted(ref: unknown): Promise<FittedRecipe> {
    const v = await this.deps.catalog.version(ref);
    const digest = (v.recipe as VersionRecipe | null)?.artifact;
    if (typeof digest !== 'string')
      throw new LatheError('NOT_FOUND', `${v.ref} was not made by a recipe, so it has no fitted recipe`, {
        ref: v.ref,
      });
    const chunks: Buffer[] = [];
    for await (const chunk of await this.deps.blobs.get(digest)) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as FittedRecipe;
  }
}

async function copy(engine: TableEngine, select: string, file: string): Promise<number> {
  const [r] = await engine.query<{ Count: number }>(
    `COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet)`,
  );
  return Number(r?.Count ?? 0);
}
