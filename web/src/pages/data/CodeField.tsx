import type { ReactNode } from 'react';

/**
 * A labelled monospace text area for a document (a recipe, a check suite) that grows with its
 * lines, from `minRows` up to `maxRows`.
 */
export function CodeField({
  label,
  name,
  value,
  onChange,
  minRows,
  maxRows,
  disabled,
  invalid,
}: {
  label: ReactNode;
  name: string;
  value: string;
  onChange(value: string): void;
  minRows: number;
  maxRows: number;
  disabled: boolean;
  invalid: boolean;
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <textarea
        className="code-input"
        name={name}
        rows={Math.min(maxRows, Math.max(minRows, value.split('\n').length + 1))}
        value={value}
        spellCheck={false}
        disabled={disabled}
        aria-invalid={invalid}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
