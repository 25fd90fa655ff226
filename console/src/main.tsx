/**
 * The console's entry: react-query around the router. No antd here: the frame and the overview are
 * plain, and the pages that use antd get it from layout/AntdScope.tsx, loaded on demand.
 */
// First: the boot script's requests must be under way before the session query asks (it usually
// ran already, from its own script tag; then this import is a no-op).
import './boot.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router/dom';
import './layout/shell.css';
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
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
