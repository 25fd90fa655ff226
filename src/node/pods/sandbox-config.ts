/**
 * The CRI PodSandboxConfig of a pod: metadata (attempt counts sandbox re-creations), hostname
 * (spec.hostname or the pod name, at most 63 characters), DNS from dnsPolicy/dnsConfig, hostPort
 * mappings (none for hostNetwork pods, which use the node's ports directly), the log directory,
 * the QoS cgroup parent, and the namespace modes and sysctls of the pod.
 */
import type { PodSandboxConfig, PortMapping, Protocol } from '../cri/types.ts';
import { namespaceModes } from './container-config.ts';
import { podDnsConfig, type DnsSettings } from './dns.ts';
import { sandboxLabels } from './labels.ts';
import { podLogDir } from './paths.ts';
import { podCgroupParent } from './resources.ts';
import type { RPod } from './types.ts';

export interface SandboxSettings {
  nodeName: string;
  dataDir: string;
  dns: DnsSettings;
  /** cgroupfs root of all pods of this agent, e.g. /berth. */
  cgroupRoot: string;
}

/** The hostname a pod's containers see. */
export function podHostname(pod: RPod): string {
  const h = pod.spec?.hostname || pod.metadata.name || '';
  return h.slice(0, 63).replace(/[-.]+$/, '');
}

/** hostPort mappings of every container (and sidecar init container) port that asks for one. */
export function portMappings(pod: RPod): PortMapping[] {
  if (pod.spec?.hostNetwork) return [];
  const out: PortMapping[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({
        protocol: (p.protocol ?? 'TCP') as Protocol,
        container_port: p.containerPort,
        host_port: p.hostPort,
        ...(p.hostIP ? { host_ip: p.hostIP } : {}),
      });
    }
  }
  return out;
}

/** The sandbox config; `attempt` is how many sandboxes the pod had before this one. */
export function sandboxConfig(pod: RPod, s: SandboxSettings, attempt = 0): PodSandboxConfig {
  const m = pod.metadata;
  const ns = namespaceModes(pod);
  const psc = pod.spec?.securityContext ?? {};
  const sysctls = Object.fromEntries((psc.sysctls ?? []).map((x) => [x.name, x.value]));
  return {
    metadata: { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '', attempt },
    hostname: pod.spec?.hostNetwork ? undefined : podHostname(pod),
    log_directory: podLogDir(s.dataDir, pod),
    dns_config: podDnsConfig(pod, s.dns),
    port_mappings: portMappings(pod),
    labels: sandboxLabels(pod, s.nodeName),
    annotations: { ...(m.annotations ?? {}) },
    linux: {
      cgroup_parent: podCgroupParent(s.cgroupRoot, pod),
      security_context: {
        namespace_options: { network: ns.network, pid: ns.pid, ipc: ns.ipc },
        ...(psc.runAsUser !== undefined ? { run_as_user: { value: psc.runAsUser } } : {}),
        ...(psc.runAsGroup !== undefined ? { run_as_group: { value: psc.runAsGroup } } : {}),
      },
      ...(Object.keys(sysctls).length ? { sysctls } : {}),
    },
  };
}
