import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';

/** The orders a list page offers, in the `order` URL parameter (`name` is the default, left out). */
export type ListOrder = 'name' | 'updated';

const orderLabels: Record<ListOrder, string> = {
  name: 'Name (A–Z)',
  updated: 'Last updated (newest)',
};

/**
 * A list page's filter and order, kept in the URL (`?filter=…&order=updated`), with the filter
 * field's draft: `apply` writes a new filter or order (`replace` replaces the history entry, and
 * `onApply` runs after each change), `clear` empties the draft and the filter.
 */
export function useListQuery({ replace = false, onApply }: { replace?: boolean; onApply?: () => void } = {}) {
  const [params, setParams] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const order: ListOrder = params.get('order') === 'updated' ? 'updated' : 'name';
  const [draft, setDraft] = useState(filter);

  function apply(next: { filter?: string; order?: string }) {
    const merged = { filter, order, ...next };
    const search = new URLSearchParams();
    if (merged.filter) search.set('filter', merged.filter);
    if (merged.order !== 'name') search.set('order', merged.order);
    setParams(search, { replace });
    onApply?.();
  }

  function clear() {
    setDraft('');
    apply({ filter: '' });
  }

  return { filter, order, draft, setDraft, apply, clear };
}

/** The "Sort by" field of a list page's filter form. */
export function SortSelect({ value, onChange }: { value: ListOrder; onChange: (order: string) => void }) {
  return (
    <label className="field">
      <span className="field-label">Sort by</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {Object.entries(orderLabels).map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filter form's Clear button, shown only while a filter is applied. */
export function ClearFilterButton({ filter, onClear }: { filter: string; onClear: () => void }) {
  return filter ? (
    <button type="button" className="btn btn-ghost" onClick={onClear}>
      Clear
    </button>
  ) : null;
}
