import { useCallback, useEffect, useState } from 'react';

/** The kinds of per-run values a column can show. */
export type ColumnKind = 'metrics' | 'params' | 'tags';

/** A chosen value column, as `metrics.acc`, `params.lr` or `tags.team`. */
export interface ValueColumn {
  kind: ColumnKind;
  key: string;
}

export const columnId = (c: ValueColumn) => `${c.kind}.${c.key}`;

function parseColumnId(id: string): ValueColumn | null {
  const dot = id.indexOf('.');
  const kind = id.slice(0, dot);
  if (kind !== 'metrics' && kind !== 'params' && kind !== 'tags') return null;
  return { kind, key: id.slice(dot + 1) };
}

/** A key as written in filters and `orderBy`: backtick-quoted unless it is a plain identifier. */
const quoteKey = (key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key}\``);

/** The `orderBy` field for a value column, e.g. ``metrics.`val acc` ``. */
export const orderField = (c: ValueColumn) => `${c.kind}.${quoteKey(c.key)}`;

/** Sensible default columns: the first four metrics and first three params. */
function defaultColumns(keys: { metrics: string[]; params: string[] }): ValueColumn[] {
  return [
    ...keys.metrics.slice(0, 4).map((key) => ({ kind: 'metrics' as const, key })),
    ...keys.params.slice(0, 3).map((key) => ({ kind: 'params' as const, key })),
  ];
}

const storageKey = (experimentId: string) => `lathe.runColumns.${experimentId}`;

/**
 * The value columns chosen for an experiment's runs table, kept in localStorage. Until the user
 * picks, it is `defaultColumns` of the experiment's keys (null while the keys are unknown).
 */
export function useRunColumns(
  experimentId: string,
  keys: { metrics: string[]; params: string[] } | undefined,
): [ValueColumn[] | null, (columns: ValueColumn[]) => void] {
  const [saved, setSaved] = useState<ValueColumn[] | null>(() => read(experimentId));
  useEffect(() => setSaved(read(experimentId)), [experimentId]);

  const set = useCallback(
    (columns: ValueColumn[]) => {
      setSaved(columns);
      try {
        localStorage.setItem(storageKey(experimentId), JSON.stringify(columns.map(columnId)));
      } catch {
        // storage disabled: the choice lasts while the page is open
      }
    },
    [experimentId],
  );
  return [saved ?? (keys ? defaultColumns(keys) : null), set];
}

function read(experimentId: string): ValueColumn[] | null {
  try {
    const raw = localStorage.getItem(storageKey(experimentId));
    if (!raw) return null;
    const ids: unknown = JSON.parse(raw);
    if (!Array.isArray(ids)) return null;
    return ids.flatMap((id) => {
      const c = typeof id === 'string' ? parseColumnId(id) : null;
      return c ? [c] : [];
    });
  } catch {
    return null;
  }
}
