/**
 * Client certificates for the cluster's own components (the controller manager, and later the
 * scheduler): issued once by the cluster CA into the PKI directory (key mode 0600) and reused after.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueClientCert, type CertificateAuthority, type IssuedCert } from './issue.ts';

export interface ComponentCertSpec {
  /** File name stem under the PKI directory: `NAME.crt` and `NAME.key`. */
  file: string;
  commonName: string;
  organizations: string[];
}

/** The component's certificate from `tlsDir`, issued by `ca` when absent; a present pair is reused. */
export async function ensureComponentCert(
  tlsDir: string,
  ca: CertificateAuthority,
  spec: ComponentCertSpec,
): Promise<IssuedCert> {
  const certPath = join(tlsDir, `${spec.file}.crt`);
  const keyPath = join(tlsDir, `${spec.file}.key`);
  try {
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const issued = await issueClientCert(ca, {
    commonName: spec.commonName,
    organizations: spec.organizations,
  });
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, issued.key, { mode: 0o600 });
  await writeFile(certPath, issued.cert, { mode: 0o644 });
  return issued;
}
