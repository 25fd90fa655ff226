/**
 * The route table: one route per page, each page its own chunk (React.lazy), all cluster pages
 * under /c/:cluster so a second cluster is a second URL prefix, not a second app.
 */
import { lazy, Suspense, type ComponentType } from 'react';
import { lazyRetry } from './lib/lazy-retry.ts';
import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession } from './layout/RequireSession.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { antdScope } from './layout/antd-scope.ts';
import { Spinner } from './components/Spinner.tsx';
import { workloadResources, type WorkloadResource } from './lib/workloads.ts';
import { defaultCluster } from './lib/first-page.ts';
import { pageLoaders as loaders } from './page-loaders.ts';

const LoginPage = lazyRetry(loaders.login);
const OverviewPage = lazyRetry(loaders.overview);
const NamespacesPage = lazyRetry(loaders.namespaces);
const DeploymentsPage = lazyRetry(loaders.deployments);
const StatefulSetsPage = lazyRetry(loaders.statefulsets);
const DaemonSetsPage = lazyRetry(loaders.daemonsets);
const JobsPage = lazyRetry(loaders.jobs);
const CronJobsPage = lazyRetry(loaders.cronjobs);
const PodsPage = lazyRetry(loaders.pods);
const ServicesPage = lazyRetry(loaders.services);
const ConfigMapsPage = lazyRetry(loaders.configmaps);
const SecretsPage = lazyRetry(loaders.secrets);
const WorkloadDetailPage = lazyRetry(loaders.detail);
const ObjectYamlPage = lazyRetry(loaders.yaml);
const PodDetailPage = lazyRetry(loaders.pod);
const NodesPage = lazyRetry(loaders.nodes);
const NodeDetailPage = lazyRetry(loaders.node);
const EventsPage = lazyRetry(loaders.events);
const CreateWorkloadPage = lazyRetry(loaders.new);
const PersistentVolumeClaimsPage = lazyRetry(loaders.persistentvolumeclaims);
const PersistentVolumesPage = lazyRetry(loaders.persistentvolumes);
const StorageClassesPage = lazyRetry(loaders.storageclasses);
const IngressesPage = lazyRetry(loaders.ingresses);
const ServiceDetailPage = lazyRetry(loaders.service);
const IngressDetailPage = lazyRetry(loaders.ingress);
const RegistryPage = lazyRetry(loaders.registry);
const NotFoundPage = lazyRetry(() => import('./pages/NotFoundPage.tsx'));
const AntdScope = lazy(antdScope);

/** A page inside the frame (AppLayout gives it antd's providers when it needs them). */
function page(Page: ComponentType) {
  return (
    <Suspense fallback={<Spinner />}>
      <Page />
    </Suspense>
  );
}

/** A page outside the frame, with antd's providers of its own. */
function outside(Page: ComponentType) {
  return (
    <Suspense fallback={<Spinner />}>
      <AntdScope>
        <Page />
      </AntdScope>
    </Suspense>
  );
}

/** The detail page of one workload kind; `key` makes a new kind a fresh page. */
function detail(resource: WorkloadResource) {
  return {
    path: `${resource}/:namespace/:name`,
    element: (
      <Suspense fallback={<Spinner />}>
        <WorkloadDetailPage key={resource} resource={resource} />
      </Suspense>
    ),
  };
}

export const router = createBrowserRouter([
  { path: '/login', element: outside(LoginPage) },
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
      { path: 'statefulsets', element: page(StatefulSetsPage) },
      { path: 'daemonsets', element: page(DaemonSetsPage) },
      { path: 'jobs', element: page(JobsPage) },
      { path: 'cronjobs', element: page(CronJobsPage) },
      ...workloadResources.map(detail),
      { path: 'pods', element: page(PodsPage) },
      { path: 'pods/:namespace/:name', element: page(PodDetailPage) },
      { path: 'nodes', element: page(NodesPage) },
      { path: 'nodes/:name', element: page(NodeDetailPage) },
      { path: 'events', element: page(EventsPage) },
      { path: 'services', element: page(ServicesPage) },
      { path: 'services/:namespace/:name', element: page(ServiceDetailPage) },
      { path: 'configmaps', element: page(ConfigMapsPage) },
      { path: 'secrets', element: page(SecretsPage) },
      { path: 'yaml/:resource/:namespace/:name', element: page(ObjectYamlPage) },
      { path: 'new/:resource', element: page(CreateWorkloadPage) },
      { path: 'edit/:resource/:namespace/:name', element: page(CreateWorkloadPage) },
      { path: 'persistentvolumeclaims', element: page(PersistentVolumeClaimsPage) },
      { path: 'persistentvolumes', element: page(PersistentVolumesPage) },
      { path: 'storageclasses', element: page(StorageClassesPage) },
      { path: 'ingresses', element: page(IngressesPage) },
      { path: 'ingresses/:namespace/:name', element: page(IngressDetailPage) },
      { path: 'registry', element: page(RegistryPage) },
      { path: '*', element: page(NotFoundPage) },
    ],
  },
  { path: '*', element: outside(NotFoundPage) },
]);
