import { Suspense } from 'react';
import { NavLink, Outlet, useNavigation } from 'react-router';
import { useAuth } from './api.js';
import { LoginPage } from './LoginPage.js';

const nav = [
  { to: '/agents', label: 'Agents' },
  { to: '/editor', label: 'Editor' },
  { to: '/runs', label: 'Runs' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/usage', label: 'Usage' },
  { to: '/health', label: 'Health' },
];

/** The frame of every page: skip link, header with the navigation and who is signed in, the page. Without a credential: the login. */
export function Shell() {
  const { token, principal, signOut } = useAuth();
  const navigation = useNavigation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Agent Factory</span>
        {token ? (
          <>
            <nav aria-label="Main">
              <ul>
                {nav.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to}>{item.label}</NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="who">
              <span>
                {principal?.tenant ? (
                  <>
                    Tenant <strong>{principal.tenant}</strong> ·{' '}
                  </>
                ) : null}
                <span>{principal?.name}</span>
              </span>
              <button type="button" className="secondary" onClick={signOut}>
                Sign out
              </button>
            </div>
          </>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} aria-busy={navigation.state === 'loading'}>
        {token ? (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <Outlet />
          </Suspense>
        ) : (
          <LoginPage />
        )}
      </main>
    </>
  );
}
