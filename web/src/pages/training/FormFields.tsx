import type { ReactNode } from 'react';

/** The server's message under the field it names (the form's alert says it too). */
export function FieldError({
  field,
  error,
}: {
  field: string;
  error: { field?: string; message: string } | null;
}) {
  if (!error?.field) return null;
  const hit =
    error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`);
  return hit ? <span className="field-error">{error.message}</span> : null;
}

/** A labelled text or number input with an optional help line and the server's message for it. */
export function TextField({
  label,
  name,
  value,
  onChange,
  help,
  placeholder,
  error,
  narrow = false,
  required = false,
}: {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
  help?: ReactNode;
  placeholder?: string;
  error: { field?: string; message: string } | null;
  narrow?: boolean;
  required?: boolean;
}) {
  const invalid = error?.field === name || error?.field?.startsWith(`${name}.`);
  return (
    <label className={narrow ? 'field field-narrow' : 'field'}>
      <span className="field-label">{label}</span>
      <input
        name={name}
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        required={required}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && <span className="field-help">{help}</span>}
      <FieldError field={name} error={error} />
    </label>
  );
}
