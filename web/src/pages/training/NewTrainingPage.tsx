import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { type ColumnSchema, isLatheError, type LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { Tabs } from '../data/Tabs.js';
import { FieldError, TextField } from './FormFields.js';
import { ModelFields, SearchFields } from './ModelFields.js';
import { jobUrl } from './training-api.js';
import { buildSpec, emptyForm, type FormMode, list, type TrainingFormState } from './training-form.js';

const modes: { key: FormMode; label: string }[] = [
  { key: 'train', label: 'Train' },
  { key: 'tune', label: 'Tune' },
  { key: 'automl', label: 'AutoML' },
];

const submitLabels: Record<FormMode, string> = {
  train: 'Start training',
  tune: 'Start tuning',
  automl: 'Start AutoML',
};

const loadDatasets = (client: LatheClient) => client.data.list();
const loadFamilies = (client: LatheClient) => client.training.models();

/** What the server refused: its message and the field it named. */
export interface FormError {
  message: string;
  field?: string;
}

/**
 * `/training/new`: the New training form. One form for three job kinds (tabs): a single fit
 * (`train`), a hyperparameter search (`tune`) and AutoML (`automl`). The server checks the spec before
 * queueing; its 400 is shown above the form and under the field it names.
 */
export function NewTrainingPage() {
  useTitle('New training');
  const { client, handleError } = useSignedIn();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const mode: FormMode = (['tune', 'automl'] as const).find((m) => m === params.get('mode')) ?? 'train';
  const [form, setForm] = useState<TrainingFormState>(() => ({
    ...emptyForm,
    dataset: params.get('data')?.split('@')[0] ?? '',
  }));
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const families = useApi(loadFamilies);
  const datasets = useApi(loadDatasets);
  const set = useCallback((patch: Partial<TrainingFormState>) => setForm((f) => ({ ...f, ...patch })), []);

  const loadVersions = useCallback(
    (c: LatheClient) =>
      form.dataset ? c.data.get(form.dataset).then((d) => d.versions) : Promise.resolve([]),
    [form.dataset],
  );
  const versions = useApi(loadVersions);
  const ref = form.dataset && form.version ? `${form.dataset}@${form.version}` : '';
  const loadColumns = useCallback(
    (c: LatheClient) =>
      ref ? c.data.version(ref).then((v) => v.columns) : Promise.resolve([] as ColumnSchema[]),
    [ref],
  );
  const columns = useApi(loadColumns);

  // The newest version, and the version's target column, are picked until the user picks another.
  useEffect(() => {
    const newest = versions.data?.[0];
    if (newest && !versions.data?.some((v) => String(v.version) === form.version))
      set({ version: String(newest.version) });
  }, [versions.data, form.version, set]);
  useEffect(() => {
    const cols = columns.data;
    if (!cols?.length || cols.some((c) => c.name === form.target)) return;
    set({ target: cols.find((c) => c.semantic === 'target')?.name ?? '' });
  }, [columns.data, form.target, set]);
  useEffect(() => {
    const first = families.data?.[0];
    if (first && !form.model) set({ model: first.name });
  }, [families.data, form.model, set]);

  const family = useMemo(
    () => families.data?.find((f) => f.name === form.model),
    [families.data, form.model],
  );
  const columnNames = (columns.data ?? []).map((c) => c.name);

  function submit(e: FormEvent) {
    e.preventDefault();
    const { kind, spec } = buildSpec(mode, form);
    setBusy(true);
    setError(null);
    client.jobs.start(kind, spec).then(
      (job) => navigate(jobUrl(job.id)),
      (err: unknown) => {
        setBusy(false);
        if (handleError(err)) return;
        const field = isLatheError(err) ? err.details?.field : undefined;
        setError({ message: errorMessage(err), ...(typeof field === 'string' ? { field } : {}) });
      },
    );
  }

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/training">Training</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">New training</span>
      </nav>
      <PageHeader
        title="New training"
        description="Fit one model, search its hyperparameters, or let AutoML try several families within a time budget."
      />
      <Tabs
        label="Kind of job"
        tabs={modes}
        selected={mode}
        onSelect={(key) => {
          setError(null);
          setParams(key === 'train' ? {} : { mode: key }, { replace: true });
        }}
      >
        <form className="form training-form" aria-label="New training job" noValidate onSubmit={submit}>
          {error && (
            <Alert title="The server refused the job">
              {error.field && !error.message.startsWith(error.field) && (
                <span className="mono">{error.field}: </span>
              )}
              {error.message}
            </Alert>
          )}
          <Panel title="Data">
            <div className="form-grid">
              <label className="field">
                <span className="field-label">Dataset</span>
                <select
                  name="dataset"
                  value={form.dataset}
                  onChange={(e) => set({ dataset: e.target.value, version: '', target: '' })}
                >
                  <option value="">{datasets.loading ? 'Loading…' : 'Pick a dataset'}</option>
                  {datasets.data?.map((d) => (
                    <option key={d.name} value={d.name}>
                      {d.name}
                    </option>
                  ))}
                </select>
                <FieldError field="data" error={error} />
              </label>
              <label className="field">
                <span className="field-label">Version</span>
                <select
                  name="version"
                  value={form.version}
                  onChange={(e) => set({ version: e.target.value })}
                >
                  {!form.dataset && <option value="">—</option>}
                  {versions.data?.map((v) => (
                    <option key={v.version} value={String(v.version)}>
                      {v.ref} · {v.rows.toLocaleString('en-US')} rows
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">Target column</span>
                <select name="target" value={form.target} onChange={(e) => set({ target: e.target.value })}>
                  <option value="">{ref ? 'Pick the column to predict' : '—'}</option>
                  {columns.data?.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name} ({c.type})
                    </option>
                  ))}
                </select>
                <FieldError field="target" error={error} />
              </label>
            </div>
            {datasets.error && <Alert title="Could not load the datasets">{datasets.error}</Alert>}
            {datasets.data?.length === 0 && (
              <p className="muted">
                No datasets yet: <Link to="/data">upload one in Data</Link> first.
              </p>
            )}
            {columns.error && <Alert title="Could not load the columns">{columns.error}</Alert>}
            <div className="form-grid">
              <TextField
                label="Features (optional)"
                name="features"
                value={form.features}
                onChange={(features) => set({ features })}
                placeholder="all usable columns"
                help={
                  columnNames.length
                    ? `Comma-separated, from: ${columnNames.join(', ')}. Identifier and datetime columns are left out unless named here.`
                    : 'Comma-separated; identifier and datetime columns are left out unless named here.'
                }
                error={error}
              />
              {columns.data?.length ? (
                <fieldset className="field">
                  <legend className="field-label">Drop (optional)</legend>
                  <div className="family-checks">
                    {columns.data
                      .filter((c) => c.name !== form.target)
                      .map((c) => {
                        const dropped = list(form.drop)?.includes(c.name) ?? false;
                        return (
                          <label key={c.name} className="check" title={`${c.type}, ${c.semantic}`}>
                            <input
                              type="checkbox"
                              name="drop"
                              value={c.name}
                              checked={dropped}
                              onChange={() => {
                                const rest = (list(form.drop) ?? []).filter((n) => n !== c.name);
                                set({ drop: (dropped ? rest : [...rest, c.name]).join(', ') });
                              }}
                            />
                            <span className="mono">{c.name}</span>
                          </label>
                        );
                      })}
                  </div>
                  <span className="field-help">Ticked columns are left out of the features.</span>
                  <FieldError field="drop" error={error} />
                </fieldset>
              ) : (
                <TextField
                  label="Drop (optional)"
                  name="drop"
                  value={form.drop}
                  onChange={(drop) => set({ drop })}
                  placeholder="none"
                  help="Comma-separated column names."
                  error={error}
                />
              )}
            </div>
          </Panel>
          {families.error && <Alert title="Could not load the model families">{families.error}</Alert>}
          {families.loading && !families.data && <Loading label="Loading model families…" />}
          {families.data && (
            <ModelFields
              mode={mode}
              form={form}
              set={set}
              families={families.data}
              family={family}
              error={error}
            />
          )}
          {mode !== 'train' && <SearchFields mode={mode} form={form} set={set} error={error} />}
          <Panel title="Evaluation and registration">
            <div className="form-grid">
              {mode !== 'automl' && (
                <TextField
                  label="Test size"
                  name="testSize"
                  value={form.testSize}
                  onChange={(testSize) => set({ testSize })}
                  placeholder="0.2"
                  help="Share of rows held out for the test metrics, in (0, 0.9]."
                  error={error}
                  narrow
                />
              )}
              <TextField
                label="Cross-validation folds"
                name="cv"
                value={form.cv}
                onChange={(cv) => set({ cv })}
                placeholder={mode === 'train' ? 'none' : '3'}
                help="2..20 folds, or 0 for none."
                error={error}
                narrow
              />
              <TextField
                label="Seed"
                name="seed"
                value={form.seed}
                onChange={(seed) => set({ seed })}
                placeholder="0"
                error={error}
                narrow
              />
              <TextField
                label="Experiment (optional)"
                name="experiment"
                value={form.experiment}
                onChange={(experiment) => set({ experiment })}
                placeholder="the dataset's name"
                error={error}
              />
              <TextField
                label="Register as model (optional)"
                name="register"
                value={form.register}
                onChange={(register) => set({ register })}
                placeholder="not registered"
                help="The trained model becomes a new version of this registered model."
                error={error}
              />
            </div>
          </Panel>
          <div className="training-submit">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Starting…' : submitLabels[mode]}
            </button>
            <Link className="btn btn-ghost" to="/training">
              Cancel
            </Link>
          </div>
        </form>
      </Tabs>
    </>
  );
}
