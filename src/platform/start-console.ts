/**
 * Starting the console for a cluster, as `berth up` and `berth console` do: the admin password
 * (created on first start), a serving certificate from the cluster CA, the cluster registry with
 * the one cluster `local`, and the built pages from console/dist.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../apiserver/server.ts';
import type { CertificateAuthority } from '../apiserver/pki/issue.ts';
import { ensureAdminPassword, type AdminPassword } from './admin-password.ts';
import { ClusterRegistry, connectionFromKubeconfig } from './cluster-registry.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { consoleServingNames, ensureConsoleCert } from './console-tls.ts';
import { LoginLimiter } from './login-limiter.ts';
import { RegistryLink } from './registry-link.ts';
import { SessionStore } from './sessions.ts';
import { StaticFiles } from './static-files.ts';

/** Where `npm run build:console` writes the pages. */
export const defaultStaticDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

export interface StartConsoleOptions {
  /** Holds admin-password and console/ (the serving certificate). */
  dataDir: string;
  host: string;
  port: number;
  /** Signs the console's serving certificate. */
  ca: CertificateAuthority;
  /** The admin kubeconfig of the cluster registered as `local`. */
  kubeconfig: string;
  staticDir?: string;
  log: Logger;
}

/** A running console and the password to log in with. */
export interface RunningConsole extends ConsoleServer {
  admin: AdminPassword;
  /** False when console/dist is missing (the server then shows how to build it). */
  built: boolean;
  /** The image registry the console shows: `attach` it once it runs, or say why it does not. */
  registry: RegistryLink;
}

/** Starts the console server; see the module comment. */
export async function startConsole(o: StartConsoleOptions): Promise<RunningConsole> {
  const admin = await ensureAdminPassword(o.dataDir);
  const tls = await ensureConsoleCert(join(o.dataDir, 'console'), o.ca, consoleServingNames(o.host));
  const clusters = new ClusterRegistry();
  clusters.add(await connectionFromKubeconfig('local', o.kubeconfig, 'local'));
  const files = new StaticFiles(o.staticDir ?? defaultStaticDir);
  if (!files.built) {
    o.log.warn({ dir: o.staticDir ?? defaultStaticDir }, 'console not built: run `npm run build:console`');
  }
  const registry = new RegistryLink();
  const server = await startConsoleServer({
    host: o.host,
    port: o.port,
    tls,
    adminPassword: admin.password,
    clusters,
    sessions: new SessionStore(),
    limiter: new LoginLimiter(),
    files,
    registry,
    log: o.log,
  });
  return { ...server, admin, built: files.built, registry };
}

/** The cluster CA of a `berth server` data directory (DIR/tls/ca.crt and ca.key). */
export async function readClusterCa(serverDataDir: string): Promise<CertificateAuthority> {
  return {
    caCert: await readFile(join(serverDataDir, 'tls', 'ca.crt'), 'utf8'),
    caKey: await readFile(join(serverDataDir, 'tls', 'ca.key'), 'utf8'),
  };
}

/** Lines `berth up` / `berth console` print: the URL, and the password on first start only. */
export function consoleBanner(c: RunningConsole): string[] {
  const lines = [`Console: ${c.url}  (user admin)`];
  if (c.admin.created) lines.push(`  admin password: ${c.admin.password}  (kept in ${c.admin.path})`);
  else lines.push(`  admin password: in ${c.admin.path}`);
  if (!c.built) lines.push('  the console is not built yet: run `npm run build:console`');
  return lines;
}
