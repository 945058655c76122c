import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Panel, useTitle } from '../../components/ui.js';
import { AlertsTable } from './AlertsPanel.js';

/** `/monitoring/alerts`: open alerts (with Acknowledge) and the resolved ones, newest first. */
export function AlertsPage() {
  useTitle('Alerts');
  return (
    <>
      <Breadcrumbs links={[['Monitoring', '/monitoring']]} current="Alerts" />
      <PageHeader
        title="Alerts"
        description="A monitor opens an alert when it leaves ok, escalates it in place, and resolves it when the check passes again."
      />
      <Panel title="Open">
        <AlertsTable state="open" label="Open alerts" empty="No open alerts." />
      </Panel>
      <Panel title="Resolved">
        <AlertsTable state="resolved" label="Resolved alerts" empty="No resolved alerts yet." />
      </Panel>
    </>
  );
}
