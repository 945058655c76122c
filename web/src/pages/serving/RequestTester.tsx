import { modelRefUrl } from '../models/model-links.js';
import { type FormEvent, useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { ColumnSpec, EndpointPrediction, LatheClient } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { CodeField } from '../data/CodeField.js';
import { formatValue } from '../experiments/run-format.js';
import { formatCell, parseJsonRows } from '../models/package-format.js';

/** A row for a signature without an input example: zeros, false, empty strings. */
function rowFromSignature(inputs: readonly ColumnSpec[]): Record<string, unknown> {
  return Object.fromEntries(
    inputs.map((c) => [
      c.name,
      c.type === 'string' || c.type === 'binary'
        ? ''
        : c.type === 'boolean'
          ? false
          : c.type === 'datetime'
            ? new Date(0).toISOString()
            : 0,
    ]),
  );
}

/**
 * The request tester: one JSON row prefilled from the primary version's input example (or its
 * signature), sent to `POST /api/v1/endpoints/{name}/predict`; the answer shows the version that
 * answered, predictions, probabilities, prediction IDs and the fallback when it stood in.
 */
export function RequestTester({ name, primary }: { name: string; primary: string | null }) {
  const load = useCallback(
    (client: LatheClient) => (primary ? client.models.package(primary) : Promise.resolve(null)),
    [primary],
  );
  const pkg = useApi(load);
  if (pkg.loading && !pkg.data && !pkg.error) return <p className="muted">Reading the model signature…</p>;
  const manifest = pkg.data?.manifest;
  const example =
    manifest?.inputExample?.[0] ?? (manifest ? rowFromSignature(manifest.signature.inputs) : {});
  return (
    <TesterForm
      key={primary ?? ''}
      name={name}
      initial={JSON.stringify([example], null, 2)}
      note={pkg.error}
    />
  );
}

function TesterForm({ name, initial, note }: { name: string; initial: string; note: string | null }) {
  const { client, handleError } = useSignedIn();
  const [text, setText] = useState(initial);
  const [answer, setAnswer] = useState<EndpointPrediction | null>(null);
  const [error, setError] = useState<{ message: string; local: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const latest = useRef(0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseJsonRows(text);
    if ('error' in parsed) {
      setAnswer(null);
      setError({ message: parsed.error, local: true });
      return;
    }
    const mine = ++latest.current;
    setPending(true);
    setError(null);
    try {
      const result = await client.serving.predict(name, parsed.rows);
      if (latest.current !== mine) return;
      setAnswer(result);
    } catch (err) {
      if (latest.current !== mine || handleError(err)) return;
      setAnswer(null);
      setError({ message: errorMessage(err), local: false });
    } finally {
      if (latest.current === mine) setPending(false);
    }
  }

  const classes = (answer?.classes ?? []).map(String);
  return (
    <form className="tester-form" onSubmit={submit} aria-label="Request tester" noValidate>
      {note && (
        <p className="muted small">
          The primary model's signature could not be read ({note}); write the row by hand.
        </p>
      )}
      <CodeField
        label={
          <>
            Rows as JSON <span className="muted">(sent to POST /api/v1/endpoints/{name}/predict)</span>
          </>
        }
        name="tester-json"
        value={text}
        onChange={setText}
        minRows={5}
        maxRows={16}
        disabled={false}
        invalid={Boolean(error?.local)}
      />
      <div className="training-submit">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {error && (
        <Alert title={error.local ? 'Could not read the rows' : 'The endpoint refused the request'}>
          {error.message}
        </Alert>
      )}
      {answer && (
        <div className="tester-answer" aria-live="polite">
          <p>
            Answered by{' '}
            <Link className="strong mono tester-version" to={modelRefUrl(answer.model)}>
              {answer.model}
            </Link>{' '}
            <span className="muted">
              (version {answer.modelVersion}, reached by {answer.ref}; request {answer.id})
            </span>
          </p>
          {answer.fallback && (
            <Alert kind="warning" title={`The fallback answered (${answer.fallback.reason})`}>
              {answer.fallback.primary} did not answer: {answer.fallback.message}
            </Alert>
          )}
          {answer.warnings?.length ? (
            <ul className="tryit-warnings">
              {answer.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
          <div className="table-wrap">
            <table className="table" aria-label="Endpoint answer">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Row
                  </th>
                  <th scope="col">Prediction</th>
                  {classes.map((c) => (
                    <th key={c} scope="col" className="num">
                      P({c})
                    </th>
                  ))}
                  <th scope="col">Prediction ID</th>
                </tr>
              </thead>
              <tbody>
                {answer.predictions.map((p, i) => (
                  <tr key={answer.predictionIds[i] ?? i}>
                    <td className="num">{i}</td>
                    <td className="strong">{formatCell(p)}</td>
                    {classes.map((c, j) => (
                      <td key={c} className="num mono">
                        {formatValue(answer.probabilities?.[i]?.[j])}
                      </td>
                    ))}
                    <td className="mono small tester-prediction-id">{answer.predictionIds[i]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </form>
  );
}
