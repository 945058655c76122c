import { useState } from 'react';
import { Panel } from '../../components/ui.js';
import type { IngestFormProps } from './IngestFields.js';
import { SqlSourceForm } from './SqlSourceForm.js';
import { Tabs } from './Tabs.js';
import { UploadForm } from './UploadForm.js';

/**
 * Ingest from the browser: a file upload (with progress) or a PostgreSQL query, as a new dataset
 * or, given `dataset`, as its next version (or appended to its latest). Shown to users who may write.
 */
export function IngestPanel({
  dataset,
  latestVersion,
  onClose,
  onIngested,
}: IngestFormProps & { onClose(): void }) {
  const [tab, setTab] = useState('upload');
  return (
    <Panel
      title={dataset ? `New version of ${dataset}` : 'New dataset'}
      className="ingest-panel"
      actions={
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClose}>
          Close
        </button>
      }
    >
      <Tabs
        label="Where the rows come from"
        tabs={[
          { key: 'upload', label: 'Upload a file' },
          { key: 'sql', label: 'From PostgreSQL' },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {/* Both stay mounted, so switching tabs keeps what was typed. */}
        <div hidden={tab !== 'upload'}>
          <UploadForm dataset={dataset} latestVersion={latestVersion} onIngested={onIngested} />
        </div>
        <div hidden={tab !== 'sql'}>
          <SqlSourceForm dataset={dataset} latestVersion={latestVersion} onIngested={onIngested} />
        </div>
      </Tabs>
    </Panel>
  );
}
