/**
 * Trust on first use, pinned: a joining agent knows only the API server's address and the
 * `sha256:<hex>` of the cluster CA's public key (SubjectPublicKeyInfo), as kubeadm prints it. It opens
 * a TLS connection without verifying, takes the certificate chain the server presents (Berth's API
 * server sends its CA along with its serving certificate), finds the certificate whose key matches
 * the pin, and checks that it really issued the serving certificate. Only then does the agent trust
 * that CA — and only then does it send its bootstrap token, over a verified connection.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';

/** `sha256:<hex>` of a certificate's SubjectPublicKeyInfo. */
export function spkiPin(cert: X509Certificate): string {
  return `sha256:${createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** Normalizes a --ca-cert-hash value; throws with the expected form when it is not one. */
export function parsePin(pin: string): string {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(pin.trim());
  if (!m) throw new Error(`--ca-cert-hash must be sha256:<64 hex digits>, got ${JSON.stringify(pin)}`);
  return `sha256:${m[1]!.toLowerCase()}`;
}

/** The PEM of a DER certificate. */
function pemOf(der: Buffer): string {
  const b64 =
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** A failure to establish trust; its message is meant for the user as it is. */
export class PinError extends Error {}

/**
 * Picks the CA matching `pin` out of a presented chain (leaf first) and checks it issued the leaf.
 * Pure: tests feed chains directly.
 */
export function caFromChain(chain: X509Certificate[], pin: string): X509Certificate {
  const leaf = chain[0];
  if (!leaf) throw new PinError('the server presented no certificate');
  const ca = chain.find((c) => spkiPin(c) === pin);
  if (!ca) {
    const seen = chain.filter((c) => c.ca).map(spkiPin);
    throw new PinError(
      `the server's CA does not match --ca-cert-hash ${pin}` +
        (seen.length
          ? ` (the server presented ${seen.join(', ')})`
          : ' (the server presented no CA certificate)'),
    );
  }
  if (!ca.ca) throw new PinError(`the certificate matching --ca-cert-hash ${pin} is not a CA certificate`);
  if (ca !== leaf && !(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)))
    throw new PinError(`the server's certificate was not issued by the CA matching --ca-cert-hash ${pin}`);
  return ca;
}

/** The certificate chain `host:port` presents over TLS, leaf first (no verification). */
export function presentedChain(url: string, timeoutMs = 10_000): Promise<X509Certificate[]> {
  const u = new URL(url);
  if (u.protocol !== 'https:')
    return Promise.reject(new PinError(`--server must be an https:// URL, got ${url}`));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      servername: isIP(host) ? undefined : host,
    });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no TLS answer from ${u.host} within ${timeoutMs} ms`)),
    );
    socket.once('error', (err) => reject(new PinError(`cannot reach ${u.host}: ${err.message}`)));
    socket.once('secureConnect', () => {
      const chain: X509Certificate[] = [];
      let cur: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (cur && cur.raw && !seen.has(cur.fingerprint256)) {
        seen.add(cur.fingerprint256);
        chain.push(new X509Certificate(cur.raw));
        cur = cur.issuerCertificate;
      }
      socket.end();
      resolve(chain);
    });
  });
}

/** Connects to `url`, and returns the pinned CA's PEM once the chain checks out; PinError otherwise. */
export async function pinnedCa(url: string, pin: string): Promise<string> {
  const ca = caFromChain(await presentedChain(url), parsePin(pin));
  return pemOf(ca.raw);
}
