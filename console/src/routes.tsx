/**
 * The route table: one route per page, each page its own chunk (React.lazy), all cluster pages
 * under /c/:cluster so a second cluster is a second URL prefix, not a second app.
 */
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Spin } from 'antd';
import { RequireSession } from './layout/RequireSession.tsx';
import { AppLayout } from './layout/AppLayout.tsx';

const loaders = {
  login: () => import('./pages/LoginPage.tsx'),
  overview: () => import('./pages/OverviewPage.tsx'),
  namespaces: () => import('./pages/NamespacesPage.tsx'),
  deployments: () => import('./pages/DeploymentsPage.tsx'),
  pods: () => import('./pages/PodsPage.tsx'),
  yaml: () => import('./pages/ObjectYamlPage.tsx'),
};
const LoginPage = lazy(loaders.login);
const OverviewPage = lazy(loaders.overview);
const NamespacesPage = lazy(loaders.namespaces);
const DeploymentsPage = lazy(loaders.deployments);
const PodsPage = lazy(loaders.pods);
const ObjectYamlPage = lazy(loaders.yaml);
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));

// Start fetching the first page's chunk now, alongside the session check, instead of after it.
const firstPage = /^\/(?:c\/[^/]+\/)?([a-z]+)/.exec(window.location.pathname)?.[1] ?? 'overview';
if (Object.hasOwn(loaders, firstPage)) void loaders[firstPage as keyof typeof loaders]();

/** The cluster shown first. */
export const defaultCluster = 'local';

function page(Page: ComponentType) {
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
      <Page />
    </Suspense>
  );
}

export const router = createBrowserRouter([
  { path: '/login', element: page(LoginPage) },
  { path: '/', element: <Navigate to={`/c/${defaultCluster}/overview`} replace /> },
  {
    path: '/c/:cluster',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="overview" replace /> },
      { path: 'overview', element: page(OverviewPage) },
      { path: 'namespaces', element: page(NamespacesPage) },
      { path: 'deployments', element: page(DeploymentsPage) },
      { path: 'pods', element: page(PodsPage) },
      { path: 'yaml/:resource/:namespace/:name', element: page(ObjectYamlPage) },
      { path: '*', element: page(NotFoundPage) },
    ],
  },
  { path: '*', element: page(NotFoundPage) },
]);
