/**
 * Machines made of network namespaces on this host. A machine is: a namespace NAME with a veth
 * (`eth0` inside, its host end on a host bridge whose address is the machines' gateway), loopback
 * up, ip_forward on, a default route via the bridge; and a `berth agent` started inside it with
 * `nsenter --net` (not `ip netns exec`, which would hide /sys/fs/cgroup) with its own data
 * directory, node name NAME, InternalIP = the machine's address. The agent starts its own
 * containerd (socket, root, state, CNI and runc state under the machine's directory, stream server
 * on the machine's address) and programs the pod network (src/node/network). The host gets a route
 * to each machine's pod CIDR via the machine's address.
 *
 * Everything is recorded in DATA/machines/state.json; `delete` removes every trace: the agent,
 * containerd and shims, the pods (through a short-lived containerd so CNI releases them), leftover
 * processes found by directory, namespace and cgroup, mounts under the machine's directory, the
 * pods' cgroups, CNI's result cache, the namespace, the veth, the host route, the directory, and
 * the bridge with the last machine when Berth created it.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  rmdirSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '../../client/client.ts';
import { httpTransport } from '../../client/http.ts';
import { loadKubeconfig } from '../../client/kubeconfig.ts';
import { isNotFound } from '../../client/status.ts';
import { removeCgroup, unmountUnder } from '../containerd/cleanup.ts';
import { ContainerdSupervisor } from '../containerd/supervisor.ts';
import { CriClient } from '../cri/client.ts';
import {
  gatewayAddress,
  hostIndex,
  nextFreeAddress,
  parseSubnet,
  subnetContains,
  type Subnet,
} from './addressing.ts';
import {
  addHostRoute,
  createMachineNetwork,
  deleteDevice,
  deleteMachineNetwork,
  ensureBridge,
  netnsExists,
  removeHostRoute,
  setPoolRoute,
} from './host-network.ts';
import { kubeconfigServer, serverForMachines, writeKubeconfigFor } from './join.ts';
import {
  alive,
  cmdlineOf,
  pidsInCgroup,
  pidsInNetns,
  pidsWithPathUnder,
  signal,
  terminate,
  waitGone,
} from './processes.ts';
import type {
  MachineCreateOptions,
  MachineDeleteOptions,
  MachineInfo,
  MachineProvider,
  MachineState,
} from './provider.ts';
import { StateStore, type MachineRecord, type MachinesState } from './state-store.ts';

export const DEFAULT_MACHINE_BRIDGE = 'berth-br0';
export const DEFAULT_MACHINE_SUBNET = '172.30.0.0/24';

/**
 * The `berth` command this file belongs to: it picks how the agent runs (its bundle when fresh, its
 * Node flags).
 */
const berthBin = fileURLToPath(new URL('../../../bin/berth', import.meta.url));

export interface NetnsProviderOptions {
  /** Berth's data directory; machines live in DATA/machines. */
  dataDir: string;
  /** Host bridge (default berth-br0) and its subnet (default 172.30.0.0/24, gateway = first address). */
  bridge?: string;
  subnet?: string;
  /** How to run `berth` (default: bin/berth). */
  berthCommand?: string[];
  /** Extra `berth agent` flags, e.g. ['--node-status-update-frequency', '1s']. */
  agentArgs?: string[];
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The cgroupfs parent of a machine's pods (one top-level directory per machine). */
export function machineCgroupRoot(name: string): string {
  return `/berth-machine-${name}`;
}

/** Host end of a machine's veth: `bm` + 4 hex of the bridge name + the address's index (≤ 15 chars). */
export function hostVethName(bridge: string, index: number): string {
  return `bm${createHash('sha256').update(bridge).digest('hex').slice(0, 4)}-${index}`;
}

/** Namespace machines on this host (see the module comment). */
export class NetnsMachineProvider implements MachineProvider {
  readonly kind = 'netns';
  readonly dataDir: string;
  readonly machinesDir: string;
  readonly bridge: string;
  readonly subnet: Subnet;
  readonly gateway: string;
  readonly #o: NetnsProviderOptions;
  readonly #state: StateStore;

  constructor(o: NetnsProviderOptions) {
    this.#o = o;
    this.dataDir = resolve(o.dataDir);
    this.machinesDir = join(this.dataDir, 'machines');
    this.#state = new StateStore(this.machinesDir);
    const recorded = existsSync(this.#state.path) ? this.#state.read().bridge : undefined;
    this.bridge = o.bridge ?? recorded?.name ?? DEFAULT_MACHINE_BRIDGE;
    this.subnet = parseSubnet(o.subnet ?? recorded?.subnet ?? DEFAULT_MACHINE_SUBNET);
    this.gateway = gatewayAddress(this.subnet);
  }

  async create(o: MachineCreateOptions): Promise<MachineInfo> {
    const say = o.log ?? (() => {});
    const name = o.name;
    if (!dnsLabel.test(name))
      throw new Error(`machine name ${JSON.stringify(name)} must be a DNS label (a-z, 0-9, -)`);
    const dir = join(this.machinesDir, name);
    // Reserve the name and an address, and make sure the bridge is there, under the state lock.
    const rec = await this.#state.update(async (s) => {
      if (s.machines[name]) throw new Error(`machine ${name} already exists (berth machine delete ${name})`);
      if (netnsExists(name)) throw new Error(`network namespace ${name} already exists: pick another name`);
      if (s.bridge && (s.bridge.name !== this.bridge || s.bridge.subnet !== this.subnet.cidr))
        throw new Error(
          `machines in ${this.machinesDir} use bridge ${s.bridge.name} (${s.bridge.subnet}); delete them first or use another --data-dir`,
        );
      const created = await ensureBridge(this.bridge, `${this.gateway}/${this.subnet.prefix}`);
      s.bridge ??= { name: this.bridge, subnet: this.subnet.cidr, gateway: this.gateway, created };
      if (created) s.bridge.created = true;
      const address = nextFreeAddress(
        this.subnet,
        Object.values(s.machines).map((m) => m.address),
      );
      const r: MachineRecord = {
        name,
        address,
        hostVeth: hostVethName(this.bridge, hostIndex(this.subnet, address)),
        dir,
        cgroupRoot: machineCgroupRoot(name),
        ...(o.lbPool ? { lbPool: o.lbPool } : {}),
        createdAt: new Date().toISOString(),
      };
      s.machines[name] = r;
      return r;
    });
    try {
      await createMachineNetwork({
        netns: name,
        hostVeth: rec.hostVeth,
        bridge: this.bridge,
        address: rec.address,
        prefix: this.subnet.prefix,
        gateway: this.gateway,
      });
      say(`machine ${name}: namespace ${name}, address ${rec.address} on ${this.bridge}`);
      mkdirSync(join(dir, 'agent'), { recursive: true, mode: 0o700 });
      const joinArgs = await this.#joinArgs(o, dir, rec, say);
      rec.pid = this.#startAgent(rec, joinArgs, o);
      await this.#state.update((s) => {
        s.machines[name] = rec;
      });
      say(`machine ${name}: berth agent started (pid ${rec.pid}, log ${join(dir, 'agent.log')})`);
      if (o.waitMs !== 0) {
        await this.#waitRegistered(rec, o.waitMs ?? 120_000);
        say(`machine ${name}: node ${name} registered`);
        const cidr = await this.#waitPodCidr(rec, 30_000);
        if (cidr) {
          await addHostRoute(cidr, rec.address, this.bridge);
          rec.podCIDR = cidr;
          await this.#state.update((s) => {
            if (s.machines[name]) s.machines[name].podCIDR = cidr;
          });
          say(`machine ${name}: pod CIDR ${cidr} routed via ${rec.address}`);
        } else say(`machine ${name}: no pod CIDR assigned yet (is node IPAM on?); no host route`);
      }
      if (rec.lbPool) {
        const via = await this.#routePool(rec.lbPool);
        say(`machine ${name}: LoadBalancer pool ${rec.lbPool} routed via ${via.join(', ')}`);
      }
    } catch (err) {
      await this.delete(name, { keepNode: true }).catch(() => {});
      throw err;
    }
    return (await this.status(name))!;
  }

  /** Routes `pool` on the host via every recorded machine that serves it; returns their addresses. */
  async #routePool(pool: string): Promise<string[]> {
    const st = this.#state.read();
    const via = Object.values(st.machines)
      .filter((m) => m.lbPool === pool && m.address)
      .map((m) => m.address)
      .sort();
    await setPoolRoute(pool, via, this.bridge);
    return via;
  }

  async #joinArgs(
    o: MachineCreateOptions,
    dir: string,
    rec: MachineRecord,
    say: (l: string) => void,
  ): Promise<string[]> {
    const j = o.join;
    if (j.kind === 'kubeconfig') {
      const reach = await serverForMachines(kubeconfigServer(j.kubeconfig), this.gateway, this.subnet);
      if (reach.note) say(`machine ${rec.name}: ${reach.note}`);
      const copy = join(dir, 'join.kubeconfig');
      writeKubeconfigFor(j.kubeconfig, copy, reach.server);
      rec.clusterKubeconfig = resolve(j.kubeconfig);
      return ['--kubeconfig', copy];
    }
    const reach = await serverForMachines(j.server, this.gateway, this.subnet);
    if (reach.note) say(`machine ${rec.name}: ${reach.note}`);
    return ['--server', reach.server, '--token', j.token, '--ca-cert-hash', j.caCertHash];
  }

  #startAgent(rec: MachineRecord, joinArgs: string[], o: MachineCreateOptions): number {
    const berth = this.#o.berthCommand ?? [berthBin];
    const argv = [
      'nsenter',
      `--net=/run/netns/${rec.name}`,
      '--',
      ...berth,
      'agent',
      ...joinArgs,
      '--node-name',
      rec.name,
      '--data-dir',
      join(rec.dir, 'agent'),
      '--node-ip',
      rec.address,
      '--cluster-cidr',
      o.clusterCidr ?? '10.244.0.0/16',
      '--cgroup-root',
      rec.cgroupRoot,
      ...(o.nodeLabels ? ['--node-labels', o.nodeLabels] : []),
      ...(o.lbPool ? ['--lb-pool', o.lbPool] : []),
      ...(this.#o.agentArgs ?? []),
    ];
    const log = openSync(join(rec.dir, 'agent.log'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    if (!child.pid) throw new Error('could not start berth agent (nsenter missing?)');
    return child.pid;
  }

  async #waitRegistered(rec: MachineRecord, ms: number): Promise<void> {
    const logPath = join(rec.dir, 'agent.log');
    const until = Date.now() + ms;
    for (;;) {
      const text = readText(logPath);
      if (/registered with/.test(text)) return;
      if (!rec.pid || !alive(rec.pid))
        throw new Error(`the agent of machine ${rec.name} stopped: ${lastLines(text, 3)}`);
      if (Date.now() > until)
        throw new Error(`machine ${rec.name}: node not registered after ${ms} ms: ${lastLines(text, 3)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Reads the Node's spec.podCIDR with the machine's own node credentials. */
  async #waitPodCidr(rec: MachineRecord, ms: number): Promise<string | undefined> {
    const kc = await loadKubeconfig(join(rec.dir, 'agent', 'kubeconfig'));
    const transport = httpTransport(kc);
    try {
      const nodes = new Client(transport).resource('', 'v1', 'nodes');
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const n = (await nodes.get(undefined, rec.name).catch(() => undefined)) as
          { spec?: { podCIDR?: string } } | undefined;
        if (n?.spec?.podCIDR) return n.spec.podCIDR;
        await new Promise((r) => setTimeout(r, 250));
      }
      return undefined;
    } finally {
      transport.close();
    }
  }

  async delete(name: string, o: MachineDeleteOptions = {}): Promise<void> {
    const say = o.log ?? (() => {});
    const s = this.#state.read();
    const rec: MachineRecord = s.machines[name] ?? {
      name,
      address: '',
      hostVeth: '',
      dir: join(this.machinesDir, name),
      cgroupRoot: machineCgroupRoot(name),
      createdAt: '',
    };
    if (!s.machines[name] && !netnsExists(name) && !existsSync(rec.dir))
      throw new Error(`no machine ${name} in ${this.machinesDir}`);
    // 1. The agent: SIGTERM lets it stop its workers and containerd.
    if (rec.pid && alive(rec.pid) && cmdlineOf(rec.pid)?.some((a) => a.startsWith(rec.dir))) {
      await terminate([rec.pid], 15_000);
    }
    // 2. The Node, when we hold credentials that may delete it.
    const kubeconfig = o.clusterKubeconfig ?? rec.clusterKubeconfig;
    if (!o.keepNode) {
      if (kubeconfig)
        await deleteNode(kubeconfig, name).then(() => say(`machine ${name}: node ${name} deleted`));
      else say(`machine ${name}: node ${name} stays in the cluster (pass --cluster-kubeconfig to delete it)`);
    }
    // 3. Pods: a short-lived containerd stops and removes the sandboxes, so CNI releases them.
    const agentDir = join(rec.dir, 'agent');
    const sandboxIds = listSandboxIds(agentDir);
    if (sandboxIds.length && netnsExists(name)) {
      await removeSandboxes(agentDir, name).catch((err: Error) =>
        say(`machine ${name}: could not remove pods through containerd (${err.message}); killing them`),
      );
    }
    // 4. Whatever still runs: by directory, by namespace, by cgroup.
    for (let round = 0; round < 5; round++) {
      const pids = new Set([
        ...pidsWithPathUnder(rec.dir),
        ...(netnsExists(name) ? pidsInNetns(`/run/netns/${name}`) : []),
        ...pidsInCgroup(rec.cgroupRoot),
      ]);
      if (!pids.size) break;
      for (const p of pids) signal(p, 'SIGKILL');
      await waitGone([...pids], 5_000);
    }
    const busy = removeCgroup(rec.cgroupRoot);
    if (busy.length) say(`machine ${name}: cgroups still busy: ${busy.join(', ')}`);
    for (const id of sandboxIds) removeCniResults(id);
    unmountUnder(rec.dir);
    // 5. Network: host route, namespace, veth.
    if (rec.podCIDR && rec.address) await removeHostRoute(rec.podCIDR, rec.address);
    await deleteMachineNetwork(name, rec.hostVeth || 'none-recorded');
    rmSync(rec.dir, { recursive: true, force: true });
    // 6. The record, and the bridge with the last machine when Berth made it.
    const left = await this.#state.update(async (st) => {
      delete st.machines[name];
      if (!Object.keys(st.machines).length && st.bridge) {
        if (st.bridge.created) await deleteDevice(st.bridge.name);
        st.bridge = undefined;
      }
      return st;
    });
    if (rec.lbPool) await this.#routePool(rec.lbPool);
    if (isEmpty(left)) {
      rmSync(this.#state.path, { force: true });
      try {
        rmdirSync(this.machinesDir);
      } catch {
        // other files live there
      }
    }
    say(`machine ${name} deleted`);
  }

  async list(): Promise<MachineInfo[]> {
    const s = this.#state.read();
    return Object.values(s.machines)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => this.#info(r));
  }

  async status(name: string): Promise<MachineInfo | undefined> {
    const r = this.#state.read().machines[name];
    return r ? this.#info(r) : undefined;
  }

  #info(r: MachineRecord): MachineInfo {
    const running = !!r.pid && alive(r.pid) && !!cmdlineOf(r.pid)?.some((a) => a.startsWith(r.dir));
    const whole = netnsExists(r.name) && existsSync(r.dir) && subnetContains(this.subnet, r.address);
    const state: MachineState = running && whole ? 'running' : whole ? 'stopped' : 'broken';
    return {
      name: r.name,
      provider: this.kind,
      address: r.address,
      state,
      pid: running ? r.pid : undefined,
      podCIDR: r.podCIDR,
      dir: r.dir,
      createdAt: r.createdAt,
    };
  }
}

function isEmpty(s: MachinesState): boolean {
  return !s.bridge && !Object.keys(s.machines).length;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n').filter(Boolean);
  return lines.slice(-n).join(' | ') || '(no output)';
}

async function deleteNode(kubeconfig: string, name: string): Promise<void> {
  const transport = httpTransport(await loadKubeconfig(kubeconfig));
  try {
    await new Client(transport).resource('', 'v1', 'nodes').delete(undefined, name);
  } catch (err) {
    if (!isNotFound(err))
      throw new Error(`cannot delete node ${name}: ${(err as Error).message}`, { cause: err });
  } finally {
    transport.close();
  }
}

/** Sandbox ids containerd's CRI plugin recorded under an agent's data dir. */
function listSandboxIds(agentDir: string): string[] {
  const dir = join(agentDir, 'containerd', 'root', 'io.containerd.grpc.v1.cri', 'sandboxes');
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CNI's cached results for a sandbox (`/var/lib/cni/results/NET-ID-IF`). */
function removeCniResults(sandboxId: string): void {
  const dir = '/var/lib/cni/results';
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.includes(`-${sandboxId}-`)) rmSync(join(dir, n), { force: true });
}

/** Starts the machine's containerd once more, inside its namespace, to stop and remove every pod. */
async function removeSandboxes(agentDir: string, netns: string): Promise<void> {
  const sup = new ContainerdSupervisor({
    dataDir: agentDir,
    wrap: ['nsenter', `--net=/run/netns/${netns}`, '--'],
    readyTimeoutMs: 20_000,
  });
  await sup.start();
  const cri = new CriClient({ endpoint: sup.endpoint });
  try {
    for (const sb of await cri.listPodSandbox()) {
      await cri.stopPodSandbox(sb.id).catch(() => {});
      await cri.removePodSandbox(sb.id).catch(() => {});
    }
  } finally {
    cri.close();
    await sup.stop();
  }
}
