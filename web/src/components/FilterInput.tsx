import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';

/** A filter the server refused: its message and, when known, the 1-based position of the problem. */
export interface FilterProblem {
  message: string;
  position?: number;
}

/** The problem in a search error (`INVALID_ARGUMENT` with `details.position`), or null for other errors. */
export function filterProblem(err: unknown): FilterProblem | null {
  const e = err as { code?: unknown; message?: unknown; details?: { position?: unknown; field?: unknown } };
  if (e?.code !== 'INVALID_ARGUMENT' && e?.code !== 'INVALID_PARAMETER_VALUE') return null;
  const field = e.details?.field;
  // An order_by problem is not the filter's: report it without a position under the filter text.
  const position =
    typeof e.details?.position === 'number' && (field === undefined || field === 'filter')
      ? e.details.position
      : undefined;
  return { message: String(e.message ?? 'Invalid filter'), position };
}

/**
 * A one-line filter box in MLflow's search grammar, applied on Enter (or the Apply button). When the
 * server refuses the filter, its message shows right under the box with a caret under the character
 * at the problem's position.
 */
export function FilterInput({
  value,
  onApply,
  problem,
  label = 'Filter',
  placeholder,
  hint,
}: {
  /** The filter currently applied. */
  value: string;
  onApply(filter: string): void;
  problem: FilterProblem | null;
  label?: string;
  placeholder?: string;
  hint?: ReactNode;
}) {
  const [draft, setDraft] = useState(value);
  const hintId = useId();
  const errorId = useId();
  useEffect(() => setDraft(value), [value]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(draft.trim());
  }

  // The caret only lines up while the text shown is the text the server judged.
  const caret = problem?.position !== undefined && draft.trim() === value ? problem.position : undefined;
  return (
    <form className="filter-form" onSubmit={submit}>
      <div className="filter-row">
        <label className="field filter-field">
          <span className="field-label">{label}</span>
          <input
            name="filter"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder={placeholder}
            aria-describedby={problem ? `${errorId} ${hintId}` : hintId}
            aria-invalid={problem ? true : undefined}
            autoComplete="off"
            spellCheck={false}
            className="mono"
          />
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
        {value && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setDraft('');
              onApply('');
            }}
          >
            Clear
          </button>
        )}
      </div>
      {problem && (
        <div className="filter-problem" id={errorId} role="alert">
          {caret !== undefined && (
            <div className="filter-caret mono" aria-hidden="true" data-testid="filter-caret">
              {' '.repeat(Math.max(0, caret - 1))}^
            </div>
          )}
          <span className="filter-message">{problem.message}</span>
        </div>
      )}
      {hint && (
        <p id={hintId} className="muted small filter-hint">
          {hint}
        </p>
      )}
    </form>
  );
}
