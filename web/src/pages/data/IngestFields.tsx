import { useId } from 'react';
import type { UploadResult } from './upload-file.js';

/** What the ingest forms take: the dataset they add to (absent: the user names a new one). */
export interface IngestFormProps {
  /** The dataset the version goes into; when absent the user names it. */
  dataset?: string;
  /** Its latest version, which "append" extends. */
  latestVersion?: number | null;
  onIngested(result: UploadResult): void;
}

/** The dataset name: typed for a new dataset, shown read-only when the form adds to `fixed`. */
export function DatasetNameField({
  value,
  fixed,
  disabled,
  onChange,
}: {
  value: string;
  fixed: boolean;
  disabled: boolean;
  onChange(value: string): void;
}) {
  return (
    <label className="field">
      <span className="field-label">Dataset name</span>
      <input
        name="name"
        value={value}
        required
        readOnly={fixed}
        disabled={disabled}
        pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,127}"
        title="letters, digits, '.', '_' and '-', starting with a letter or digit"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/**
 * The target column, off when appending (the batch keeps the target of the version it extends).
 * With `columns` (the file's header), they are offered as suggestions.
 */
export function TargetField({
  value,
  disabled,
  append,
  columns,
  onChange,
}: {
  value: string;
  disabled: boolean;
  append: boolean;
  columns?: string[];
  onChange(value: string): void;
}) {
  const id = useId();
  return (
    <label className="field">
      <span className="field-label">Target column (optional)</span>
      <input
        name="target"
        value={value}
        list={columns ? `${id}-columns` : undefined}
        disabled={disabled || append}
        placeholder={append ? 'kept from the latest version' : columns?.length ? 'pick or type a column' : ''}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      {columns && (
        <datalist id={`${id}-columns`}>
          {columns.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      )}
    </label>
  );
}

/** The version's message. */
export function MessageField({
  value,
  disabled,
  placeholder,
  onChange,
}: {
  value: string;
  disabled: boolean;
  placeholder?: string;
  onChange(value: string): void;
}) {
  return (
    <label className="field">
      <span className="field-label">Message (optional)</span>
      <input
        name="message"
        value={value}
        disabled={disabled}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** "Append the rows to name@N", shown only when the form adds to a dataset that has a version. */
export function AppendCheck({
  dataset,
  latestVersion,
  checked,
  disabled,
  note,
  onChange,
}: {
  dataset: string | undefined;
  latestVersion: number | null | undefined;
  checked: boolean;
  disabled: boolean;
  /** Said after the version, e.g. `(same columns; …)`. */
  note?: string;
  onChange(checked: boolean): void;
}) {
  if (!dataset || latestVersion == null) return null;
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      Append the rows to {dataset}@{latestVersion}
      {note ? ` ${note}` : ''}
    </label>
  );
}
