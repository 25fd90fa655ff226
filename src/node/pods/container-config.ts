/**
 * The CRI ContainerConfig for one container of a pod: command/args (with $(VAR) expansion; unset
 * means the image's entrypoint and cmd), workingDir, the resolved environment, volume mounts
 * (subPath, readOnly), the log path, resources and the security context (pod-level values as
 * defaults), plus the labels and annotations adoption relies on.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ContainerConfig,
  LinuxContainerSecurityContext,
  Mount,
  NamespaceMode,
  NamespaceOption,
} from '../cri/types.ts';
import { ContainerConfigError, expandVars } from './env.ts';
import {
  annotationContainerHash,
  annotationGracePeriod,
  annotationRestartCount,
  containerHash,
  containerLabels,
} from './labels.ts';
import { containerLogPath } from './paths.ts';
import { linuxResources } from './resources.ts';
import type { RContainer, RPod } from './types.ts';
import type { MountedVolume } from '../volumes/manager.ts';
import {
  needsServiceAccountVolume,
  serviceAccountMountPath,
  serviceAccountVolumeName,
} from '../volumes/manager.ts';

export interface ContainerConfigInput {
  pod: RPod;
  container: RContainer;
  nodeName: string;
  restartCount: number;
  env: Map<string, string>;
  volumes: Map<string, MountedVolume>;
  /** The image reference to run (as pulled). */
  image: string;
  /** An ephemeral container's target: it joins this container's PID namespace. */
  targetId?: string;
}

/** Namespace modes of the pod's containers (host network/PID/IPC, shared PID namespace). */
export function namespaceModes(pod: RPod): {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
} {
  const s = pod.spec ?? {};
  return {
    network: s.hostNetwork ? 'NODE' : 'POD',
    pid: s.hostPID ? 'NODE' : s.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: s.hostIPC ? 'NODE' : 'POD',
  };
}

/** The CRI config; throws ContainerConfigError when the spec cannot be honoured. */
export function containerConfig(i: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = i;
  const cfg: ContainerConfig = {
    metadata: { name: c.name, attempt: i.restartCount },
    image: { image: i.image, user_specified_image: c.image ?? '' },
    envs: [...i.env].map(([key, value]) => ({ key, value })),
    mounts: containerMounts(pod, c, i.volumes),
    log_path: containerLogPath(c.name, i.restartCount),
    labels: containerLabels(pod, i.nodeName, c.name),
    annotations: {
      [annotationContainerHash]: containerHash(c),
      [annotationRestartCount]: String(i.restartCount),
      [annotationGracePeriod]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
    },
    stdin: !!c.stdin,
    stdin_once: !!c.stdinOnce,
    tty: !!c.tty,
    linux: { resources: linuxResources(c), security_context: securityContext(pod, c, i.targetId) },
  };
  if (c.command?.length) cfg.command = c.command.map((s) => expandVars(s, i.env));
  if (c.args?.length) cfg.args = c.args.map((s) => expandVars(s, i.env));
  if (c.workingDir) cfg.working_dir = c.workingDir;
  return cfg;
}

function securityContext(pod: RPod, c: RContainer, targetId?: string): LinuxContainerSecurityContext {
  const psc = pod.spec?.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const ns: NamespaceOption = namespaceModes(pod);
  // A target's PID namespace only matters when the pod's containers do not already share one.
  if (targetId && ns.pid === 'CONTAINER') Object.assign(ns, { pid: 'TARGET', target_id: targetId });
  const out: LinuxContainerSecurityContext = { namespace_options: ns };
  const user = sc.runAsUser ?? psc.runAsUser;
  const group = sc.runAsGroup ?? psc.runAsGroup;
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) && user === 0)
    throw new ContainerConfigError('container has runAsNonRoot and image will run as root');
  if (user !== undefined) out.run_as_user = { value: user };
  if (group !== undefined) out.run_as_group = { value: group };
  const groups = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])];
  if (groups.length) out.supplemental_groups = groups;
  if (sc.privileged) out.privileged = true;
  if (sc.readOnlyRootFilesystem) out.readonly_rootfs = true;
  if (sc.allowPrivilegeEscalation === false) out.no_new_privs = true;
  if (sc.capabilities) {
    out.capabilities = {
      add_capabilities: [...(sc.capabilities.add ?? [])],
      drop_capabilities: [...(sc.capabilities.drop ?? [])],
    };
  }
  return out;
}

/** Volume mounts with subPath resolved under the volume; the service-account volume added when it applies. */
export function containerMounts(pod: RPod, c: RContainer, volumes: Map<string, MountedVolume>): Mount[] {
  const mounts: Mount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) throw new ContainerConfigError(`volume "${m.name}" not found in the pod's volumes`);
    let hostPath = v.hostPath;
    if (m.subPath) {
      if (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))
        throw new ContainerConfigError(
          `invalid subPath ${JSON.stringify(m.subPath)}: must be relative and not contain '..'`,
        );
      hostPath = join(v.hostPath, m.subPath);
      if (!existsSync(hostPath) && !v.readOnly) mkdirSync(hostPath, { recursive: true, mode: 0o755 });
    }
    mounts.push({ container_path: m.mountPath, host_path: hostPath, readonly: !!m.readOnly || v.readOnly });
  }
  const sa = volumes.get(serviceAccountVolumeName);
  if (sa && needsServiceAccountVolume(pod))
    mounts.push({ container_path: serviceAccountMountPath, host_path: sa.hostPath, readonly: true });
  return mounts;
}
