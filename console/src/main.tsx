/** The console's entry: providers (antd theme, react-query) around the router. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { RouterProvider } from 'react-router/dom';
import { defaultCluster, firstPage, router } from './routes.tsx';
import { ApiError } from './api/status.ts';
import { sessionQuery } from './api/session.ts';
import { kinds } from './api/kinds.ts';
import { prefetchList } from './api/use-watch-list.ts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; network trouble might.
      retry: (count, err) => !(err instanceof ApiError && err.code >= 400 && err.code < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Ask who is logged in now rather than when the session guard first renders; once that answers,
// start the overview's LISTs too, so they travel while React renders the frame and the page.
void queryClient.prefetchQuery(sessionQuery).then(() => {
  const overview = /^\/(c\/([^/]+)\/overview\/?)?$/.exec(window.location.pathname);
  if (!queryClient.getQueryData(sessionQuery.queryKey) || firstPage !== 'overview' || !overview) return;
  const cluster = overview[2] ?? defaultCluster;
  for (const kind of [
    'nodes',
    'pods',
    'events',
    'deployments',
    'statefulsets',
    'daemonsets',
    'jobs',
    'cronjobs',
  ] as const)
    prefetchList(cluster, kinds[kind]);
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
// The scripts loaded: public/boot-retry.js stops reloading on failed loads and forgets its count.
(window as { berthStarted?: boolean }).berthStarted = true;
sessionStorage.removeItem('berth-boot-reloads');
createRoot(root).render(
  <StrictMode>
    <ConfigProvider theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
