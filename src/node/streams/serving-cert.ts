/**
 * The agent's serving certificate, as the kubelet gets its own with server TLS bootstrap: a
 * CertificateSigningRequest for signer `kubernetes.io/kubelet-serving` with subject
 * CN=system:node:NAME, O=system:nodes and the Node's addresses as subjectAltNames, made with the
 * node's own credentials. The approver accepts it when every name is one of the Node's addresses;
 * the signer issues it from the cluster CA. Kept in DATA_DIR/pki/kubelet-server.{crt,key} and
 * reused while it names the same addresses, chains to the cluster CA, and has more than a fifth of
 * its lifetime left.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { realClock, sleep, type Clock } from '../../client/clock.ts';

export const kubeletServingSigner = 'kubernetes.io/kubelet-serving';

export interface ServingCert {
  cert: string;
  key: string;
}

export interface ServingCertOptions {
  /** A client authenticated as the node itself (system:node:NAME). */
  client: Client;
  nodeName: string;
  dataDir: string;
  /** The Node's addresses (status.addresses[].address): IPs become IP SANs, the rest DNS SANs. */
  addresses: string[];
  /** The cluster CA (PEM): a stored certificate must chain to it. */
  caCert: string;
  clock?: Clock;
  /** How long to wait for approval and signing (2 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The files the certificate lives in. */
export function servingCertPaths(dataDir: string): { cert: string; key: string } {
  return {
    cert: join(dataDir, 'pki', 'kubelet-server.crt'),
    key: join(dataDir, 'pki', 'kubelet-server.key'),
  };
}

/** The SANs a certificate names, as plain values (IP and DNS). */
export function certNames(pem: string): string[] {
  const san = new X509Certificate(pem).subjectAltName ?? '';
  return san
    .split(', ')
    .filter(Boolean)
    .map((s) => s.replace(/^(DNS|IP Address):/, ''));
}

/** True when the stored pair can be used for `addresses`. */
export function servingCertUsable(
  pair: ServingCert,
  addresses: string[],
  caCert: string,
  now: number,
): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    if (!cert.checkIssued(new X509Certificate(caCert))) return false;
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return false;
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if ((to - now) / Math.max(1, to - from) < 0.2) return false;
    const names = new Set(certNames(pair.cert));
    return addresses.length === names.size && addresses.every((a) => names.has(a));
  } catch {
    return false;
  }
}

/** The serving certificate: the stored one when usable, else a new one through a CSR. */
export async function ensureServingCert(o: ServingCertOptions): Promise<ServingCert> {
  const clock = o.clock ?? realClock;
  const paths = servingCertPaths(o.dataDir);
  const addresses = [...new Set(o.addresses)].sort();
  if (!addresses.length)
    throw new Error(`node ${o.nodeName} reports no addresses to put in a serving certificate`);
  try {
    const pair = { cert: await readFile(paths.cert, 'utf8'), key: await readFile(paths.key, 'utf8') };
    if (servingCertUsable(pair, addresses, o.caCert, clock.now())) return pair;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Loaded only when a certificate is needed (@peculiar/x509 costs the agent several MB).
  const { createCertificateRequest } = await import('../../apiserver/pki/csr.ts');
  const { csr, key } = await createCertificateRequest({
    commonName: `system:node:${o.nodeName}`,
    organizations: ['system:nodes'],
    dnsNames: addresses.filter((a) => !isIP(a)),
    ips: addresses.filter((a) => isIP(a)),
  });
  const csrs = o.client.resource<KubeObject>('certificates.k8s.io', 'v1', 'certificatesigningrequests');
  const created = await csrs.create(undefined, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: {
      request: Buffer.from(csr).toString('base64'),
      signerName: kubeletServingSigner,
      usages: ['digital signature', 'server auth'],
    },
  });
  const name = created.metadata.name!;
  const deadline = clock.now() + (o.timeoutMs ?? 120_000);
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    const cur = await csrs.get(undefined, name);
    const status = (cur.status ?? {}) as {
      certificate?: string;
      conditions?: { type: string; status: string; message?: string }[];
    };
    const bad = status.conditions?.find(
      (c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True',
    );
    if (bad)
      throw new Error(
        `serving certificate request ${name} was ${bad.type.toLowerCase()}: ${bad.message ?? ''}`,
      );
    if (status.certificate) {
      const cert = Buffer.from(status.certificate, 'base64').toString('utf8');
      await mkdir(join(o.dataDir, 'pki'), { recursive: true, mode: 0o700 });
      await writeFile(`${paths.key}.tmp`, key, { mode: 0o600 });
      await rename(`${paths.key}.tmp`, paths.key);
      await writeFile(`${paths.cert}.tmp`, cert, { mode: 0o644 });
      await rename(`${paths.cert}.tmp`, paths.cert);
      return { cert, key };
    }
    if (clock.now() >= deadline)
      throw new Error(
        `serving certificate request ${name} was not signed in time: approve it with \`kubectl certificate approve ${name}\``,
      );
    await sleep(clock, wait, o.signal);
    if (o.signal?.aborted) throw new Error('stopped');
  }
}
