/**
 * The console's serving certificate, issued by the Berth cluster CA (so a machine that trusts the
 * cluster's ca.crt trusts the console too) and kept in DIR/console.crt + DIR/console.key. It is
 * re-issued when a name the console is reached by is missing or it expires within 30 days.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { issueServingCert, type CertificateAuthority, type IssuedCert } from '../apiserver/pki/issue.ts';
import { canonicalIp, missingSubjectAltNames, type ServingNames } from '../apiserver/pki/sans.ts';

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** Loopback, this host's name and addresses, and the listen host when it is a specific one. */
export function consoleServingNames(listenHost: string): ServingNames {
  const ips = ['127.0.0.1', '::1'];
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) ips.push(a.address);
  const dnsNames = ['localhost', hostname().toLowerCase()];
  if (listenHost !== '' && listenHost !== '0.0.0.0' && listenHost !== '::') {
    if (isIP(listenHost)) ips.push(listenHost);
    else dnsNames.push(listenHost.toLowerCase());
  }
  return {
    dnsNames: [...new Set(dnsNames.filter((n) => n !== ''))],
    ips: [...new Set(ips.filter((ip) => isIP(ip.split('%')[0]) !== 0).map(canonicalIp))],
  };
}

async function readPair(dir: string, file: string): Promise<IssuedCert | undefined> {
  try {
    return {
      cert: await readFile(join(dir, `${file}.crt`), 'utf8'),
      key: await readFile(join(dir, `${file}.key`), 'utf8'),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function stale(pair: IssuedCert, names: ServingNames, now: number): boolean {
  const cert = new X509Certificate(pair.cert);
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return true;
  return missingSubjectAltNames(pair.cert, names).length > 0;
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/**
 * The console's certificate from `dir`, issued by `ca` when absent or stale. `as` names the files
 * and subject for another platform server (the image repository uses `registry`).
 */
export async function ensureConsoleCert(
  dir: string,
  ca: CertificateAuthority,
  names: ServingNames,
  as: { file: string; commonName: string } = { file: 'console', commonName: 'berth-console' },
): Promise<IssuedCert> {
  const existing = await readPair(dir, as.file);
  if (existing && !stale(existing, names, Date.now())) return existing;
  const issued = await issueServingCert(ca, { ...names, commonName: as.commonName });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(join(dir, `${as.file}.key`), issued.key, 0o600);
  await writeAtomic(join(dir, `${as.file}.crt`), issued.cert, 0o644);
  return issued;
}
