/**
 * Removing what pods leave on the host after containerd is done with them: the CNI bridge, pod
 * cgroup directories (cgroupfs leaves the parents in every hierarchy), mounts under a data
 * directory, and shims of a containerd that is gone. For the agent's teardown and for tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Mount points at or under `dir`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readMountinfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Lazily unmounts everything under `dir` (nsfs netns files, overlay rootfs, …). */
export function unmountUnder(dir: string): void {
  for (const p of mountsUnder(dir)) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
}

/** Root directories of every mounted cgroup hierarchy (v1 controllers and the v2 unified one). */
export function cgroupRoots(): string[] {
  return [
    ...new Set(
      readMountinfo()
        .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
        .map((m) => m.mountPoint),
    ),
  ];
}

/**
 * Removes the cgroup `path` (e.g. /berth-test/pod1, as given in cgroup_parent) and its child
 * cgroups in every hierarchy. Cgroups that still hold processes are left and reported.
 */
export function removeCgroup(path: string): string[] {
  const busy: string[] = [];
  const rel = path.replace(/^\/+/, '');
  if (!rel || rel.split('/').includes('..')) throw new Error(`refusing to remove cgroup "${path}"`);
  for (const root of cgroupRoots()) {
    const dir = join(root, rel);
    if (existsSync(dir)) removeCgroupDir(dir, busy);
  }
  return busy;
}

function removeCgroupDir(dir: string, busy: string[]): void {
  for (const name of readdirSync(dir)) {
    const child = join(dir, name);
    if (statSync(child).isDirectory()) removeCgroupDir(child, busy);
  }
  try {
    rmdirSync(dir);
  } catch {
    busy.push(dir);
  }
}

/** True when a network device with this name exists. */
export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Deletes a network device (the CNI bridge) if it exists. */
export function deleteLink(name: string): void {
  if (!linkExists(name)) return;
  const r = spawnSync('ip', ['link', 'del', name], { encoding: 'utf8' });
  if (r.status !== 0 && linkExists(name))
    throw new Error(`ip link del ${name}: ${(r.stderr ?? r.error?.message ?? '').trim()}`);
}

/** Pids of containerd-shim processes serving the containerd at `socket`. */
export function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.includes('containerd-shim')) continue;
    const at = argv.indexOf('-address');
    if (at >= 0 && argv[at + 1] === socket) pids.push(Number(name));
  }
  return pids;
}

interface MountEntry {
  mountPoint: string;
  fsType: string;
}

function readMountinfo(): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    out.push({ mountPoint: unescapeOctal(fields[4]), fsType: fields[sep + 1] ?? '' });
  }
  return out;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
