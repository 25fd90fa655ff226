/** Shows its children only to a logged-in user; everyone else goes to /login (and back after). */
import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Alert, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { onUnauthorized } from '../api/client.ts';
import { useSession } from '../api/session.ts';
import { errorMessage } from '../api/status.ts';

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  // A 401 from any call (the session expired, the server restarted) re-checks the session.
  useEffect(
    () => onUnauthorized(() => void queryClient.invalidateQueries({ queryKey: ['session'] })),
    [queryClient],
  );
  if (session.isPending) return <Spin style={{ display: 'block', margin: 96 }} />;
  // An Alert, not a Result: Result's illustrations would weigh on every page's first load.
  if (session.isError)
    return <Alert type="error" showIcon style={{ margin: 48 }} message={errorMessage(session.error)} />;
  if (!session.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return children;
}
