/**
 * Public-key pinning for joining nodes: the hash kubeadm prints as `--discovery-token-ca-cert-hash`.
 * It covers the CA's SubjectPublicKeyInfo (not the whole certificate), so re-issuing the CA with the
 * same key keeps joins working.
 */
import { createHash, X509Certificate } from 'node:crypto';

/** `sha256:<hex>` of the DER SubjectPublicKeyInfo of the (first) certificate in `pem`. */
export function certFingerprintSha256(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
