import { Link, useLocation } from 'react-router-dom';
import { PageHeader } from '../components/Layout.js';
import { useTitle } from '../components/ui.js';

export function NotFoundPage() {
  useTitle('Not found');
  const location = useLocation();
  return (
    <>
      <PageHeader title="Page not found" />
      <div className="empty">
        <p>
          There is no page at <code>{location.pathname}</code>. Go to the <Link to="/">Overview</Link>.
        </p>
      </div>
    </>
  );
}
