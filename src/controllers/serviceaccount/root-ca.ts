/**
 * The root CA publisher: every namespace that is not being deleted has a ConfigMap
 * `kube-root-ca.crt` whose `ca.crt` is the cluster CA, so pods can trust the API server (the
 * service-account projected volume mounts it). Edits to the ConfigMap are put back; a deleted
 * one is re-created.
 */
import type { KubeObject } from '../../api/object.ts';
import { StatusError } from '../../api/errors.ts';
import type { ResourceClient } from '../../client/client.ts';
import { deletedObject } from '../../client/informer.ts';
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import type { Lister } from '../../client/store.ts';
import type { ControllerContext } from '../types.ts';
import { KeyedController, namespaceActive } from './keyed.ts';

export const rootCaConfigMapName = 'kube-root-ca.crt';
const descriptionAnnotation = 'kubernetes.io/description';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** Kubernetes' `root-ca-cert-publisher` controller; keys are namespace names. */
export class RootCaPublisher extends KeyedController {
  readonly name = 'root-ca-cert-publisher';
  private readonly caPem: string;
  private namespaces!: Lister<KubeObject>;
  private configMaps!: Lister<ConfigMap>;
  private client!: ResourceClient<ConfigMap>;

  /** `caPem`: the cluster CA certificate(s), PEM. */
  constructor(caPem: string) {
    super();
    this.caPem = caPem;
  }

  protected setup(ctx: ControllerContext): void {
    this.client = ctx.client.resource<ConfigMap>('', 'v1', 'configmaps');
    const nsInf = ctx.informers.forResource('', 'v1', 'namespaces');
    // Only kube-root-ca.crt matters here: the server filters the watch, so the other ConfigMaps
    // (every create of which used to be encoded, sent in-process, parsed and cached here) stay out.
    const cmInf = ctx.informers.forResource<ConfigMap>('', 'v1', 'configmaps', {
      fieldSelector: `metadata.name=${rootCaConfigMapName}`,
    });
    this.namespaces = nsInf.lister;
    this.configMaps = cmInf.lister;
    const ours = (cm: { metadata: { name?: string; namespace?: string } }): void => {
      if (cm.metadata.name === rootCaConfigMapName) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.removers.push(
      nsInf.addEventHandler({
        onAdd: (ns) => this.queue.add(ns.metadata.name ?? ''),
        onUpdate: (_old, ns) => this.queue.add(ns.metadata.name ?? ''),
      }),
      cmInf.addEventHandler({
        onUpdate: (old, cm) => {
          if (old.metadata.resourceVersion !== cm.metadata.resourceVersion) ours(cm);
        },
        onDelete: (v) => ours(deletedObject(v)),
      }),
    );
  }

  async reconcile(namespace: string): Promise<void> {
    if (!namespaceActive(this.namespaces.get('', namespace))) return;
    const data = { 'ca.crt': this.caPem };
    const cur = this.configMaps.get(namespace, rootCaConfigMapName);
    try {
      if (!cur) {
        await this.client.create(namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: rootCaConfigMapName,
            namespace,
            annotations: { [descriptionAnnotation]: description },
          },
          data,
        });
        return;
      }
      const keys = Object.keys(cur.data ?? {});
      if (keys.length === 1 && cur.data?.['ca.crt'] === this.caPem) return;
      const next = structuredClone(cur) as ConfigMap;
      next.data = data;
      await this.client.update(namespace, next);
    } catch (err) {
      // Created by an earlier pass the cache has not shown yet: its event brings the key back.
      if (isAlreadyExists(err) || isNotFound(err)) return;
      if (err instanceof StatusError && err.code === 403) return; // namespace terminating
      throw err;
    }
  }
}

/** Makes the root CA publisher for the cluster CA `caPem`. */
export function rootCaPublisher(caPem: string): RootCaPublisher {
  return new RootCaPublisher(caPem);
}
