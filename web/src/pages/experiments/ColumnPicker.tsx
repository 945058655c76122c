import { useEffect, useRef, useState } from 'react';
import { type ColumnKind, columnId, type ValueColumn } from './run-columns.js';

const groups: { kind: ColumnKind; label: string }[] = [
  { kind: 'metrics', label: 'Metrics' },
  { kind: 'params', label: 'Parameters' },
  { kind: 'tags', label: 'Tags' },
];

/**
 * A "Columns" disclosure listing the experiment's metric, param and tag keys as checkboxes, with a
 * search box for experiments with many keys.
 */
export function ColumnPicker({
  keys,
  columns,
  onChange,
}: {
  keys: Record<ColumnKind, string[]> | undefined;
  columns: ValueColumn[];
  onChange(columns: ValueColumn[]): void;
}) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const chosen = new Set(columns.map(columnId));

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent ? event.key === 'Escape' : !ref.current?.contains(event.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  function toggle(c: ValueColumn, on: boolean) {
    const id = columnId(c);
    onChange(on ? [...columns, c] : columns.filter((x) => columnId(x) !== id));
  }

  const needle = search.trim().toLowerCase();
  return (
    <div className="column-picker" ref={ref}>
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
        disabled={!keys}
      >
        Columns ({columns.length})
      </button>
      {open && keys && (
        <div className="column-picker-panel" role="dialog" aria-label="Choose columns">
          <input
            type="text"
            aria-label="Search keys"
            placeholder="Search keys…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {groups.map(({ kind, label }) => {
            const shown = keys[kind].filter((k) => !needle || k.toLowerCase().includes(needle));
            return (
              <fieldset key={kind} className="column-group">
                <legend>
                  {label} <span className="muted">({keys[kind].length})</span>
                </legend>
                {shown.length === 0 && <p className="muted small">None</p>}
                {shown.map((key) => {
                  const c = { kind, key };
                  return (
                    <label key={key} className="check column-option">
                      <input
                        type="checkbox"
                        checked={chosen.has(columnId(c))}
                        onChange={(e) => toggle(c, e.target.checked)}
                      />
                      <span className="mono">{key}</span>
                    </label>
                  );
                })}
              </fieldset>
            );
          })}
          <div className="column-picker-actions">
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange([])}>
              None
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
