/**
 * `berth agent`: turns this machine into a node of a cluster. It first makes sure it has its own node
 * identity (a client certificate for system:node:NAME, via TLS bootstrap — see
 * src/node/agent/node-identity.ts), then registers the Node and keeps it reported (src/node/agent).
 * Joining: `--kubeconfig FILE` (an admin's or the node's own), or a bootstrap token with
 * `--server https://HOST:PORT --token ID.SECRET --ca-cert-hash sha256:HEX` (see `berth token create`).
 * `--runtime none` runs without a container runtime — for tests and control-plane-only machines: the
 * node reports `unknown` as its runtime and runs no pods. Stops cleanly on SIGTERM/SIGINT.
 */
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { parseDuration } from '../node/sim/duration.ts';
import { Agent } from '../node/agent/agent.ts';
import { ensureNodeIdentity, JoinError, type BootstrapCredentials } from '../node/agent/node-identity.ts';
import { parsePin } from '../node/agent/ca-pin.ts';
import { noRuntime, type RuntimeInfo } from '../node/agent/runtime.ts';
import { followRegistry, parseRegistryAddress, trustRegistry } from '../node/agent/registry-trust.ts';
import { runtimePaths } from '../node/containerd/paths.ts';
import { startNodePods, type NodePods } from '../node/pods/node-runtime.ts';
import { validateImageGCThresholds } from '../node/pods/image-gc.ts';
import { StreamsWorker } from '../node/streams/worker.ts';
import { PodNetworkWorker } from '../node/network/pod-network.ts';
import { agentNetworkFrom, type AgentNetworkFlags } from './agent-network.ts';
import { EvictionManager } from '../node/eviction/manager.ts';
import {
  defaultEvictionHard,
  parseEvictionHard,
  parseEvictionSoft,
  type Threshold,
} from '../node/eviction/thresholds.ts';
import { createLogger } from './log.ts';
import { CliError, stopOnSignals } from './cli-error.ts';
import { parseLabels } from './labels.ts';

export interface AgentFlags extends AgentNetworkFlags {
  kubeconfig?: string;
  server?: string;
  token?: string;
  caCertHash?: string;
  nodeName?: string;
  dataDir?: string;
  nodeIp?: string;
  nodeLabels?: string;
  runtime: string;
  /** The cluster's pod network (pod egress leaving it is masqueraded). */
  clusterCidr?: string;
  /** cgroupfs parent of this node's pods (default /berth). */
  cgroupRoot?: string;
  /** `host-gw` (routes to the other nodes' pod CIDRs, egress masquerade) or `none`. */
  podNetwork?: string;
  leaseRenew?: string;
  nodeStatusUpdateFrequency?: string;
  nodeStatusReportFrequency?: string;
  logLevel?: string;
  /** Port of the agent's HTTPS endpoint for logs, exec and port-forward (10250; 0 = any free port). */
  kubeletPort?: string;
  /** Berth's image repository (HOST:PORT): containerd trusts it and pulls with the node certificate. */
  registry?: string;
  /** Directory of static pod manifests. */
  podManifestPath?: string;
  /** Image GC thresholds in percent of the image filesystem (85 / 80). */
  imageGcHighThreshold?: string;
  imageGcLowThreshold?: string;
  /** Hard eviction thresholds, kubelet syntax (memory.available<100Mi,nodefs.available<10%). */
  evictionHard?: string;
  /** How long a pressure condition stays True after the pressure is gone (5m). */
  evictionPressureTransitionPeriod?: string;
  /** Soft eviction thresholds (same syntax as --eviction-hard) and their grace periods (signal=duration,…). */
  evictionSoft?: string;
  evictionSoftGracePeriod?: string;
  /** Longest grace period, in seconds, given to a pod evicted for a soft threshold. */
  evictionMaxPodGracePeriod?: string;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The node name: --node-name, else this host's name in lower case; must be a DNS subdomain. */
export function nodeNameFrom(flag: string | undefined, host = hostname()): string {
  const name = (flag ?? host).toLowerCase();
  if (!dns1123Subdomain.test(name) || name.length > 253)
    throw new CliError(`node name ${JSON.stringify(name)} is not a valid DNS subdomain: pass --node-name`);
  return name;
}

/** The bootstrap credentials the flags describe; exactly one way of joining. */
export async function credentialsFrom(f: AgentFlags): Promise<BootstrapCredentials> {
  const tokenFlags = [f.server, f.token, f.caCertHash].filter((v) => v !== undefined).length;
  if (f.kubeconfig && tokenFlags)
    throw new CliError('use either --kubeconfig or --server/--token/--ca-cert-hash, not both');
  if (f.kubeconfig) {
    try {
      return { kind: 'kubeconfig', kubeconfig: await loadKubeconfig(f.kubeconfig) };
    } catch (err) {
      throw new CliError(`cannot read --kubeconfig: ${(err as Error).message}`);
    }
  }
  if (tokenFlags !== 3)
    throw new CliError('to join, pass --kubeconfig FILE, or all of --server, --token and --ca-cert-hash');
  try {
    parsePin(f.caCertHash!);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (!/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(f.token!))
    throw new CliError('--token must look like abcdef.0123456789abcdef (see berth token create)');
  let url: URL;
  try {
    url = new URL(f.server!);
  } catch {
    throw new CliError(`--server must be a URL like https://HOST:6443, got ${JSON.stringify(f.server)}`);
  }
  if (url.protocol !== 'https:') throw new CliError(`--server must be an https:// URL, got ${f.server}`);
  return { kind: 'token', server: url.origin, token: f.token!, caCertHash: f.caCertHash! };
}

/**
 * The built-in runtime for `--runtime` values other than `containerd` (which runAgent starts after
 * joining, through startNodePods): `none` runs no pods; anything else is refused.
 */
export async function runtimeFor(name: string): Promise<RuntimeInfo> {
  if (name === 'none') return noRuntime;
  throw new CliError(`--runtime must be containerd or none, got ${JSON.stringify(name)}`);
}

/** The pod network worker for `--pod-network` (host-gw by default; none with `--runtime none`). */
export function podNetworkFor(f: AgentFlags): PodNetworkWorker | undefined {
  const mode = f.podNetwork ?? 'host-gw';
  if (mode !== 'host-gw' && mode !== 'none')
    throw new CliError(`--pod-network must be host-gw or none, got ${JSON.stringify(mode)}`);
  if (f.clusterCidr !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(f.clusterCidr))
    throw new CliError(
      `--cluster-cidr must be an IPv4 CIDR like 10.244.0.0/16, got ${JSON.stringify(f.clusterCidr)}`,
    );
  if (mode === 'none' || f.runtime !== 'containerd') return undefined;
  return new PodNetworkWorker({ clusterCidr: f.clusterCidr });
}

/** --kubelet-port: 0..65535, 10250 unless told. */
export function kubeletPortFrom(v: string | undefined): number {
  if (v === undefined) return 10250;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError(`--kubelet-port must be a port number (0 = any free port), got ${JSON.stringify(v)}`);
  return n;
}

/** The logs/exec/port-forward endpoint (src/node/streams) as a pod worker over the node's CRI. */
function streamsWorker(
  pods: NodePods,
  caCert: string | undefined,
  port: number,
  portFallback: boolean,
): StreamsWorker {
  if (!caCert)
    throw new CliError('the node kubeconfig has no certificate-authority: cannot serve logs and exec');
  return new StreamsWorker({ cri: pods.runtime.cri, caCert, port, portFallback });
}

function ms(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  let n: number;
  try {
    n = parseDuration(v);
  } catch (err) {
    throw new CliError(`--${flag}: ${(err as Error).message}`);
  }
  if (n < min) throw new CliError(`--${flag} must be at least ${min} ms, got ${JSON.stringify(v)}`);
  return n;
}

/** --image-gc-high-threshold / --image-gc-low-threshold: integer percents, low ≤ high. */
export function imageGcFrom(f: AgentFlags): { highThresholdPercent: number; lowThresholdPercent: number } {
  const high = Number(f.imageGcHighThreshold ?? 85);
  const low = Number(f.imageGcLowThreshold ?? 80);
  const err = validateImageGCThresholds(high, low);
  if (err) throw new CliError(err);
  return { highThresholdPercent: high, lowThresholdPercent: low };
}

/**
 * --eviction-hard / --eviction-soft / --eviction-soft-grace-period / --eviction-max-pod-grace-period /
 * --eviction-pressure-transition-period, for the eviction manager.
 */
export function evictionFrom(f: AgentFlags): {
  thresholds: Threshold[];
  softThresholds?: Threshold[];
  maxPodGracePeriodSeconds?: number;
  pressureTransitionPeriodMs?: number;
} {
  let thresholds: Threshold[];
  try {
    thresholds = parseEvictionHard(f.evictionHard ?? defaultEvictionHard);
  } catch (err) {
    throw new CliError(`--eviction-hard: ${(err as Error).message}`);
  }
  const period = ms('eviction-pressure-transition-period', f.evictionPressureTransitionPeriod, 0);
  let softThresholds: Threshold[] | undefined;
  try {
    if (f.evictionSoft || f.evictionSoftGracePeriod)
      softThresholds = parseEvictionSoft(f.evictionSoft ?? '', f.evictionSoftGracePeriod ?? '');
  } catch (err) {
    throw new CliError(`--eviction-soft: ${(err as Error).message}`);
  }
  const max = f.evictionMaxPodGracePeriod;
  if (max !== undefined && !/^-?\d+$/.test(max))
    throw new CliError(
      `--eviction-max-pod-grace-period: ${JSON.stringify(max)} is not a whole number of seconds`,
    );
  return {
    thresholds,
    ...(softThresholds ? { softThresholds } : {}),
    ...(max !== undefined ? { maxPodGracePeriodSeconds: Number(max) } : {}),
    pressureTransitionPeriodMs: period,
  };
}

/** Joins (if needed), registers and reports until a signal stops it. */
export async function runAgent(f: AgentFlags): Promise<void> {
  const log = createLogger(f.logLevel, 'berth-agent');
  const nodeName = nodeNameFrom(f.nodeName);
  const dataDir = resolve(
    f.dataDir ?? (process.getuid?.() === 0 ? '/var/lib/berth/agent' : join(homedir(), '.berth', 'agent')),
  );
  // `containerd` starts after joining (startNodePods below); other values are checked here.
  const runtimeNone = f.runtime === 'containerd' ? undefined : await runtimeFor(f.runtime);
  const timing = {
    leaseRenewIntervalMs: ms('lease-renew', f.leaseRenew, 100),
    statusUpdateIntervalMs: ms('node-status-update-frequency', f.nodeStatusUpdateFrequency, 100),
    statusReportIntervalMs: ms('node-status-report-frequency', f.nodeStatusReportFrequency, 100),
  };
  const labels = parseLabels(f.nodeLabels);
  const bootstrap = await credentialsFrom(f);
  const podNetwork = podNetworkFor(f);
  // Service proxy, NetworkPolicy and cluster DNS workers (src/cli/agent-network.ts).
  const network = agentNetworkFrom(f);
  const kubeletPort = kubeletPortFrom(f.kubeletPort);
  const imageGC = imageGcFrom(f);
  const eviction = evictionFrom(f);
  let registry: string | undefined;
  let registryWatch: { stop(): Promise<void> } | undefined;
  try {
    registry = f.registry === undefined ? undefined : parseRegistryAddress(f.registry);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The client machinery's timers are unref'd; this one keeps the process up until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let identity;
  try {
    identity = await ensureNodeIdentity({ nodeName, dataDir, bootstrap, log });
  } catch (err) {
    clearInterval(keepAlive);
    if (err instanceof JoinError) throw new CliError(err.message);
    throw new CliError(`joining failed: ${(err as Error).message}`);
  }
  const transport = httpTransport(identity.kubeconfig, {
    userAgent: `berth-agent/0.1 (${nodeName})`,
    maxSockets: Infinity,
  });
  // Pods: the node's containerd and the pod sync loop (src/node/pods), plugged in as a pod worker.
  let pods: NodePods | undefined;
  if (!runtimeNone) {
    try {
      const caCert = identity.kubeconfig.caCert;
      const { clientCert, clientKey } = identity.kubeconfig;
      if (caCert && clientCert && clientKey) {
        const trust = { certsDir: runtimePaths(dataDir).certsDir, caCert, clientCert, clientKey };
        if (registry) trustRegistry({ ...trust, address: registry });
        // Without --registry: the one `berth up` published, followed as it moves (src/registry/discovery.ts).
        else registryWatch = await followRegistry(new Client(transport), log, trust);
      }
      pods = await startNodePods({
        dataDir,
        loop: {
          clusterCA: () => caCert,
          nodeIP: f.nodeIp,
          cgroupRoot: f.cgroupRoot,
          podManifestPath: f.podManifestPath && resolve(f.podManifestPath),
          imageGC,
          clusterDNS: network.clusterDNS,
          clusterDomain: network.clusterDomain,
        },
        // The stream server answers on the node's address; with the host-gw pod network the
        // bridge must not NAT pod-to-pod traffic (the network worker masquerades egress instead).
        containerd: { streamServerAddress: f.nodeIp, ipMasq: podNetwork ? false : undefined },
      });
    } catch (err) {
      transport.close();
      clearInterval(keepAlive);
      throw new CliError(`cannot start the container runtime: ${(err as Error).message}`);
    }
  }
  const runtime = pods ? pods.info : runtimeNone!;
  const agent = new Agent({
    client: new Client(transport),
    nodeName,
    dataDir,
    runtime,
    workers: pods
      ? [
          ...(podNetwork ? [podNetwork] : []),
          ...network.workers,
          pods.worker,
          new EvictionManager({ pods: pods.loop, cri: pods.runtime.cri, ...eviction }),
          // The default port gives way to a free one when taken; a port asked for does not.
          streamsWorker(pods, identity.kubeconfig.caCert, kubeletPort, f.kubeletPort === undefined),
        ]
      : [],
    kubeletPort,
    log,
    nodeIP: f.nodeIp,
    labels,
    ...timing,
  });
  try {
    await agent.start();
  } catch (err) {
    await pods?.runtime.stop();
    transport.close();
    clearInterval(keepAlive);
    throw new CliError(`cannot register node ${nodeName}: ${(err as Error).message}`);
  }
  process.stdout.write(
    `berth agent: node ${nodeName} registered with ${identity.kubeconfig.server} as system:node:${nodeName}` +
      (identity.path ? ` (kubeconfig: ${identity.path})` : '') +
      '\n',
  );
  stopOnSignals(async () => {
    try {
      await registryWatch?.stop();
      await agent.stop();
    } finally {
      transport.close();
      clearInterval(keepAlive);
    }
  });
}
