/**
 * Heartbeat bookkeeping: when did this controller last hear from each node? A kubelet proves it is
 * alive in two ways — renewing its Lease in kube-node-lease (every 10 s) and posting node status
 * (a new lastHeartbeatTime on Ready). The probe time is the controller's own clock reading when it
 * saw either change, never the times written in the objects, so a node's clock skew does not
 * matter. A node seen for the first time (also after a controller restart) gets a fresh probe
 * time: it is given a full grace period before being judged.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { findCondition } from './conditions.ts';
import type { Lease, Node } from './types.ts';

export interface NodeHealth {
  /** When a heartbeat was last observed (controller clock, ms). */
  probeTimestamp: number;
  /** Ready's lastHeartbeatTime as last seen. */
  heartbeat: string | undefined;
  /** The Lease's renewTime as last seen. */
  renewTime: string | undefined;
}

/** Probe times per node name. */
export class HealthTracker {
  private readonly byNode = new Map<string, NodeHealth>();

  /** Updates and returns the node's record from its current Node and Lease. */
  observe(node: DeepReadonly<Node>, lease: DeepReadonly<Lease> | undefined, now: number): NodeHealth {
    const name = node.metadata.name ?? '';
    const heartbeat = findCondition(node.status?.conditions, 'Ready')?.lastHeartbeatTime;
    const renewTime = lease?.spec?.renewTime;
    const h = this.byNode.get(name);
    if (!h) {
      const fresh = { probeTimestamp: now, heartbeat, renewTime };
      this.byNode.set(name, fresh);
      return fresh;
    }
    if (heartbeat !== h.heartbeat) {
      h.heartbeat = heartbeat;
      if (heartbeat) h.probeTimestamp = now;
    }
    // Renewal times only move forward; a recreated Lease with any new time also counts.
    if (renewTime !== h.renewTime) {
      h.renewTime = renewTime;
      if (renewTime) h.probeTimestamp = now;
    }
    return h;
  }

  /**
   * Takes in a status this controller wrote itself (e.g. a Ready condition it added with the
   * node's creation time as heartbeat), so that it is not mistaken for the kubelet speaking.
   */
  acknowledge(node: DeepReadonly<Node>): void {
    const h = this.byNode.get(node.metadata.name ?? '');
    if (h) h.heartbeat = findCondition(node.status?.conditions, 'Ready')?.lastHeartbeatTime;
  }

  get(name: string): NodeHealth | undefined {
    return this.byNode.get(name);
  }

  forget(name: string): void {
    this.byNode.delete(name);
  }
}
