import type { ReactNode } from 'react';

type FormError = { field?: string; message: string } | null;

/** True when the server's error names `field` or something inside it (`field.x`, `field[0]`). */
const errorHits = (field: string, error: FormError) =>
  !!error?.field &&
  (error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`));

/** The server's message under the field it names (the form's alert says it too). */
export function FieldError({ field, error }: { field: string; error: FormError }) {
  return errorHits(field, error) ? <span className="field-error">{error!.message}</span> : null;
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
  error: FormError;
  narrow?: boolean;
  required?: boolean;
}) {
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
        aria-invalid={errorHits(name, error) || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && <span className="field-help">{help}</span>}
      <FieldError field={name} error={error} />
    </label>
  );
}
