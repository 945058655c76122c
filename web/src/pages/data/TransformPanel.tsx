import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { type DatasetVersionDetails, isLatheError, type TransformResult } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { CodeField } from './CodeField.js';
import { datasetVersionUrl, formatCount } from './data-format.js';
import { starterRecipe } from './starter-recipe.js';

/** A refused recipe: the server's message, and the expression with a caret under the position. */
interface RecipeProblem {
  message: string;
  code: string | null;
  expression?: string;
  position?: number;
}

function problemOf(err: unknown): RecipeProblem {
  const details = (isLatheError(err) ? err.details : undefined) ?? {};
  const expression = typeof details.expression === 'string' ? details.expression : undefined;
  const position = typeof details.position === 'number' ? details.position : undefined;
  return {
    message: errorMessage(err),
    code: isLatheError(err) ? err.code : null,
    ...(expression !== undefined && position !== undefined ? { expression, position } : {}),
  };
}

/**
 * The Transform tab: a recipe editor (YAML, a starter made from the version's columns) whose Apply
 * fits the recipe on this version and records the result as new versions, listed with their splits.
 * A recipe the server refuses (422 RECIPE_INVALID) shows its message, and the position in the
 * expression when there is one.
 */
export function TransformPanel({
  version,
  onApplied,
}: {
  version: DatasetVersionDetails;
  /** After versions were made (the lineage changed). */
  onApplied?(): void;
}) {
  const { client, handleError } = useSignedIn();
  const starter = useMemo(() => starterRecipe(version), [version]);
  const [text, setText] = useState(starter);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<RecipeProblem | null>(null);
  const [result, setResult] = useState<TransformResult | null>(null);

  function apply(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setResult(null);
    client.data
      .transform(version.ref, text, message.trim() ? { message: message.trim() } : {})
      .then((r) => {
        setResult(r);
        if (r.outputs.some((o) => o.created)) onApplied?.();
      })
      .catch((err: unknown) => {
        if (!handleError(err)) setProblem(problemOf(err));
      })
      .finally(() => setBusy(false));
  }

  return (
    <div className="transform-panel">
      <p className="muted small">
        A recipe is fitted on {version.ref} (means, categories, bin edges are learned here), applied in one
        query, and recorded as a new version — one per split — with lineage to {version.ref}. The steps and
        their options are described in the datasets guide (docs/data.md, “Transforms”).
      </p>
      <form className="form" aria-label="Transform recipe" onSubmit={apply}>
        <CodeField
          label="Recipe (YAML or JSON)"
          name="recipe"
          value={text}
          onChange={setText}
          minRows={12}
          maxRows={28}
          disabled={busy}
          invalid={problem !== null}
        />
        <label className="field">
          <span className="field-label">Message of the new versions (optional)</span>
          <input
            name="message"
            value={message}
            disabled={busy}
            placeholder={`recipe on ${version.ref}`}
            onChange={(e) => setMessage(e.target.value)}
          />
        </label>
        {problem && (
          <Alert
            title={
              problem.code === 'RECIPE_INVALID' ? 'The recipe was refused' : 'The recipe could not be applied'
            }
          >
            <p className="alert-text" data-testid="recipe-problem">
              {problem.message}
            </p>
            {problem.expression !== undefined && problem.position !== undefined && (
              <pre className="expression-caret" data-testid="expression-caret">
                {problem.expression}
                {'\n'}
                {`${' '.repeat(Math.max(0, problem.position - 1))}^`}
              </pre>
            )}
            <p className="alert-text small">No version was made.</p>
          </Alert>
        )}
        {busy && (
          <div className="upload-progress" role="status">
            <span className="spinner spinner-inline" aria-hidden="true" /> Fitting and applying the recipe…
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()}>
            {busy ? 'Applying…' : 'Apply'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy || text === starter}
            onClick={() => {
              setText(starter);
              setProblem(null);
            }}
          >
            Reset to the starter recipe
          </button>
        </div>
      </form>
      {result && <TransformOutcome result={result} />}
    </div>
  );
}

function TransformOutcome({ result }: { result: TransformResult }) {
  const made = result.outputs.filter((o) => o.created).length;
  return (
    <div className="transform-outcome" data-testid="transform-outcome">
      <Alert
        kind={made ? 'success' : 'info'}
        title={made ? `Created ${made} ${made === 1 ? 'version' : 'versions'}` : 'No new version'}
      >
        Fitted on {result.input}
        {result.joined.length > 0 && `, joined with ${result.joined.join(', ')}`}.{' '}
        {made < result.outputs.length &&
          'Where the content equals an existing version, that version is listed and none was made.'}
      </Alert>
      <div className="table-wrap">
        <table className="table" aria-label="Versions made by the recipe">
          <thead>
            <tr>
              <th scope="col">Split</th>
              <th scope="col">Version</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col" className="num">
                Columns
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {result.outputs.map((o) => (
              <tr key={o.version.ref}>
                <td>{o.split ?? <span className="muted">—</span>}</td>
                <td>
                  <Link
                    className="strong"
                    to={`${datasetVersionUrl(o.version.name, o.version.version)}?tab=recipe`}
                  >
                    {o.version.ref}
                  </Link>
                </td>
                <td className="num">{formatCount(o.version.rows)}</td>
                <td className="num">{o.version.columns.length}</td>
                <td>{o.created ? 'created' : <span className="muted">existed already</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
