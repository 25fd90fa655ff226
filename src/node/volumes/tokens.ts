/**
 * Service-account tokens for projected volumes, from the TokenRequest API
 * (POST serviceaccounts/NAME/token, bound to the pod). A token is reused until 80 % of its
 * lifetime has passed (or 24 h), then a fresh one is requested: the volume refresh writes it, so
 * long-running pods always hold a valid token (rotation).
 */
import type { Client } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { RPod } from '../pods/types.ts';

export interface TokenSource {
  /** A token for the pod's service account with this audience and lifetime. */
  token(pod: RPod, audience: string | undefined, expirationSeconds: number): Promise<string>;
  /** Forgets the tokens of a pod that is gone. */
  forget(podUid: string): void;
}

interface TokenRequestAnswer {
  status?: { token?: string; expirationTimestamp?: string };
}

/** TokenRequest through the API, cached per pod, audience and lifetime. */
export function apiTokenSource(client: Client, clock: Clock): TokenSource {
  const cache = new Map<string, { token: string; refreshAt: number }>();
  return {
    async token(pod, audience, expirationSeconds) {
      const uid = pod.metadata.uid ?? '';
      const key = JSON.stringify([uid, audience ?? '', expirationSeconds]);
      const hit = cache.get(key);
      const now = clock.now();
      if (hit && now < hit.refreshAt) return hit.token;
      const ns = pod.metadata.namespace ?? '';
      const sa = pod.spec?.serviceAccountName || 'default';
      const answer = await client.call<TokenRequestAnswer>({
        method: 'POST',
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            ...(audience ? { audiences: [audience] } : {}),
            expirationSeconds,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid },
          },
        },
      });
      const token = answer?.status?.token;
      if (!token) throw new Error(`TokenRequest for ${ns}/${sa} answered without a token`);
      const exp = Date.parse(answer.status?.expirationTimestamp ?? '') || now + expirationSeconds * 1000;
      const life = Math.max(0, exp - now);
      cache.set(key, { token, refreshAt: now + Math.min(life * 0.8, 24 * 3600_000) });
      return token;
    },
    forget(podUid) {
      for (const k of cache.keys()) if ((JSON.parse(k) as string[])[0] === podUid) cache.delete(k);
    },
  };
}
