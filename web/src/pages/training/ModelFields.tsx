import { Panel } from '../../components/ui.js';
import { FieldError, TextField } from './FormFields.js';
import type { FormError } from './NewTrainingPage.js';
import type { ModelFamilyInfo } from '../../../../src/sdk/index.js';
import type { FormMode, TrainingFormState } from './training-form.js';

interface Props {
  mode: FormMode;
  form: TrainingFormState;
  set(patch: Partial<TrainingFormState>): void;
  error: FormError | null;
}

/**
 * The model: one family (train, tune) with its tasks and summary, and for a single fit its
 * hyperparameters as optional fields with their help text; AutoML picks any number of families.
 */
export function ModelFields({
  mode,
  form,
  set,
  families,
  family,
  error,
}: Props & { families: ModelFamilyInfo[]; family: ModelFamilyInfo | undefined }) {
  if (mode === 'automl') {
    return (
      <Panel title="Models">
        <fieldset className="field">
          <legend className="field-label">
            Families to try (none ticked: every family that does the task)
          </legend>
          <div className="family-checks">
            {families.map((f) => (
              <label key={f.name} className="check" title={f.summary}>
                <input
                  type="checkbox"
                  checked={form.models.includes(f.name)}
                  onChange={(e) =>
                    set({
                      models: e.target.checked
                        ? [...form.models, f.name]
                        : form.models.filter((m) => m !== f.name),
                    })
                  }
                />
                <span className="mono">{f.name}</span>
              </label>
            ))}
          </div>
          <FieldError field="models" error={error} />
        </fieldset>
      </Panel>
    );
  }
  const params = family ? Object.entries(family.params) : [];
  return (
    <Panel title="Model">
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Model family</span>
          <select
            name="model"
            value={form.model}
            onChange={(e) => set({ model: e.target.value, params: {} })}
          >
            {families.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} — {f.tasks.join(', ')}
              </option>
            ))}
          </select>
          <FieldError field="model" error={error} />
        </label>
        {family && (
          <div className="family-summary">
            <strong>{family.summary}</strong>
            <span className="muted small">
              Tasks: {family.tasks.join(', ')} · {params.length} hyperparameter
              {params.length === 1 ? '' : 's'}
            </span>
          </div>
        )}
      </div>
      {mode === 'tune' && (
        <p className="muted small">Tuning searches the family's own space of hyperparameters.</p>
      )}
      {mode === 'train' && params.length > 0 && (
        <fieldset className="field hyperparams">
          <legend className="field-label">Hyperparameters (optional; empty fields keep the defaults)</legend>
          <div className="form-grid">
            {params.map(([name, help]) => (
              <TextField
                key={name}
                label={name}
                name={`params.${name}`}
                value={form.params[name] ?? ''}
                onChange={(v) => set({ params: { ...form.params, [name]: v } })}
                help={help}
                error={error}
              />
            ))}
          </div>
        </fieldset>
      )}
    </Panel>
  );
}

/** Tuning (sampler, trials, parallel trials, metric, ASHA) or AutoML (time budget, metric, ensemble). */
export function SearchFields({ mode, form, set, error }: Props) {
  if (mode === 'automl') {
    return (
      <Panel title="AutoML">
        <div className="form-grid">
          <TextField
            label="Time budget (seconds)"
            name="budgetSeconds"
            value={form.budgetSeconds}
            onChange={(budgetSeconds) => set({ budgetSeconds })}
            help="10..86,400 seconds for the whole search."
            error={error}
            narrow
            required
          />
          <TextField
            label="Metric (optional)"
            name="metric"
            value={form.metric}
            onChange={(metric) => set({ metric })}
            placeholder="roc_auc / accuracy / rmse"
            help="What the leaderboard ranks on; the task's default when empty."
            error={error}
          />
          <label className="check training-check">
            <input
              type="checkbox"
              checked={form.ensemble}
              onChange={(e) => set({ ensemble: e.target.checked })}
            />
            Build an ensemble of the top models
          </label>
        </div>
      </Panel>
    );
  }
  return (
    <Panel title="Search">
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Sampler</span>
          <select name="sampler" value={form.sampler} onChange={(e) => set({ sampler: e.target.value })}>
            <option value="tpe">tpe (Bayesian)</option>
            <option value="random">random</option>
            <option value="grid">grid</option>
          </select>
          <FieldError field="sampler" error={error} />
        </label>
        <TextField
          label="Trials"
          name="trials"
          value={form.trials}
          onChange={(trials) => set({ trials })}
          error={error}
          narrow
        />
        <TextField
          label="Parallel trials"
          name="parallel"
          value={form.parallel}
          onChange={(parallel) => set({ parallel })}
          help="At most the server's cores."
          error={error}
          narrow
        />
        <TextField
          label="Metric (optional)"
          name="metric"
          value={form.metric}
          onChange={(metric) => set({ metric })}
          placeholder="roc_auc / accuracy / rmse"
          help="What the search optimises; the task's default when empty."
          error={error}
        />
        <TextField
          label="Timeout (seconds, optional)"
          name="timeoutSeconds"
          value={form.timeoutSeconds}
          onChange={(timeoutSeconds) => set({ timeoutSeconds })}
          error={error}
          narrow
        />
        <label className="check training-check">
          <input type="checkbox" checked={form.asha} onChange={(e) => set({ asha: e.target.checked })} />
          Stop poor trials early (ASHA)
        </label>
      </div>
    </Panel>
  );
}
