/**
 * What the runtime holds for one pod, read fresh on every sync (so an agent restart loses nothing):
 * its sandboxes (newest first) and its containers grouped by name, newest attempt first, with the
 * full status of the two newest of each name (current state and lastState). Older containers are
 * listed for garbage collection.
 */
import type { RuntimeService } from '../cri/service.ts';
import type { Container, ContainerStatus, PodSandbox } from '../cri/types.ts';
import { isNotFound } from '../cri/errors.ts';
import { annotationContainerHash, labelContainerName, labelNode, labelPodUid } from './labels.ts';
import type { RuntimeContainer } from './status.ts';

export interface SandboxView {
  id: string;
  ready: boolean;
  attempt: number;
  createdAt: number;
}

export interface PodRuntime {
  /** Newest first. */
  sandboxes: SandboxView[];
  /** By container name, newest attempt first (at most two each). */
  containers: Map<string, RuntimeContainer[]>;
  /** Containers older than the two newest of their name, or of a sandbox other than the newest. */
  stale: string[];
}

/** Nanoseconds since the epoch (decimal string) → milliseconds; 0 stays 0. */
export function nanosToMs(ns: string): number {
  if (!ns || ns === '0') return 0;
  return Number(BigInt(ns) / 1_000_000n);
}

export function toRuntimeContainer(s: ContainerStatus, sandboxId: string): RuntimeContainer {
  return {
    id: s.id,
    name: s.metadata?.name ?? s.labels[labelContainerName] ?? '',
    attempt: s.metadata?.attempt ?? 0,
    sandboxId,
    state: s.state,
    createdAt: nanosToMs(s.created_at),
    startedAt: nanosToMs(s.started_at),
    finishedAt: nanosToMs(s.finished_at),
    exitCode: s.exit_code,
    reason: s.reason,
    message: s.message,
    image: s.image?.image ?? '',
    imageRef: s.image_ref,
    hash: s.annotations[annotationContainerHash] ?? '',
  };
}

function sandboxView(s: PodSandbox): SandboxView {
  return {
    id: s.id,
    ready: s.state === 'SANDBOX_READY',
    attempt: s.metadata?.attempt ?? 0,
    createdAt: nanosToMs(s.created_at),
  };
}

/** Reads the pod's sandboxes and containers from the runtime. */
export async function observePod(cri: RuntimeService, nodeName: string, uid: string): Promise<PodRuntime> {
  const selector = { [labelPodUid]: uid, [labelNode]: nodeName };
  const [sandboxes, containers] = await Promise.all([
    cri.listPodSandbox({ label_selector: selector }),
    cri.listContainers({ label_selector: selector }),
  ]);
  const views = sandboxes.map(sandboxView).sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  const current = views[0]?.id;
  const byName = new Map<string, Container[]>();
  const stale: string[] = [];
  for (const c of containers) {
    if (c.pod_sandbox_id !== current) {
      stale.push(c.id);
      continue;
    }
    const name = c.metadata?.name ?? c.labels[labelContainerName] ?? '';
    const list = byName.get(name) ?? [];
    list.push(c);
    byName.set(name, list);
  }
  const out = new Map<string, RuntimeContainer[]>();
  for (const [name, list] of byName) {
    list.sort(
      (a, b) =>
        (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0) ||
        nanosToMs(b.created_at) - nanosToMs(a.created_at),
    );
    const statuses: RuntimeContainer[] = [];
    for (const c of list.slice(0, 2)) {
      try {
        const s = (await cri.containerStatus(c.id)).status;
        if (s) statuses.push(toRuntimeContainer(s, c.pod_sandbox_id));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    stale.push(...list.slice(2).map((c) => c.id));
    out.set(name, statuses);
  }
  return { sandboxes: views, containers: out, stale };
}
