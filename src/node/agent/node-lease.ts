/**
 * The node's heartbeat: its Lease kube-node-lease/NAME, held by the node, leaseDurationSeconds 40,
 * renewed every 10 s (the kubelet's defaults). The Lease is owned by the Node (ownerReferences), so
 * it goes when the Node is deleted. A renewal is a compare-and-swap PUT on the last seen Lease; on a
 * conflict or a missing Lease the next renewal reads (or creates) it afresh.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client, ResourceClient } from '../../client/client.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.ts';

export const nodeLeaseNamespace = 'kube-node-lease';
export const leaseDurationSeconds = 40;
export const leaseRenewIntervalMs = 10_000;

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

export class NodeLease {
  private readonly leases: ResourceClient;
  private readonly node: string;
  private last: KubeObject | undefined;
  private nodeUid: string | undefined;

  constructor(client: Client, node: string) {
    this.leases = client.resource('coordination.k8s.io', 'v1', 'leases');
    this.node = node;
  }

  /** The Node's uid, for the owner reference (set once the Node is registered). */
  setNodeUid(uid: string | undefined): void {
    this.nodeUid = uid;
  }

  private desired(base: KubeObject | undefined, now: number): KubeObject {
    const metadata = { ...(base?.metadata ?? {}), name: this.node, namespace: nodeLeaseNamespace };
    if (this.nodeUid && !metadata.ownerReferences?.length)
      metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: this.node, uid: this.nodeUid }];
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata,
      spec: {
        ...((base?.spec as object) ?? {}),
        holderIdentity: this.node,
        leaseDurationSeconds,
        renewTime: microTime(now),
      },
    };
  }

  /** Renews (creating when missing); returns the stored Lease. Errors other than races are thrown. */
  async renew(now: number): Promise<KubeObject> {
    if (!this.last) {
      try {
        this.last = await this.leases.get(nodeLeaseNamespace, this.node);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        try {
          this.last = await this.leases.create(nodeLeaseNamespace, this.desired(undefined, now));
          return this.last;
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
          this.last = await this.leases.get(nodeLeaseNamespace, this.node);
        }
      }
    }
    try {
      this.last = await this.leases.update(nodeLeaseNamespace, this.desired(this.last, now));
      return this.last;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) this.last = undefined; // read afresh next time
      throw err;
    }
  }
}
