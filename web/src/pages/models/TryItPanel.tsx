import { useState } from 'react';
import type { ModelSignature } from '../../../../src/sdk/index.js';
import { Panel } from '../../components/ui.js';
import { rowFromValues, valuesFromRow } from './package-format.js';
import { TryItForm } from './TryItForm.js';
import { TryItJson } from './TryItJson.js';
import { usePredict } from './use-predict.js';

type Mode = 'form' | 'json';

/**
 * The "Try it" panel: calls the model on the server with one row from a form (prefilled from the
 * input example) or with rows pasted as JSON. Both modes keep their state while the other is shown.
 */
export function TryItPanel({
  modelRef,
  signature,
  example,
}: {
  modelRef: string;
  signature: ModelSignature;
  example: Record<string, unknown>[];
}) {
  const { inputs } = signature;
  const [mode, setMode] = useState<Mode>('form');
  const [values, setValues] = useState(() => valuesFromRow(inputs, example[0]));
  const [json, setJson] = useState(() =>
    JSON.stringify(example.length ? example.slice(0, 3) : [rowFromValues(inputs, values)], null, 2),
  );
  const formPredictor = usePredict(modelRef);
  const jsonPredictor = usePredict(modelRef);

  const toggle = (
    <fieldset className="segmented">
      <legend className="sr-only">Input mode</legend>
      {(['form', 'json'] as const).map((m) => (
        <button
          key={m}
          type="button"
          className={mode === m ? 'btn btn-sm segmented-on' : 'btn btn-sm'}
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
        >
          {m === 'form' ? 'Form' : 'JSON'}
        </button>
      ))}
    </fieldset>
  );

  return (
    <Panel title="Try it" actions={toggle}>
      <p className="muted small package-note">
        Calls <code>{modelRef}</code> on the server with the signature enforced, as{' '}
        <code>lathe.models.predict</code> does.
      </p>
      <div hidden={mode !== 'form'}>
        <TryItForm
          inputs={inputs}
          values={values}
          onChange={setValues}
          onReset={() => setValues(valuesFromRow(inputs, example[0]))}
          canReset={example.length > 0}
          predictor={formPredictor}
        />
      </div>
      <div hidden={mode !== 'json'}>
        <TryItJson inputs={inputs} text={json} onChange={setJson} predictor={jsonPredictor} />
      </div>
    </Panel>
  );
}
