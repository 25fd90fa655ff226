/**
 * NamespaceLifecycle: objects may only be created in a namespace that exists and is not being
 * deleted, and the namespaces every cluster relies on (default, kube-system, kube-public) may not be
 * deleted — as Kubernetes' admission plugin of the same name.
 */
import { forbidden, notFound } from '../../api/errors.ts';
import type { Api } from '../api.ts';
import type { AdmissionPlugin } from './types.ts';

export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(api: Api): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async admit(a) {
      const isNamespace = a.kind.group === '' && a.kind.resource === 'namespaces';
      if (isNamespace && a.operation === 'DELETE' && immortalNamespaces.has(a.name)) {
        throw forbidden(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`);
      }
      if (a.operation !== 'CREATE' || !a.kind.namespaced || !a.namespace) return;
      const namespaces = api.resource('', 'namespaces');
      await namespaces.cache.start();
      // The cache may trail a namespace created a moment ago (etcd): confirm a miss with a live read.
      const cached = namespaces.cache.get(namespaces.key('', a.namespace))?.obj;
      const ns =
        cached ??
        (await namespaces.read('', a.namespace).then(
          (r) => r.obj,
          () => undefined,
        ));
      if (!ns) throw notFound('namespaces', '', a.namespace);
      if (ns.metadata.deletionTimestamp) {
        // Events may still be written while a namespace drains, so the things in it can report.
        if (a.kind.resource === 'events') return;
        throw forbidden(
          `${a.kind.resource} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
        );
      }
    },
  };
}
