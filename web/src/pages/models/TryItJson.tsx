import type { FormEvent } from 'react';
import type { ColumnSpec } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { CodeField } from '../data/CodeField.js';
import { formatValue } from '../experiments/run-format.js';
import { formatCell, parseJsonRows, rowColumns } from './package-format.js';
import { PredictionWarnings } from './PredictionAnswer.js';
import { RowsTable } from './SignatureTables.js';
import type { usePredict } from './use-predict.js';

/** Rows shown in the result table; the server answers up to 10,000. */
const shownRows = 200;

/**
 * JSON mode of the try-it panel: rows pasted as a JSON array of objects, predicted in one call, the
 * answers in a table beside the rows (prediction and each class's probability).
 */
export function TryItJson({
  inputs,
  text,
  onChange,
  predictor,
}: {
  inputs: ColumnSpec[];
  text: string;
  onChange(text: string): void;
  predictor: ReturnType<typeof usePredict>;
}) {
  const { call, error, local, pending, predict, fail } = predictor;

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseJsonRows(text);
    if ('error' in parsed) fail(parsed.error);
    else void predict(parsed.rows);
  }

  const result = call?.result;
  const classes = (result?.classes ?? []).map(String);
  const extra = result
    ? [
        {
          name: 'prediction',
          strong: true,
          cell: (i: number) => formatCell(result.predictions[i]),
        },
        ...(result.probabilities
          ? classes.map((c, j) => ({
              name: `P(${c})`,
              cell: (i: number) => formatValue(result.probabilities![i]?.[j]),
            }))
          : []),
      ]
    : undefined;

  return (
    <form className="tryit-form" onSubmit={submit} aria-label="Try the model on JSON rows" noValidate>
      <CodeField
        label={
          <>
            Rows as JSON <span className="muted">(an array of objects keyed by input column)</span>
          </>
        }
        name="rows-json"
        value={text}
        onChange={onChange}
        minRows={6}
        maxRows={18}
        disabled={false}
        invalid={local}
      />
      <div className="training-submit">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Predicting…' : 'Predict'}
        </button>
      </div>
      {error && (
        <Alert title={local ? 'Could not read the rows' : 'The model could not predict these rows'}>
          {error}
        </Alert>
      )}
      {call && result && extra && (
        <>
          <PredictionWarnings warnings={result.warnings} />
          <RowsTable
            label="Predictions"
            columns={rowColumns(inputs, call.rows)}
            rows={call.rows.slice(0, shownRows)}
            extra={extra}
          />
          <p className="muted small package-note">
            {call.rows.length} row{call.rows.length === 1 ? '' : 's'} predicted by {result.model.name} version{' '}
            {result.model.version}
            {call.rows.length > shownRows ? `; the first ${shownRows} are shown` : ''}.
          </p>
        </>
      )}
    </form>
  );
}
