/**
 * `berth registry serve` and `berth registry gc`. Storage lives in DATA_DIR/registry/. `serve`
 * runs over TLS: with --cert/--key as given, else with a certificate it issues on first start from
 * a registry CA in DATA_DIR/registry/tls/ (ca.crt is what clients trust); --plain-http serves HTTP
 * (tests, or behind a TLS proxy). Access is controlled by namespaces, accounts and tokens; on first
 * start the admin password is printed once and written to DATA_DIR/registry/admin-password.
 * `gc` may run while `serve` does (see gc.ts). Namespace and robot commands are in cli-admin.ts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allowAll } from './auth.ts';
import type { RegistryLogger } from './context.ts';
import type { GcReport } from './gc.ts';
import { openRegistry, type Registry } from './server.ts';
import { parseSpaceReserve } from './storage/free-space.ts';

/** Flags of `berth registry serve`. */
export interface ServeFlags {
  dataDir: string;
  listen: string;
  cert?: string;
  key?: string;
  plainHttp?: boolean;
  /** No authentication at all: everyone may do everything (trusted networks, benchmarks). */
  insecureAllowAll?: boolean;
  /** Token endpoint URL to put in challenges (default: from each request's Host header). */
  tokenRealm?: string;
  /** Free space uploads must leave on the volume, e.g. `1Gi`, `5%`, `1Gi,5%` (storage/free-space.ts). */
  storageReserve?: string;
}

/** Flags of `berth registry gc`. */
export interface GcFlags {
  dataDir: string;
  dryRun?: boolean;
  /** Grace period, e.g. "1h", "10m", "0s". */
  grace?: string;
  deleteUntagged?: boolean;
}

/** The registry's storage directory inside a Berth data dir. */
export function registryRoot(dataDir: string): string {
  return join(dataDir, 'registry');
}

/** Parses durations like 90s, 10m, 1h, 0 into milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration ${JSON.stringify(s)} (use e.g. 30s, 10m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The serving pair from DIR/tls, issued from a CA there on first use. */
async function ensureServingCert(dir: string, host: string): Promise<{ cert: string; key: string }> {
  const cert = await readOptional(join(dir, 'server.crt'));
  const key = await readOptional(join(dir, 'server.key'));
  if (cert && key) return { cert, key };
  const { createCertificateAuthority, issueServingCert } = await import('../apiserver/pki/issue.ts');
  const { defaultServingNames, kubernetesServiceIp, kubernetesServiceNames } =
    await import('../apiserver/pki/sans.ts');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let caCert = await readOptional(join(dir, 'ca.crt'));
  let caKey = await readOptional(join(dir, 'ca.key'));
  if (!caCert || !caKey) {
    const ca = await createCertificateAuthority('berth-registry-ca');
    caCert = ca.cert;
    caKey = ca.key;
    await writeFile(join(dir, 'ca.key'), caKey, { mode: 0o600 });
    await writeFile(join(dir, 'ca.crt'), caCert, { mode: 0o644 });
  }
  // The host's names and addresses, without the in-cluster `kubernetes` service names.
  const names = defaultServingNames(
    /^[\d.:]+$/.test(host) && host !== '0.0.0.0' && host !== '::' ? { ips: [host] } : {},
  );
  const issued = await issueServingCert(
    { caCert, caKey },
    {
      dnsNames: names.dnsNames.filter((n) => !kubernetesServiceNames.includes(n)),
      ips: names.ips.filter((ip) => ip !== kubernetesServiceIp),
      commonName: 'berth-registry',
    },
  );
  await writeFile(join(dir, 'server.key'), issued.key, { mode: 0o600 });
  await writeFile(join(dir, 'server.crt'), issued.cert, { mode: 0o644 });
  return issued;
}

/** Starts the registry server; resolves once it listens (prints one line saying where). */
export async function runRegistryServe(flags: ServeFlags, log: RegistryLogger): Promise<Registry> {
  const { parseListen } = await import('../cli/listen.ts');
  const { host, port } = parseListen(flags.listen);
  const root = registryRoot(flags.dataDir);
  let tls: { cert: string; key: string } | undefined;
  if (flags.cert || flags.key) {
    if (!flags.cert || !flags.key) throw new Error('--cert and --key go together');
    tls = { cert: await readFile(flags.cert, 'utf8'), key: await readFile(flags.key, 'utf8') };
  } else if (!flags.plainHttp) {
    tls = await ensureServingCert(join(root, 'tls'), host);
  }
  const spaceReserve =
    flags.storageReserve === undefined ? undefined : parseSpaceReserve(flags.storageReserve);
  const registry = await openRegistry({
    root,
    log,
    ...(spaceReserve ? { spaceReserve } : {}),
    ...(flags.insecureAllowAll ? { authorize: allowAll } : {}),
    ...(flags.tokenRealm ? { auth: { realm: flags.tokenRealm } } : {}),
  });
  if (registry.initialAdminPassword !== undefined) {
    process.stdout.write(
      `created the admin account; its password (shown only now, also in ${join(root, 'admin-password')}):\n` +
        `  ${registry.initialAdminPassword}\n`,
    );
  }
  const url = await registry.listen({ host, port, tls });
  const ca = tls && !flags.cert ? ` (CA: ${join(root, 'tls', 'ca.crt')})` : '';
  process.stdout.write(`berth registry listening on ${url}, data in ${root}${ca}\n`);
  return registry;
}

/** Formats a gc report for people. */
export function formatGcReport(r: GcReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const lines = [
    ...r.manifestsDeleted.map((m) => `${verb} manifest ${m.repo}@${m.digest}`),
    ...r.blobLinksDeleted.map((l) => `${verb} link ${l.repo} -> ${l.digest}`),
    ...r.blobsDeleted.map((b) => `${verb} blob ${b.digest} (${b.size} bytes)`),
    ...r.uploadsDeleted.map((u) => `${verb} abandoned upload ${u}`),
    `${r.dryRun ? 'dry run: ' : ''}${r.blobsDeleted.length} blobs (${r.bytesFreed} bytes) ${verb}, ${r.blobsKept} kept`,
  ];
  return lines.join('\n') + '\n';
}

/** Runs one garbage collection on a data dir and prints what it did. */
export async function runRegistryGc(flags: GcFlags): Promise<GcReport> {
  const registry = await openRegistry({ root: registryRoot(flags.dataDir), authorize: allowAll });
  try {
    const report = await registry.gc({
      dryRun: flags.dryRun,
      deleteUntagged: flags.deleteUntagged,
      ...(flags.grace !== undefined ? { gracePeriodMs: parseDuration(flags.grace) } : {}),
    });
    process.stdout.write(formatGcReport(report));
    return report;
  } finally {
    await registry.close();
  }
}
