/**
 * Which Nodes exist, for the registry `berth up` runs: a node's client certificate stays valid
 * until it expires, but its pull access should end when the Node object is deleted (as the API
 * server's node authorizer stops serving a node's pods then). A shared informer on nodes keeps the
 * names in memory (list, then watch), so the per-request check is a map lookup. Until the first
 * list has arrived nothing counts as existing: node pulls are refused (containerd retries) rather
 * than allowed for a node that may be gone.
 */
import type { Client } from '../client/client.ts';
import { SharedInformer } from '../client/informer.ts';
import type { ClientLogger } from '../client/logger.ts';

/** The live view of Node names. */
export interface NodePresence {
  /** Whether Node `name` exists (false until the first list arrived). */
  exists(name: string): boolean;
  /** Resolves true once the first list arrived, false when stopped first. */
  synced(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts watching Nodes through `client` (which must be allowed to list and watch them). */
export function watchNodes(client: Client, logger?: ClientLogger): NodePresence {
  const informer = new SharedInformer(client.resource('', 'v1', 'nodes'), logger ? { logger } : {});
  informer.run();
  return {
    // Cluster-scoped objects are keyed by name alone.
    exists: (name) => informer.hasSynced() && informer.store.get(name) !== undefined,
    synced: () => informer.waitForSync(),
    stop: () => informer.stop(),
  };
}
