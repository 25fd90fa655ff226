/**
 * The service-account controllers the controller manager runs: the `default` ServiceAccount in
 * every namespace, the root CA ConfigMap (when the cluster CA is known) and the legacy token
 * Secrets (when, in addition, the service-account signing key is given — the controller manager
 * shares the API server's process and key).
 */
import type { Controller } from '../types.ts';
import { rootCaPublisher } from './root-ca.ts';
import { serviceAccountsController } from './serviceaccounts.ts';
import { tokensController } from './tokens.ts';

export interface ServiceAccountControllerOptions {
  /** The cluster CA certificate (PEM) published as kube-root-ca.crt and in token Secrets. */
  caCert?: string;
  /** The service-account private key (PEM) legacy tokens are signed with. */
  serviceAccountSigningKey?: string;
}

/** The service-account controllers that can run with what `o` provides. */
export function serviceAccountControllers(o: ServiceAccountControllerOptions = {}): Controller[] {
  const out: Controller[] = [serviceAccountsController()];
  if (o.caCert) out.push(rootCaPublisher(o.caCert));
  if (o.caCert && o.serviceAccountSigningKey)
    out.push(tokensController({ signingKey: o.serviceAccountSigningKey, caPem: o.caCert }));
  return out;
}
