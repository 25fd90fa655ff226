/**
 * The ServiceAccount controller: every namespace that is not being deleted has a `default`
 * ServiceAccount — created when the namespace appears and again whenever it is deleted.
 */
import type { KubeObject } from '../../api/object.ts';
import { StatusError } from '../../api/errors.ts';
import type { ResourceClient } from '../../client/client.ts';
import { deletedObject } from '../../client/informer.ts';
import { isAlreadyExists } from '../../client/status.ts';
import type { Lister } from '../../client/store.ts';
import type { ControllerContext } from '../types.ts';
import { KeyedController, namespaceActive } from './keyed.ts';

/** The accounts every namespace gets. */
export const defaultServiceAccounts = ['default'];

/** Kubernetes' `serviceaccount` controller; keys are namespace names. */
export class ServiceAccountsController extends KeyedController {
  readonly name = 'serviceaccount';
  private namespaces!: Lister<KubeObject>;
  private accounts!: Lister<KubeObject>;
  private client!: ResourceClient<KubeObject>;

  protected setup(ctx: ControllerContext): void {
    this.client = ctx.client.resource('', 'v1', 'serviceaccounts');
    const nsInf = ctx.informers.forResource('', 'v1', 'namespaces');
    const saInf = ctx.informers.forResource('', 'v1', 'serviceaccounts');
    this.namespaces = nsInf.lister;
    this.accounts = saInf.lister;
    this.removers.push(
      nsInf.addEventHandler({
        onAdd: (ns) => this.queue.add(ns.metadata.name ?? ''),
        onUpdate: (_old, ns) => this.queue.add(ns.metadata.name ?? ''),
      }),
      saInf.addEventHandler({
        onDelete: (v) => {
          const sa = deletedObject(v);
          if (defaultServiceAccounts.includes(sa.metadata.name ?? ''))
            this.queue.add(sa.metadata.namespace ?? '');
        },
      }),
    );
  }

  async reconcile(namespace: string): Promise<void> {
    if (!namespaceActive(this.namespaces.get('', namespace))) return;
    for (const name of defaultServiceAccounts) {
      if (this.accounts.get(namespace, name)) continue;
      try {
        await this.client.create(namespace, {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace },
        });
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        // The namespace started terminating (403) or went (404) meanwhile: nothing to keep there.
        if (err instanceof StatusError && (err.code === 403 || err.code === 404)) return;
        throw err;
      }
    }
  }
}

/** Makes the ServiceAccount controller. */
export function serviceAccountsController(): ServiceAccountsController {
  return new ServiceAccountsController();
}
