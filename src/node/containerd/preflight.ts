/**
 * Checks, before anything is started, that this machine can run Berth's container runtime, and
 * says in one line what is missing and how to fix it — instead of a containerd log full of
 * plugin errors.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface PreflightOptions {
  /** Binaries looked up on PATH (or given as paths). */
  containerd?: string;
  runc?: string;
  nft?: string;
  /** Directory of the CNI plugins (Debian: /usr/lib/cni). */
  cniBinDir?: string;
  /** Whether root is required (true for a managed containerd; default true). */
  requireRoot?: boolean;
}

export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';
export const INSTALL_HINT = 'apt-get install containerd runc containernetworking-plugins nftables';
const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];

/** The reasons this machine cannot run the runtime, each a short phrase; empty when it can. */
export function runtimeProblems(o: PreflightOptions = {}): string[] {
  const missing: string[] = [];
  const containerd = o.containerd ?? 'containerd';
  if (!findExecutable(containerd)) missing.push(containerd);
  if (!findExecutable('containerd-shim-runc-v2')) missing.push('containerd-shim-runc-v2');
  if (!findExecutable(o.runc ?? 'runc')) missing.push(o.runc ?? 'runc');
  // The pod network's masquerade, the service proxy and NetworkPolicy are nftables tables.
  if (!findExecutable(o.nft ?? 'nft')) missing.push(o.nft ?? 'nft');
  const cniBin = o.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
  const plugins = CNI_PLUGINS.filter((p) => !isExecutable(join(cniBin, p)));
  if (plugins.length > 0) missing.push(`CNI plugins (${plugins.join(', ')} in ${cniBin})`);
  const problems = missing.length > 0 ? [`${missing.join(', ')} not found`] : [];
  if ((o.requireRoot ?? true) && process.getuid?.() !== 0) problems.push('not running as root');
  return problems;
}

/** One line saying what is wrong and how to fix it, or undefined when all is well. */
export function runtimePreflightMessage(o: PreflightOptions = {}): string | undefined {
  const problems = runtimeProblems(o);
  if (problems.length === 0) return undefined;
  const fixes: string[] = [];
  if (problems.some((p) => p.endsWith('not found'))) fixes.push(INSTALL_HINT);
  if (problems.includes('not running as root')) fixes.push('run the agent as root (containerd needs it)');
  return `${problems.join('; ')}: ${fixes.join(', and ')}`;
}

/** Throws an Error whose message is the one-line preflight message, when there is one. */
export function assertRuntimeUsable(o: PreflightOptions = {}): void {
  const msg = runtimePreflightMessage(o);
  if (msg) throw new Error(msg);
}

/** The full path of `name` (a path, or a command looked up on PATH), if executable. */
export function findExecutable(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (
    process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  ).split(delimiter)) {
    const path = join(dir, name);
    if (dir && isExecutable(path)) return path;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
