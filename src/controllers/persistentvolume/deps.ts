/**
 * What the binder's sync functions work with: listers for reading (never mutated), clients for
 * writing, the event recorder, and the current time as Kubernetes writes it. Kept as a plain
 * interface so the sync functions stay free of controller plumbing and are easy to test.
 */
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { Lister } from '../../client/store.ts';
import type { Node } from '../../scheduler/types.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.ts';

export interface BinderDeps {
  claims: Lister<PersistentVolumeClaim>;
  volumes: Lister<PersistentVolume>;
  classes: Lister<StorageClass>;
  nodes: Lister<Node>;
  claimClient: ResourceClient<PersistentVolumeClaim>;
  volumeClient: ResourceClient<PersistentVolume>;
  recorder: EventRecorder;
  /** The current time, RFC 3339 in whole seconds. */
  now(): string;
}
