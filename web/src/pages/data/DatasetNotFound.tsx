import { Link } from 'react-router-dom';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, useTitle } from '../../components/ui.js';
import { datasetUrl } from './data-format.js';

/** What a dataset or version page shows when the server does not have it. */
export function DatasetNotFound({
  name,
  version,
  message,
}: {
  name: string;
  version?: string;
  message?: string;
}) {
  useTitle('Not found');
  const what = version === undefined ? `Dataset ${name}` : `Version ${version} of ${name}`;
  return (
    <>
      <Breadcrumbs links={[['Data', '/data']]} />
      <PageHeader title="Not found" />
      <Alert kind="warning" title={`${what} is not here`}>
        {message ? `${message}. ` : ''}
        {version === undefined ? (
          <Link to="/data">See all datasets</Link>
        ) : (
          <Link to={datasetUrl(name)}>See the versions of {name}</Link>
        )}
        .
      </Alert>
    </>
  );
}
