/**
 * containerd's config.toml for a Berth node. Every setting here was needed on the project's
 * machines (see docs/node-runtime.md): an empty config would silently use /var/lib/containerd and
 * /run/containerd, and RunPodSandbox fails without restrict_oom_score_adj when root lacks
 * CAP_SYS_RESOURCE.
 */
import type { RuntimePaths } from './paths.ts';

export interface ContainerdConfigOptions {
  paths: RuntimePaths;
  /** The pause image; must already be in containerd's k8s.io namespace (see src/node/images). */
  sandboxImage: string;
  /** Directory of the CNI plugin binaries (Debian: /usr/lib/cni). */
  cniBinDir: string;
  /** Address containerd's stream server (exec, attach, port-forward URLs) listens on. */
  streamServerAddress: string;
  /** Its port: a fixed free one, since containerd would advertise ":0" for a random one. */
  streamServerPort: number;
  /** runc binary name or path (default runc on containerd's PATH). */
  runcBinary?: string;
}

/** Renders the config (containerd 1.6/1.7, config version 2). */
export function renderContainerdConfig(o: ContainerdConfigOptions): string {
  const p = o.paths;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    '# Written by berth; regenerated on every start.',
    'version = 2',
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    // Snapshotters that need special filesystems only slow startup down and log errors.
    'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
    '',
    '[grpc]',
    `  address = ${q(p.socket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${p.socket}.ttrpc`)}`,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(p.opt)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(o.sandboxImage)}`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    `  stream_server_address = ${q(o.streamServerAddress)}`,
    `  stream_server_port = ${q(String(o.streamServerPort))}`,
    '  enable_selinux = false',
    '',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${q(p.runcRoot)}`,
    ...(o.runcBinary ? [`  BinaryName = ${q(o.runcBinary)}`] : []),
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${q(o.cniBinDir)}`,
    `  conf_dir = ${q(p.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
    `[${cri}.registry]`,
    `  config_path = ${q(p.certsDir)}`,
    '',
  ];
  return lines.join('\n');
}

/** A TOML basic string (JSON's escapes are valid TOML escapes for the characters paths hold). */
function q(s: string): string {
  return JSON.stringify(s);
}
