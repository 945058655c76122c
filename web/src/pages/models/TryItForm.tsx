import { type FormEvent, useId } from 'react';
import type { ColumnSpec } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { fieldKind, rowFromValues } from './package-format.js';
import { PredictionAnswer, PredictionWarnings } from './PredictionAnswer.js';
import type { usePredict } from './use-predict.js';

/** One input column's control: a number input, a true/false select (empty = null), or text. */
function ColumnField({
  column: c,
  value,
  onChange,
}: {
  column: ColumnSpec;
  value: string;
  onChange(value: string): void;
}) {
  const kind = fieldKind(c.type);
  const id = useId();
  const help = `${c.type}${c.required ? ' · required' : ' · optional'}`;
  return (
    <div className="field">
      <label className="field-label mono" htmlFor={id}>
        {c.name}
      </label>
      {kind === 'boolean' ? (
        <select id={id} name={c.name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">null</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          id={id}
          name={c.name}
          type={kind === 'number' ? 'number' : 'text'}
          step={kind === 'number' ? 'any' : undefined}
          value={value}
          placeholder={kind === 'number' ? 'null' : c.type === 'datetime' ? '2025-01-31T14:05:00Z' : ''}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <span className="field-help">{help}</span>
    </div>
  );
}

/**
 * The try-it form: one field per input column, a Predict button sending one row, and the answer
 * (prediction, class probabilities, warnings) or the server's message.
 */
export function TryItForm({
  inputs,
  values,
  onChange,
  onReset,
  canReset,
  predictor,
}: {
  inputs: ColumnSpec[];
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
  onReset(): void;
  canReset: boolean;
  predictor: ReturnType<typeof usePredict>;
}) {
  const { call, error, pending, predict } = predictor;

  function submit(e: FormEvent) {
    e.preventDefault();
    void predict([rowFromValues(inputs, values)]);
  }

  return (
    <form className="tryit-form" onSubmit={submit} aria-label="Try the model on one row" noValidate>
      <div className="form-grid tryit-fields">
        {inputs.map((c) => (
          <ColumnField
            key={c.name}
            column={c}
            value={values[c.name] ?? ''}
            onChange={(v) => onChange({ ...values, [c.name]: v })}
          />
        ))}
      </div>
      <div className="training-submit">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Predicting…' : 'Predict'}
        </button>
        <button type="button" className="btn" onClick={onReset}>
          {canReset ? 'Reset to the example' : 'Clear'}
        </button>
        <span className="muted small tryit-hint">An empty number or boolean is sent as null.</span>
      </div>
      {error && <Alert title="The model could not predict this row">{error}</Alert>}
      {call && call.rows.length === 1 && (
        <>
          <PredictionWarnings warnings={call.result.warnings} />
          <PredictionAnswer result={call.result} />
        </>
      )}
    </form>
  );
}
