/**
 * `berth user create NAME [--group G ...] --data-dir DIR [--out FILE]`: issues a client certificate
 * for NAME (CN = NAME, O = each group, as the x509 authenticator reads them) signed by the cluster CA
 * in DIR/tls, and writes a kubeconfig for it — server and CA taken from the admin kubeconfig DIR/kubeconfig.
 * The user can authenticate at once; what they may do is up to RBAC bindings.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pkiFiles } from '../apiserver/pki/cluster-pki.ts';
import { issueClientCert } from '../apiserver/pki/issue.ts';
import { loadKubeconfig, writeKubeconfig } from '../client/kubeconfig.ts';
import { CliError } from './server.ts';

export interface UserCreateFlags {
  dataDir: string;
  group?: string[];
  out?: string;
  /** Certificate validity in days (365 unless told). */
  days?: number;
}

async function readOrExplain(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(
        `no ${what} at ${path}: is this a berth data directory (run berth server --data-dir first)?`,
      );
    }
    throw err;
  }
}

/** Issues the certificate and writes the kubeconfig; returns the kubeconfig's path. */
export async function createUser(name: string, flags: UserCreateFlags): Promise<string> {
  if (!name || name.includes('/') || name === '.' || name === '..')
    throw new CliError(`invalid user name ${JSON.stringify(name)}`);
  const dataDir = resolve(flags.dataDir);
  const tls = join(dataDir, 'tls');
  const caCert = await readOrExplain(join(tls, pkiFiles.caCert), 'cluster CA certificate');
  const caKey = await readOrExplain(join(tls, pkiFiles.caKey), 'cluster CA key');
  const adminKubeconfig = join(dataDir, 'kubeconfig');
  await readOrExplain(adminKubeconfig, 'admin kubeconfig');
  const { server } = await loadKubeconfig(adminKubeconfig);
  const issued = await issueClientCert(
    { caCert, caKey },
    { commonName: name, organizations: flags.group ?? [], days: flags.days },
  );
  const out = resolve(flags.out ?? join(dataDir, 'users', `${name}.kubeconfig`));
  await writeKubeconfig(out, {
    server,
    caCertPem: caCert,
    user: { name, clientCert: issued.cert, clientKey: issued.key },
    cluster: 'berth',
    context: `${name}@berth`,
  });
  return out;
}
