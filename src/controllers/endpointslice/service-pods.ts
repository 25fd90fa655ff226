/**
 * The informer wiring both endpoint controllers share: a Service change enqueues that Service; a pod
 * change enqueues every Service in its namespace whose selector matches the pod now or matched it
 * before (labels may have moved it from one Service to another). Resyncs without a change are
 * ignored.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import { metaNamespaceKey, type Lister } from '../../client/store.ts';
import { selectorMatches, serviceSelector } from './pod-endpoint.ts';
import type { Pod, Service } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Services in the pod's namespace whose selector matches the pod's labels. */
export function servicesSelecting(services: Lister<Service>, pod: RO<Pod>): RO<Service>[] {
  return services
    .namespace(pod.metadata.namespace ?? '')
    .list()
    .filter((svc) => {
      const sel = serviceSelector(svc);
      return !!sel && selectorMatches(sel, pod.metadata.labels);
    });
}

/** Registers the Service and Pod handlers; returns their removers. */
export function watchServicePods(
  services: SharedInformer<Service>,
  pods: SharedInformer<Pod>,
  lister: Lister<Service>,
  enqueue: (serviceKey: string) => void,
): (() => void)[] {
  const forPod = (pod: RO<Pod>): void => {
    for (const svc of servicesSelecting(lister, pod)) enqueue(metaNamespaceKey(svc));
  };
  return [
    services.addEventHandler({
      onAdd: (svc) => enqueue(metaNamespaceKey(svc)),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) enqueue(metaNamespaceKey(cur));
      },
      onDelete: (v) => enqueue(metaNamespaceKey(deletedObject(v))),
    }),
    pods.addEventHandler({
      onAdd: (pod) => forPod(pod),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        forPod(cur);
        if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {}))
          forPod(old);
      },
      onDelete: (v) => forPod(deletedObject(v)),
    }),
  ];
}
