import { type ReactNode, useCallback } from 'react';
import type { DatasetVersionDetails, FittedStep, LatheClient } from '../../../../src/sdk/index.js';
import { Alert, CopyButton, Fact, Facts, Loading } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { formatStat, shortDigest } from './data-format.js';
import { RefLink } from './RefLink.js';
import { recipeDocument } from './recipe-document.js';

/** What a produced version records about its recipe. */
interface VersionRecipe {
  artifact: string;
  fittedOn: string;
  split: string | null;
}

type Value = string | number | boolean | null;

/** A learned or given value: numbers to 4 significant digits, text quoted, null as NULL. */
function show(v: Value | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return formatStat(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function Names({ names }: { names: string[] }) {
  return (
    <span className="recipe-names">
      {names.map((n) => (
        <code key={n} className="tag mono">
          {n}
        </code>
      ))}
    </span>
  );
}

/** A list of values, the first `max` shown and the rest counted. */
function Values({ values, max = 20 }: { values: Value[]; max?: number }) {
  return (
    <span className="recipe-names">
      {values.slice(0, max).map((v) => (
        <code key={show(v)} className="tag mono">
          {show(v)}
        </code>
      ))}
      {values.length > max && <span className="muted small">+{values.length - max} more</span>}
    </span>
  );
}

/** One row per column of a step: the column, then what was given or learned for it. */
function PerColumn({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <table className="recipe-params">
      <tbody>
        {rows.map(([c, v]) => (
          <tr key={c}>
            <th scope="row" className="mono">
              {c}
            </th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What a fitted step does, with the parameters it learned (means, categories, bin edges…). */
function StepParams({ step }: { step: FittedStep }) {
  const entries = <T,>(o: Record<string, T>) => Object.entries(o);
  switch (step.kind) {
    case 'select':
    case 'drop':
    case 'log':
    case 'text_length':
      return <Names names={step.columns} />;
    case 'rename':
      return (
        <PerColumn
          rows={entries(step.columns).map(([a, b]) => [
            a,
            <span key={a}>
              → <code>{b}</code>
            </span>,
          ])}
        />
      );
    case 'cast':
      return <PerColumn rows={entries(step.columns).map(([c, t]) => [c, <code key={c}>{t}</code>])} />;
    case 'filter':
      return <code className="recipe-expr">{step.expression}</code>;
    case 'derive':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, e]) => [
            c,
            <code key={c} className="recipe-expr">
              = {e}
            </code>,
          ])}
        />
      );
    case 'impute':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            <span key={c}>
              {typeof p.strategy === 'object' ? 'constant' : p.strategy} → learned{' '}
              <strong>{show(p.value)}</strong>
            </span>,
          ])}
        />
      );
    case 'onehot':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            <span key={c}>
              {p.categories.length} categories <Values values={p.categories} />{' '}
              <span className="muted small">
                → {p.names.length + 1} columns: one per category, and <code>{p.unseen}</code> for any other
                value
              </span>
            </span>,
          ])}
        />
      );
    case 'ordinal':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            <span key={c}>
              <Values values={p.categories} />{' '}
              <span className="muted small">→ 0…{p.categories.length - 1}, unseen -1</span>
            </span>,
          ])}
        />
      );
    case 'standard_scale':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            `mean ${formatStat(p.mean)}, std ${formatStat(p.std)}`,
          ])}
        />
      );
    case 'minmax_scale':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            `min ${formatStat(p.min)}, max ${formatStat(p.min + p.range)} (range ${formatStat(p.range)})`,
          ])}
        />
      );
    case 'clip':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            `${p.min === undefined ? '−∞' : formatStat(p.min)} … ${p.max === undefined ? '∞' : formatStat(p.max)}`,
          ])}
        />
      );
    case 'bucketize':
      return (
        <PerColumn
          rows={entries(step.columns).map(([c, p]) => [
            c,
            <span key={c}>
              edges <Values values={p.edges} />{' '}
              <span className="muted small">→ buckets 0…{p.edges.length}</span>
            </span>,
          ])}
        />
      );
    case 'datetime_parts':
      return <PerColumn rows={entries(step.columns).map(([c, parts]) => [c, parts.join(', ')])} />;
    case 'pii':
      return <PerColumn rows={entries(step.columns).map(([c, p]) => [c, `${p.action} (${p.kind})`])} />;
    case 'deduplicate':
      return (
        <span>
          one row per {step.columns ? <Names names={step.columns} /> : 'whole row'}, keeping the {step.keep}
        </span>
      );
    case 'join': {
      return (
        <span>
          {step.how} join with <RefLink dataRef={step.with} /> on{' '}
          {step.on.map((o) => (o.left === o.right ? o.left : `${o.left} = ${o.right}`)).join(', ')}
          {step.columns && (
            <>
              , columns <Names names={step.columns} />
            </>
          )}
          {step.prefix && (
            <>
              , prefix <code>{step.prefix}</code>
            </>
          )}
        </span>
      );
    }
    default:
      return <code>{JSON.stringify(step)}</code>;
  }
}

/**
 * The Recipe tab of a version a recipe produced: the versions it was made from (links), the split,
 * each step with what it learned, and the input and output columns (GET …/recipe).
 */
export function RecipePanel({ version }: { version: DatasetVersionDetails }) {
  const load = useCallback((c: LatheClient) => c.data.recipe(version.ref), [version.ref]);
  const fitted = useApi(load);
  const meta = version.recipe as VersionRecipe | null;
  if (fitted.error) return <Alert title="Could not load the fitted recipe">{fitted.error}</Alert>;
  if (!fitted.data) return <Loading label="Loading the fitted recipe…" />;
  const f = fitted.data;
  const json = JSON.stringify(recipeDocument(f.recipe), null, 2);
  return (
    <div className="recipe-panel">
      <Facts>
        <Fact label="Made from">
          <span className="recipe-names">
            {version.parents.map((p) => (
              <span key={p} className="data-parent">
                <RefLink dataRef={p} />
                {p === f.fittedOn ? (
                  <span className="muted small"> (fitted on)</span>
                ) : (
                  <span className="muted small"> (joined)</span>
                )}
              </span>
            ))}
          </span>
        </Fact>
        <Fact label="Split">{meta?.split ?? <span className="muted">none</span>}</Fact>
        <Fact label="Fitted (UTC)">
          <span title={f.fittedAt}>{formatTime(f.fittedAt)}</span>
        </Fact>
        <Fact label="Columns">
          {f.input.length} in → {f.output.length} out
        </Fact>
        {meta && (
          <Fact label="Fitted recipe artifact">
            <code className="mono" title={meta.artifact}>
              {shortDigest(meta.artifact)}…
            </code>
          </Fact>
        )}
      </Facts>
      <div className="table-wrap">
        <table className="table recipe-steps" aria-label="Recipe steps">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Step</th>
              <th scope="col">Parameters (given and learned on {f.fittedOn})</th>
              <th scope="col" className="num">
                Columns after
              </th>
            </tr>
          </thead>
          <tbody>
            {f.steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the steps are a fixed list, never reordered
              <tr key={i}>
                <td className="num">{i + 1}</td>
                <td className="mono strong nowrap">{s.kind}</td>
                <td>
                  <StepParams step={s} />
                </td>
                <td className="num" title={s.output.map((c) => `${c.name} ${c.type}`).join('\n')}>
                  {s.output.length}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {f.recipe.split && (
        <p className="small">
          Split: <strong>{f.recipe.split.kind}</strong>{' '}
          {Object.entries(f.recipe.split.ratios)
            .map(([k, r]) => `${k} ${Math.round((r ?? 0) * 100)}%`)
            .join(', ')}
          {f.recipe.split.column && ` by ${f.recipe.split.column}`}, seed {f.recipe.split.seed}.
        </p>
      )}
      <details className="recipe-columns">
        <summary>Input and output columns</summary>
        <div className="recipe-io">
          <div>
            <h3 className="small strong">Reads ({f.input.length})</h3>
            <PerColumn rows={f.input.map((c) => [c.name, <code key={c.name}>{c.type}</code>])} />
          </div>
          <div>
            <h3 className="small strong">Writes ({f.output.length})</h3>
            <PerColumn rows={f.output.map((c) => [c.name, <code key={c.name}>{c.type}</code>])} />
          </div>
        </div>
      </details>
      <details className="recipe-columns">
        <summary>The recipe (JSON; paste it into another version's Transform tab to apply it there)</summary>
        <div className="recipe-json">
          <CopyButton text={json} label="Copy the recipe" />
          <pre className="data-command">{json}</pre>
        </div>
      </details>
      <p className="muted small">
        Apply the same fitted numbers to single rows at serving time with <code>applyFittedRecipe</code> from
        the SDK (<code>client.data.recipe('{version.ref}')</code>), or{' '}
        <code>lathe data recipe {version.ref}</code>.
      </p>
    </div>
  );
}
