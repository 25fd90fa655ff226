/** The console's entry: providers (antd theme, react-query) around the router. */
// First: the boot script's requests must be under way before the session query asks (it usually
// ran already, from its own script tag; then this import is a no-op).
import './boot.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { RouterProvider } from 'react-router/dom';
import 'antd/dist/antd.css';
import { router } from './routes.tsx';
import { ApiError } from './api/status.ts';
import { sessionQuery } from './api/session.ts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; network trouble might.
      retry: (count, err) => !(err instanceof ApiError && err.code >= 400 && err.code < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Ask who is logged in now rather than when the session guard first renders (boot.ts has usually
// sent the request already; the query takes its answer over).
void queryClient.prefetchQuery(sessionQuery);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
// The scripts loaded: public/boot-retry.js stops reloading on failed loads and forgets its count.
(window as { berthStarted?: boolean }).berthStarted = true;
sessionStorage.removeItem('berth-boot-reloads');
createRoot(root).render(
  <StrictMode>
    <ConfigProvider theme={{ zeroRuntime: true, token: { colorPrimary: '#1668dc', borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
