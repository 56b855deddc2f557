import { useEffect, useState, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '@af/api-client';
import { AuthProvider, useAuth } from './api.js';
import { Shell } from './Shell.js';
import { RouteError } from './components/RouteError.js';

/** Each page is its own chunk: the login and the shell load first, a page when it is visited. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <Shell />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to="/agents" replace /> },
        { path: 'agents', lazy: page(() => import('./pages/agents/AgentsPage.js')) },
        { path: 'agents/:name', lazy: page(() => import('./pages/agents/AgentPage.js')) },
        { path: 'editor', lazy: page(() => import('./pages/editor/EditorPage.js')) },
        { path: 'editor/:name', lazy: page(() => import('./pages/editor/EditorPage.js')) },
        { path: 'runs', lazy: page(() => import('./pages/runs/RunsPage.js')) },
        { path: 'runs/:runId', lazy: page(() => import('./pages/runs/RunPage.js')) },
        { path: 'approvals', lazy: page(() => import('./pages/approvals/ApprovalsPage.js')) },
        { path: 'usage', lazy: page(() => import('./pages/usage/UsagePage.js')) },
        { path: 'health', lazy: page(() => import('./pages/health/HealthPage.js')) },
        { path: '*', lazy: page(() => import('./pages/NotFoundPage.js')) },
      ],
    },
  ],
  { basename: '/console' },
);

/** Queries and mutations share one cache; a 401 anywhere (an expired token) signs out; signing out forgets the tenant's data. */
function Queries({ children }: { children: ReactNode }) {
  const { token, signOut } = useAuth();
  const [client] = useState(() => {
    const onError = (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) signOut();
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: { staleTime: 5_000, retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2 },
      },
    });
  });
  useEffect(() => {
    if (!token) client.clear();
  }, [token, client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

export function App() {
  return (
    <AuthProvider>
      <Queries>
        <RouterProvider router={router} />
      </Queries>
    </AuthProvider>
  );
}
