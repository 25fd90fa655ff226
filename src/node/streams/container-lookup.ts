/**
 * Finds what a stream request names — a pod by namespace and name, one of its containers — in the
 * container runtime, through the labels the pod sync loop puts on every sandbox and container (see
 * src/node/pods/labels.ts). The newest sandbox of that name decides which pod (uid) is meant, so a
 * pod deleted and made again under the same name is never confused with its predecessor.
 */
import type { RuntimeService } from '../cri/service.ts';
import type { Container, ContainerState } from '../cri/types.ts';
import { nanosToMs } from '../pods/runtime-view.ts';
import {
  labelContainerName,
  labelNode,
  labelPodName,
  labelPodNamespace,
  labelPodUid,
} from '../pods/labels.ts';

/** A stream request that cannot be served, with the HTTP code and Kubernetes' words. */
export class StreamError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

const notFound = (msg: string) => new StreamError(404, 'NotFound', msg);

export interface PodRef {
  namespace: string;
  name: string;
}

export interface FoundSandbox {
  id: string;
  uid: string;
  ready: boolean;
}

export interface FoundContainer {
  id: string;
  sandboxId: string;
  state: ContainerState;
  /** Absolute path of its CRI log file ('' when the runtime reports none). */
  logPath: string;
}

/** The newest sandbox of the pod on this node. */
export async function findSandbox(cri: RuntimeService, nodeName: string, pod: PodRef): Promise<FoundSandbox> {
  const list = await cri.listPodSandbox({
    label_selector: { [labelPodName]: pod.name, [labelPodNamespace]: pod.namespace, [labelNode]: nodeName },
  });
  const newest = list.sort((a, b) => nanosToMs(b.created_at) - nanosToMs(a.created_at))[0];
  if (!newest)
    throw notFound(`pod "${pod.name}" in namespace "${pod.namespace}" is not running on this node`);
  return { id: newest.id, uid: newest.labels[labelPodUid] ?? '', ready: newest.state === 'SANDBOX_READY' };
}

/** The pod's containers called `container`, newest first (across sandboxes of the same pod). */
async function instances(
  cri: RuntimeService,
  nodeName: string,
  pod: PodRef,
  container: string,
): Promise<{ sandbox: FoundSandbox; list: Container[] }> {
  const sandbox = await findSandbox(cri, nodeName, pod);
  const list = await cri.listContainers({
    label_selector: { [labelPodUid]: sandbox.uid, [labelContainerName]: container, [labelNode]: nodeName },
  });
  list.sort(
    (a, b) =>
      nanosToMs(b.created_at) - nanosToMs(a.created_at) ||
      (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0),
  );
  return { sandbox, list };
}

/**
 * The container whose log `kubectl logs` reads: the newest instance, or with `previous` the one
 * before it (the last terminated one).
 */
export async function findLogContainer(
  cri: RuntimeService,
  nodeName: string,
  pod: PodRef,
  container: string,
  previous: boolean,
): Promise<FoundContainer> {
  const { list } = await instances(cri, nodeName, pod, container);
  const c = list[previous ? 1 : 0];
  if (!c)
    throw previous
      ? new StreamError(
          400,
          'BadRequest',
          `previous terminated container "${container}" in pod "${pod.name}" not found`,
        )
      : new StreamError(
          400,
          'BadRequest',
          `container "${container}" in pod "${pod.name}" is waiting to start: ContainerCreating`,
        );
  const status = (await cri.containerStatus(c.id)).status;
  return {
    id: c.id,
    sandboxId: c.pod_sandbox_id,
    state: status?.state ?? c.state,
    logPath: status?.log_path ?? '',
  };
}

/** The running instance of `container` (exec and attach need one). */
export async function findRunningContainer(
  cri: RuntimeService,
  nodeName: string,
  pod: PodRef,
  container: string,
): Promise<FoundContainer> {
  const { list } = await instances(cri, nodeName, pod, container);
  const c = list.find((x) => x.state === 'CONTAINER_RUNNING');
  if (!c) throw notFound(`container not found ("${container}")`);
  return { id: c.id, sandboxId: c.pod_sandbox_id, state: c.state, logPath: '' };
}

/** Whether the container still runs (follow stops when it does not). */
export async function containerRunning(cri: RuntimeService, id: string): Promise<boolean> {
  try {
    return (await cri.containerStatus(id)).status?.state === 'CONTAINER_RUNNING';
  } catch {
    return false;
  }
}
