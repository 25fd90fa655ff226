/**
 * Shows its children only to a logged-in user; everyone else goes to /login (and back after).
 * When the page came with a session cookie (api/prefetch.ts) the children render while the first
 * session check is still under way: the frame and the first page get built while the request
 * travels, and the boot script's LISTs are taken over as they answer. Should the check say nobody
 * is logged in after all, the login page follows as usual.
 */
import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { onUnauthorized } from '../api/client.ts';
import { sessionCookieHinted } from '../api/prefetch.ts';
import { useSession } from '../api/session.ts';
import { PlainAlert } from '../components/PlainAlert.tsx';
import { Spinner } from '../components/Spinner.tsx';

/** True until the first session check answered, when the page came with a session cookie. */
let optimistic = sessionCookieHinted();

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  // A 401 from any call (the session expired, the server restarted) re-checks the session.
  useEffect(
    () => onUnauthorized(() => void queryClient.invalidateQueries({ queryKey: ['session'] })),
    [queryClient],
  );
  // Plain markup: antd would weigh on every page's first load (see AppLayout).
  if (session.isPending) return optimistic ? children : <Spinner />;
  optimistic = false;
  if (session.isError)
    return (
      <div style={{ margin: 48 }}>
        <PlainAlert error={session.error} />
      </div>
    );
  if (!session.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return children;
}
