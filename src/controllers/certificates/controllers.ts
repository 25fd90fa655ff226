/**
 * The certificate controllers `berth server` runs: the approver always, the signer when the cluster
 * CA is handed in (`clusterSigning`), as kube-controller-manager's --cluster-signing-cert-file does.
 */
import type { Controller } from '../types.ts';
import { csrApprovingController } from './approver.ts';
import { csrSigningController } from './signer.ts';

export interface CertificateControllerOptions {
  /** The cluster CA (PEM) that signs approved client certificate requests; no signer without it. */
  clusterSigning?: { caCert: string; caKey: string; durationSeconds?: number };
}

export function certificateControllers(o: CertificateControllerOptions = {}): Controller[] {
  const out: Controller[] = [csrApprovingController()];
  if (o.clusterSigning) {
    const { caCert, caKey, durationSeconds } = o.clusterSigning;
    out.push(csrSigningController({ ca: { caCert, caKey }, signingDurationSeconds: durationSeconds }));
  }
  return out;
}
