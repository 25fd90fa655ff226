/**
 * `berth machine create|list|delete`: namespace machines on this host (see netns-provider.ts and
 * docs/machines.md). Needs root; says so in one line otherwise.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NetnsMachineProvider } from './netns-provider.ts';
import type { MachineInfo, MachineJoin } from './provider.ts';

export interface MachineCommonFlags {
  dataDir?: string;
  bridge?: string;
  subnet?: string;
}

export interface MachineCreateFlags extends MachineCommonFlags {
  clusterKubeconfig?: string;
  server?: string;
  token?: string;
  caCertHash?: string;
  clusterCidr?: string;
  nodeLabels?: string;
  lbPool?: string;
  agentFlag?: string[];
  wait?: boolean;
}

export interface MachineDeleteFlags extends MachineCommonFlags {
  clusterKubeconfig?: string;
  keepNode?: boolean;
}

/** Berth's data directory for machines: --data-dir, else /var/lib/berth (root). */
export function machinesDataDir(flag: string | undefined): string {
  return flag ?? (process.getuid?.() === 0 ? '/var/lib/berth' : join(homedir(), '.berth'));
}

/** Throws the one-line error when not root. */
export function requireRoot(uid = process.getuid?.()): void {
  if (uid !== 0)
    throw new Error(
      'berth machine needs root (it creates network namespaces, veths and routes): run it with sudo',
    );
}

/** The join credentials the flags describe: exactly one way. */
export function joinFrom(f: MachineCreateFlags): MachineJoin {
  const tokenFlags = [f.server, f.token, f.caCertHash].filter((v) => v !== undefined).length;
  if (f.clusterKubeconfig && tokenFlags)
    throw new Error('use either --cluster-kubeconfig or --server/--token/--ca-cert-hash, not both');
  if (f.clusterKubeconfig) return { kind: 'kubeconfig', kubeconfig: f.clusterKubeconfig };
  if (tokenFlags !== 3)
    throw new Error(
      'to join, pass --cluster-kubeconfig FILE, or all of --server, --token and --ca-cert-hash',
    );
  return { kind: 'token', server: f.server!, token: f.token!, caCertHash: f.caCertHash! };
}

function provider(f: MachineCommonFlags, agentArgs?: string[]): NetnsMachineProvider {
  return new NetnsMachineProvider({
    dataDir: machinesDataDir(f.dataDir),
    bridge: f.bridge,
    subnet: f.subnet,
    agentArgs,
  });
}

const say = (l: string): void => {
  process.stdout.write(`${l}\n`);
};

/** Splits `--agent-flag --x=1s` values into argv words. */
export function agentArgsFrom(flags: readonly string[] | undefined): string[] {
  return (flags ?? []).flatMap((f) => f.split(/\s+/).filter(Boolean));
}

export async function runMachineCreate(name: string, f: MachineCreateFlags): Promise<MachineInfo> {
  requireRoot();
  if (f.lbPool !== undefined && !/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/.test(f.lbPool))
    throw new Error(`--lb-pool must be an IPv4 CIDR such as 172.28.0.0/28, got ${JSON.stringify(f.lbPool)}`);
  const join_ = joinFrom(f);
  return provider(f, agentArgsFrom(f.agentFlag)).create({
    name,
    join: join_,
    clusterCidr: f.clusterCidr,
    nodeLabels: f.nodeLabels,
    lbPool: f.lbPool,
    waitMs: f.wait === false ? 0 : undefined,
    log: say,
  });
}

/** The table `berth machine list` prints. */
export function formatMachines(ms: readonly MachineInfo[]): string {
  const rows = [
    ['NAME', 'ADDRESS', 'STATE', 'PID', 'POD-CIDR'],
    ...ms.map((m) => [m.name, m.address, m.state, m.pid ? String(m.pid) : '-', m.podCIDR ?? '-']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]! + 3))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export async function runMachineList(f: MachineCommonFlags & { output?: string }): Promise<void> {
  requireRoot();
  const ms = await provider(f).list();
  process.stdout.write(f.output === 'json' ? `${JSON.stringify(ms, null, 2)}\n` : formatMachines(ms));
}

export async function runMachineDelete(names: string[], f: MachineDeleteFlags): Promise<void> {
  requireRoot();
  const p = provider(f);
  for (const name of names)
    await p.delete(name, { clusterKubeconfig: f.clusterKubeconfig, keepNode: f.keepNode, log: say });
}
