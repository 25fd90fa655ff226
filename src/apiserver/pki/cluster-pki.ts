/**
 * The cluster's certificates on disk. First start creates the CA, the API server's serving
 * certificate, the admin client certificate and the service-account signing key; later starts load
 * them and re-issue only what has gone stale: the serving certificate when it lacks a SAN this host
 * now needs or expires within 30 days, the admin certificate when it is near expiry. The CA is
 * never replaced silently — a half-present or mismatched CA is an error for a human to resolve,
 * because every node and kubeconfig trusts it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IssuedCert } from './issue.ts';
import { generateKeyPair, privateKeyToPem, publicKeyDerOfPrivate, publicKeyPemOfPrivate } from './keys.ts';
import { defaultServingNames, missingSubjectAltNames } from './sans.ts';
import { warmX509Process } from './x509-process.ts';

/** The cluster PKI as PEM strings, plus the directory it lives in. */
export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  /** ES256 key that signs service-account tokens (PKCS#8 PEM). */
  saPrivateKey: string;
  /** Its public half (SPKI PEM), for verifying tokens. */
  saPublicKey: string;
  dir: string;
}

export interface ClusterPkiOptions {
  /** Extra DNS names for the serving certificate (e.g. a load balancer name). */
  hostnames?: string[];
  /** Extra IP addresses for the serving certificate. */
  ips?: string[];
}

/** File names inside the PKI directory. */
export const pkiFiles = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  saPrivateKey: 'sa.key',
  saPublicKey: 'sa.pub',
} as const;

/**
 * On a first start in `dir` (a certificate missing), starts the certificate process now
 * (warmX509Process) so that it boots while the server loads its modules rather than after; a
 * restart with its certificates in place starts nothing.
 */
export function warmIssuingIfFirstStart(dir: string): void {
  const files = [pkiFiles.caCert, pkiFiles.serverCert, pkiFiles.adminCert];
  if (files.some((f) => !existsSync(join(dir, f)))) warmX509Process();
}

/** The admin identity: group system:masters is what RBAC's cluster-admin binding names. */
export const adminSubject = { commonName: 'admin', organizations: ['system:masters'] };

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write-then-rename, so a reader (or a crash) never sees half a file. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

async function savePair(dir: string, certFile: string, keyFile: string, pair: IssuedCert): Promise<void> {
  // Key first: a crash between the two leaves a mismatched pair, which the next start re-issues.
  await writeAtomic(join(dir, keyFile), pair.key, 0o600);
  await writeAtomic(join(dir, certFile), pair.cert, 0o644);
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  return cert.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKeyDerOfPrivate(keyPem));
}

/** True when the leaf pair is intact, signed by this CA, and good for at least the renewal window. */
function leafUsable(ca: X509Certificate, pair: IssuedCert): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    if (!keyMatches(cert, pair.key)) return false;
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    return new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false; // unreadable PEM: re-issue
  }
}

/** Both files of a pair, or undefined when either is missing. */
async function readPair(dir: string, certFile: string, keyFile: string): Promise<IssuedCert | undefined> {
  const cert = await readOptional(join(dir, certFile));
  const key = await readOptional(join(dir, keyFile));
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

/**
 * The certificate-issuing code, loaded only when something must be issued: a restart with valid
 * certificates never loads the X.509 toolkit, which keeps the server's memory down.
 */
function issuing(): Promise<typeof import('./issue.ts')> {
  return import('./issue.ts');
}

async function loadOrCreateCa(dir: string): Promise<IssuedCert> {
  const cert = await readOptional(join(dir, pkiFiles.caCert));
  const key = await readOptional(join(dir, pkiFiles.caKey));
  if (cert === undefined && key === undefined) {
    const { createCertificateAuthority } = await issuing();
    const ca = await createCertificateAuthority();
    await savePair(dir, pkiFiles.caCert, pkiFiles.caKey, ca);
    return ca;
  }
  if (cert === undefined || key === undefined) {
    throw new Error(`${dir}: ${pkiFiles.caCert} and ${pkiFiles.caKey} must both exist or both be absent`);
  }
  if (!keyMatches(new X509Certificate(cert), key)) {
    throw new Error(`${dir}: ${pkiFiles.caKey} does not belong to ${pkiFiles.caCert}`);
  }
  return { cert, key };
}

async function loadOrCreateSaKey(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  let privateKey = await readOptional(join(dir, pkiFiles.saPrivateKey));
  if (privateKey === undefined) {
    privateKey = await privateKeyToPem((await generateKeyPair()).privateKey);
    await writeAtomic(join(dir, pkiFiles.saPrivateKey), privateKey, 0o600);
  }
  const publicKey = publicKeyPemOfPrivate(privateKey);
  if ((await readOptional(join(dir, pkiFiles.saPublicKey))) !== publicKey) {
    await writeAtomic(join(dir, pkiFiles.saPublicKey), publicKey, 0o644);
  }
  return { privateKey, publicKey };
}

async function ensure(dir: string, opts: ClusterPkiOptions): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const ca = await loadOrCreateCa(dir);
  const authority = { caCert: ca.cert, caKey: ca.key };
  const caX509 = new X509Certificate(ca.cert);

  const names = defaultServingNames(opts);
  let server = await readPair(dir, pkiFiles.serverCert, pkiFiles.serverKey);
  if (!server || !leafUsable(caX509, server) || missingSubjectAltNames(server.cert, names).length > 0) {
    server = await (await issuing()).issueServingCert(authority, names);
    await savePair(dir, pkiFiles.serverCert, pkiFiles.serverKey, server);
  }

  let admin = await readPair(dir, pkiFiles.adminCert, pkiFiles.adminKey);
  if (!admin || !leafUsable(caX509, admin)) {
    admin = await (await issuing()).issueClientCert(authority, adminSubject);
    await savePair(dir, pkiFiles.adminCert, pkiFiles.adminKey, admin);
  }

  const sa = await loadOrCreateSaKey(dir);
  return {
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    saPrivateKey: sa.privateKey,
    saPublicKey: sa.publicKey,
    dir,
  };
}

const inFlight = new Map<string, Promise<ClusterPki>>();

/**
 * Loads the PKI under `dir`, creating or re-issuing what is missing or stale (see the file comment).
 * Concurrent calls for one directory within this process share one run (the first caller's options
 * win); separate processes must not run it at the same moment on first start.
 */
export function ensureClusterPki(dir: string, opts: ClusterPkiOptions = {}): Promise<ClusterPki> {
  const key = resolve(dir);
  const running = inFlight.get(key);
  if (running) return running;
  const run = ensure(key, opts).finally(() => inFlight.delete(key));
  inFlight.set(key, run);
  return run;
}
