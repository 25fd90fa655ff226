/**
 * What the agent reports about its machine, read from the host each time it is asked: CPUs, memory
 * (/proc/meminfo), the data directory's filesystem (statfs), process ids (/proc and pid_max), the OS
 * image (/etc/os-release), kernel, architecture, the primary IPv4 address (the default route's
 * interface) and the machine and boot ids. Parsers are exported separately so tests feed fixtures.
 */
import { readdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';

export interface HostInfo {
  hostname: string;
  cpus: number;
  memTotalBytes: number;
  memAvailableBytes: number;
  storageTotalBytes: number;
  storageAvailableBytes: number;
  pids: number;
  pidMax: number;
  /** PRETTY_NAME from os-release. */
  osImage: string;
  kernelVersion: string;
  /** Go's GOOS / GOARCH names: linux, amd64, arm64. */
  operatingSystem: string;
  architecture: string;
  /** The primary non-loopback IPv4 address, or undefined when the host has none. */
  internalIP?: string;
  machineID: string;
  bootID: string;
  systemUUID: string;
}

/** MemTotal and MemAvailable of a /proc/meminfo text, in bytes (MemFree when MemAvailable is absent). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]));
  }
  const total = kb.get('MemTotal');
  if (total === undefined) throw new Error('meminfo: no MemTotal line');
  const available = kb.get('MemAvailable') ?? kb.get('MemFree') ?? 0;
  return { totalBytes: total * 1024, availableBytes: available * 1024 };
}

/** One key of an os-release file (shell-style KEY=value, values optionally quoted). */
export function parseOsRelease(text: string, key = 'PRETTY_NAME'): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m || m[1] !== key) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    }
    return v;
  }
  return undefined;
}

/** The interface of the default IPv4 route in a /proc/net/route text (lowest metric wins). */
export function parseDefaultRouteInterface(text: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[1] !== '00000000' || f[7] !== '00000000') continue;
    const metric = Number(f[6]);
    if (!best || metric < best.metric) best = { iface: f[0]!, metric };
  }
  return best?.iface;
}

type Interfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

/** The IPv4 address of `preferred` (the default route's interface), else the first non-internal one. */
export function primaryIPv4(ifaces: Interfaces, preferred?: string): string | undefined {
  const v4 = (list: os.NetworkInterfaceInfo[] | undefined) =>
    (list ?? []).find((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))
      ?.address;
  if (preferred) {
    const a = v4(ifaces[preferred]);
    if (a) return a;
  }
  for (const name of Object.keys(ifaces).sort()) {
    const a = v4(ifaces[name]);
    if (a) return a;
  }
  return undefined;
}

/** Go's name for a Node.js architecture. */
export function goArch(arch: string): string {
  return (
    (
      {
        x64: 'amd64',
        ia32: '386',
        arm: 'arm',
        arm64: 'arm64',
        ppc64: 'ppc64le',
        s390x: 's390x',
        riscv64: 'riscv64',
      } as Record<string, string>
    )[arch] ?? arch
  );
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return fallback;
  }
}

/** Counts the processes in /proc (numeric directory names). */
async function countPids(): Promise<number> {
  try {
    return (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).length;
  } catch {
    return 0;
  }
}

/** Reads everything above from this host; `dataDir` is the filesystem measured for storage. */
export async function readHostInfo(dataDir: string): Promise<HostInfo> {
  const [meminfo, osRelease, route, fs, pids, pidMax, machineID, bootID, productUuid] = await Promise.all([
    readOr('/proc/meminfo', ''),
    readOr('/etc/os-release', ''),
    readOr('/proc/net/route', ''),
    statfs(dataDir),
    countPids(),
    readOr('/proc/sys/kernel/pid_max', '32768'),
    readOr('/etc/machine-id', ''),
    readOr('/proc/sys/kernel/random/boot_id', ''),
    readOr('/sys/class/dmi/id/product_uuid', ''),
  ]);
  const mem = meminfo ? parseMeminfo(meminfo) : { totalBytes: os.totalmem(), availableBytes: os.freemem() };
  return {
    hostname: os.hostname(),
    cpus: os.availableParallelism(),
    memTotalBytes: mem.totalBytes,
    memAvailableBytes: mem.availableBytes,
    storageTotalBytes: fs.blocks * fs.bsize,
    storageAvailableBytes: fs.bavail * fs.bsize,
    pids,
    pidMax: Number(pidMax) || 32768,
    osImage: parseOsRelease(osRelease) ?? `${os.type()} ${os.release()}`,
    kernelVersion: os.release(),
    operatingSystem: process.platform,
    architecture: goArch(process.arch),
    internalIP: primaryIPv4(os.networkInterfaces(), parseDefaultRouteInterface(route)),
    machineID,
    bootID,
    systemUUID: productUuid || machineID,
  };
}
