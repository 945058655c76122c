import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { type PlannedArea, areas } from './areas.js';
import { Layout } from './components/Layout.js';
import { Alert, Loading } from './components/ui.js';
import { AreaPage } from './pages/AreaPage.js';
import { DatasetPage } from './pages/data/DatasetPage.js';
import { DatasetsListPage } from './pages/data/DatasetsListPage.js';
import { DatasetVersionPage } from './pages/data/DatasetVersionPage.js';
import { DiffPage } from './pages/data/DiffPage.js';
import { ComparePage } from './pages/experiments/ComparePage.js';
import { ExperimentsListPage } from './pages/experiments/ExperimentsListPage.js';
import { RunPage } from './pages/experiments/RunPage.js';
import { RunsPage } from './pages/experiments/RunsPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ModelPage } from './pages/models/ModelPage.js';
import { ModelsListPage } from './pages/models/ModelsListPage.js';
import { VersionPage } from './pages/models/VersionPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { JobPage } from './pages/training/JobPage.js';
import { JobsListPage } from './pages/training/JobsListPage.js';
import { NewTrainingPage } from './pages/training/NewTrainingPage.js';
import { RunRedirect } from './pages/training/RunRedirect.js';
import { ReportPage } from './pages/validation/ReportPage.js';
import { ValidationListPage } from './pages/validation/ValidationListPage.js';
import { DeploymentsListPage } from './pages/serving/DeploymentsListPage.js';
import { EndpointPage } from './pages/serving/EndpointPage.js';
import { AlertsPage } from './pages/monitoring/AlertsPage.js';
import { ModelDashboardPage } from './pages/monitoring/ModelDashboardPage.js';
import { MonitoringListPage } from './pages/monitoring/MonitoringListPage.js';
import { RootCausePage } from './pages/monitoring/RootCausePage.js';
import { SessionProvider, useSession } from './session.js';

/** Areas without pages of their own show their empty state; built areas have explicit routes below. */
const plannedAreas = areas.filter((a): a is PlannedArea => !a.built);

/** Renders the signed-in layout, or sends the user to /login and back afterwards. */
function RequireSession() {
  const { state, retry } = useSession();
  const location = useLocation();
  if (state.status === 'checking') {
    return (
      <div className="center-screen">
        <Loading label="Connecting to Lathe…" />
      </div>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <div className="center-screen">
        <div className="login-card">
          <Alert kind="error" title="The Lathe server did not answer">
            {state.message}
          </Alert>
          <button type="button" className="btn btn-primary" onClick={retry}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (state.status === 'signedOut') return <Navigate to="/login" replace state={{ from: location }} />;
  return <Layout />;
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<RequireSession />}>
            <Route index element={<OverviewPage />} />
            {plannedAreas.map((area) => (
              <Route key={area.path} path={`${area.path}/*`} element={<AreaPage area={area} />} />
            ))}
            <Route path="/data" element={<DatasetsListPage />} />
            <Route path="/data/:name" element={<DatasetPage />} />
            <Route path="/data/:name/diff" element={<DiffPage />} />
            <Route path="/data/:name/:version" element={<DatasetVersionPage />} />
            <Route path="/data/:name/*" element={<NotFoundPage />} />
            <Route path="/experiments" element={<ExperimentsListPage />} />
            <Route path="/experiments/:id" element={<RunsPage />} />
            <Route path="/experiments/:id/runs/:runId" element={<RunPage />} />
            <Route path="/experiments/:id/compare" element={<ComparePage />} />
            <Route path="/experiments/:id/*" element={<NotFoundPage />} />
            <Route path="/models" element={<ModelsListPage />} />
            <Route path="/models/:name" element={<ModelPage />} />
            <Route path="/models/:name/versions/:version" element={<VersionPage />} />
            <Route path="/models/:name/versions/:version/validations/:job" element={<ReportPage />} />
            <Route path="/models/:name/*" element={<NotFoundPage />} />
            <Route path="/validation" element={<ValidationListPage />} />
            <Route path="/training" element={<JobsListPage />} />
            <Route path="/training/new" element={<NewTrainingPage />} />
            <Route path="/training/jobs/:id" element={<JobPage />} />
            <Route path="/training/runs/:runId" element={<RunRedirect />} />
            <Route path="/training/*" element={<NotFoundPage />} />
            <Route path="/serving" element={<DeploymentsListPage />} />
            <Route path="/serving/:name" element={<EndpointPage />} />
            <Route path="/serving/*" element={<NotFoundPage />} />
            <Route path="/monitoring" element={<MonitoringListPage />} />
            <Route path="/monitoring/alerts" element={<AlertsPage />} />
            <Route path="/monitoring/:model" element={<ModelDashboardPage />} />
            <Route path="/monitoring/:model/root-cause" element={<RootCausePage />} />
            <Route path="/monitoring/*" element={<NotFoundPage />} />
            <Route path="/deployments/*" element={<Navigate to="/serving" replace />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
