import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ErrorNotice } from '../api.js';

/** A page that failed to load or render: what went wrong and a way back. */
export function RouteError() {
  const error = useRouteError();
  return (
    <main id="main" className="page">
      <h1>Something went wrong</h1>
      {isRouteErrorResponse(error) ? <p>{`${error.status} ${error.statusText}`}</p> : <ErrorNotice error={error} />}
      <p>
        <Link to="/agents">Back to the agents</Link>
      </p>
    </main>
  );
}
