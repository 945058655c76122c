import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/Layout.js';
import { Alert, useTitle } from '../../components/ui.js';
import { modelUrl } from './model-links.js';

/** What a model or version page shows when the registry does not have it. */
export function ModelNotFound({ name, version }: { name: string; version?: number }) {
  const what = version === undefined ? `Model ${name}` : `Version ${version} of ${name}`;
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Not found" />
      <Alert kind="warning" title={`${what} is not in the registry`}>
        It may have been deleted or renamed; deleted version numbers are never reused.{' '}
        {version === undefined ? (
          <Link to="/models">See all models</Link>
        ) : (
          <Link to={modelUrl(name)}>See the versions of {name}</Link>
        )}
        .
      </Alert>
    </>
  );
}
