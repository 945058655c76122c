import { Fragment, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { areas } from '../areas.js';
import { useSignedIn, useSession } from '../session.js';
import { Icon, type IconName, Logo } from './icons.js';

function NavItem({
  to,
  label,
  icon,
  soon = false,
}: {
  to: string;
  label: string;
  icon: IconName;
  soon?: boolean;
}) {
  return (
    <li>
      <NavLink
        to={to}
        end={to === '/'}
        className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}
      >
        <Icon name={icon} />
        <span className="nav-label">{label}</span>
        {soon && (
          <span className="nav-soon" title="Not built yet">
            soon
          </span>
        )}
      </NavLink>
    </li>
  );
}

/** The frame of every signed-in page: header, left navigation, and the page itself. */
export function Layout() {
  const { me } = useSignedIn();
  const { signOut } = useSession();
  const navigate = useNavigate();

  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Lathe home">
          <Logo />
          <span className="brand-name">Lathe</span>
        </NavLink>
        <div className="topbar-right">
          {!me.authEnabled && (
            <span className="badge badge-warn" title="The server runs with auth turned off (loopback only)">
              auth off
            </span>
          )}
          <section className="whoami" aria-label="Signed-in user">
            <span className="avatar" aria-hidden="true">
              {me.user.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="whoami-name">{me.user.name}</span>
            <span className={`badge role-${me.user.role}`}>{me.user.role}</span>
          </section>
          {me.authEnabled && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={() => {
                signOut();
                navigate('/login', { replace: true });
              }}
            >
              <Icon name="logout" size={14} />
              Sign out
            </button>
          )}
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          <NavItem to="/" label="Overview" icon="overview" />
        </ul>
        <div className="nav-group">Lifecycle</div>
        <ul>
          {areas.map((area) => (
            <NavItem key={area.path} to={area.path} label={area.label} icon={area.icon} soon={!area.built} />
          ))}
        </ul>
        <div className="nav-spacer" />
        <ul>
          <NavItem to="/settings" label="Settings" icon="settings" />
        </ul>
      </nav>
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}

/**
 * The trail above a page's header: `links` (label and address) separated by `/`, then the current
 * page's name (`aria-current`) when given.
 */
export function Breadcrumbs({
  links,
  current,
}: {
  links: [label: string, to: string][];
  current?: ReactNode;
}) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      {links.map(([label, to], i) => (
        <Fragment key={to}>
          {i > 0 && <span aria-hidden="true">/</span>}
          <Link to={to}>{label}</Link>
        </Fragment>
      ))}
      {current !== undefined && (
        <>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{current}</span>
        </>
      )}
    </nav>
  );
}
/** A page's title row: heading, optional description and actions on the right. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
