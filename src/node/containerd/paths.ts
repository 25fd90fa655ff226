/**
 * Where a node agent keeps its container runtime's files, all under its own data directory, so two
 * agents on one host (or an agent beside a system containerd) never share state.
 */
import { join } from 'node:path';

export interface RuntimePaths {
  /** `<dataDir>/containerd`: config, socket, log and pid file. */
  dir: string;
  config: string;
  /** containerd's gRPC socket (the CRI endpoint). */
  socket: string;
  log: string;
  pidFile: string;
  /** Persistent state: content store, snapshots, metadata. */
  root: string;
  /** Runtime state: task bundles, sandbox netns mounts. */
  state: string;
  /** runc's state directory (runc --root). */
  runcRoot: string;
  /** containerd's opt plugin directory (kept out of /opt). */
  opt: string;
  /** CNI network configs that containerd's CRI plugin loads. */
  cniConfDir: string;
  /** host-local IPAM's allocation records. */
  cniIpamDir: string;
  /** Registry host configs (`certs.d/HOST:PORT/hosts.toml`). */
  certsDir: string;
}

/** Unix socket paths longer than this fail to bind (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH = 107;

/** The runtime's paths under an agent data directory. */
export function runtimePaths(dataDir: string): RuntimePaths {
  const dir = join(dataDir, 'containerd');
  return {
    dir,
    config: join(dir, 'config.toml'),
    socket: join(dir, 'containerd.sock'),
    log: join(dir, 'containerd.log'),
    pidFile: join(dir, 'containerd.pid'),
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    runcRoot: join(dir, 'runc'),
    opt: join(dir, 'opt'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    cniIpamDir: join(dataDir, 'cni', 'ipam'),
    certsDir: join(dataDir, 'certs.d'),
  };
}
