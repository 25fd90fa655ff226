/**
 * The node's pod network as a CNI config list: a Linux bridge that is the pods' gateway (with
 * masquerading for traffic leaving the pod CIDR and hairpin so a pod reaches itself through a
 * Service), host-local IPAM over the node's podCIDR, and portmap for hostPort. containerd's CRI
 * plugin watches the directory, so writing the file after containerd started takes effect.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CniConfigOptions {
  /** The node's pod CIDR (spec.podCIDR), e.g. 10.244.1.0/24. */
  podCidr: string;
  /** Bridge device name, at most 15 characters (default berth0). */
  bridge?: string;
  /** CNI network name (default berth). */
  networkName?: string;
  /** Where host-local records its allocations (kept under the agent's data dir). */
  ipamDataDir: string;
  /** Interface MTU; omitted = the kernel's default. */
  mtu?: number;
  /**
   * Let the bridge plugin masquerade everything leaving the pod CIDR (default true). Multi-node pod
   * networks turn it off and masquerade only traffic leaving the cluster CIDR (src/node/network),
   * so pod-to-pod traffic across nodes keeps its source address.
   */
  ipMasq?: boolean;
}

export const DEFAULT_BRIDGE = 'berth0';
export const DEFAULT_NETWORK = 'berth';
/** The file name; the "10-" prefix makes it the first (and only) config containerd loads. */
export const CNI_CONFLIST_FILE = '10-berth.conflist';

/** The conflist as an object (cniVersion 1.0.0: bridge + host-local, then portmap). */
export function cniConflist(o: CniConfigOptions): object {
  const bridge = o.bridge ?? DEFAULT_BRIDGE;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`invalid bridge name "${bridge}" (1-15 chars)`);
  parseCidr(o.podCidr);
  return {
    cniVersion: '1.0.0',
    name: o.networkName ?? DEFAULT_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: o.ipMasq ?? true,
        hairpinMode: true,
        ...(o.mtu ? { mtu: o.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: o.podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: o.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/**
 * Writes the conflist into `confDir` (atomically: containerd may read it at any moment) and
 * returns its path. Unchanged content is not rewritten, so containerd does not reload for nothing.
 */
export function writeCniConfig(confDir: string, o: CniConfigOptions): string {
  mkdirSync(confDir, { recursive: true });
  const path = join(confDir, CNI_CONFLIST_FILE);
  const text = `${JSON.stringify(cniConflist(o), null, 2)}\n`;
  try {
    if (readFileSync(path, 'utf8') === text) return path;
  } catch {
    // not written yet
  }
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return path;
}

/** The gateway (first host address) of an IPv4 CIDR: the bridge's address. */
export function gatewayOf(cidr: string): string {
  const { base } = parseCidr(cidr);
  return intToIp(base + 1);
}

/** Splits and checks an IPv4 CIDR; throws on anything else. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [ip, bits, extra] = cidr.split('/');
  const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : -1;
  const addr = parseIpv4(ip);
  if (extra !== undefined || addr === undefined || prefix < 8 || prefix > 30) {
    throw new Error(`invalid pod CIDR "${cidr}" (want IPv4 a.b.c.d/8..30)`);
  }
  return { base: (addr & maskOf(prefix)) >>> 0, prefix };
}

/** True when `ip` (IPv4) lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const { base, prefix } = parseCidr(cidr);
  const addr = parseIpv4(ip);
  return addr !== undefined && (addr & maskOf(prefix)) >>> 0 === base;
}

function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

function maskOf(prefix: number): number {
  return (0xffffffff << (32 - prefix)) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
