/**
 * Session and cluster queries (react-query): who is logged in, which clusters exist, and the
 * login/logout calls. /api/session answers `{user: null}` for nobody.
 */
import { useQuery } from '@tanstack/react-query';
import { apiFetch, requestJson } from './client.ts';
import { sessionUrl, takePrefetched } from './prefetch.ts';
import { errorFromBody } from './status.ts';

export interface SessionInfo {
  user: string;
}

export interface ClusterInfo {
  name: string;
  displayName: string;
  server: string;
}

/** The logged-in user, or null. */
export function useSession() {
  return useQuery(sessionQuery);
}

/** The session query, also started by main.tsx before the first render. */
export const sessionQuery = {
  queryKey: ['session'],
  queryFn: async (): Promise<SessionInfo | null> => {
    const res = await (takePrefetched(sessionUrl) ?? apiFetch(sessionUrl));
    const text = await res.text();
    if (!res.ok) throw errorFromBody(res.status, res.statusText, text);
    const body = JSON.parse(text) as { user: string | null };
    return body.user ? { user: body.user } : null;
  },
  staleTime: 60_000,
};

/** The clusters this console can reach. */
export function useClusters() {
  return useQuery({
    queryKey: ['clusters'],
    queryFn: async () => (await requestJson<{ items: ClusterInfo[] }>('/api/clusters')).items,
    staleTime: 60_000,
  });
}

/**
 * Logs in; throws ApiError (401 wrong credentials, 429 too many tries). A login the network
 * dropped is sent again: at worst the first one left a session whose cookie never arrived, and it
 * expires unused.
 */
export function login(username: string, password: string): Promise<SessionInfo> {
  return requestJson<SessionInfo>('/api/login', {
    method: 'POST',
    body: { username, password },
    resend: true,
  });
}

/** Ends the session. */
export async function logout(): Promise<void> {
  await requestJson('/api/logout', { method: 'POST' });
}
