/**
 * The contract between the controller manager and its controllers. A controller is level-triggered:
 * informer handlers only enqueue keys, workers call `reconcile(key)`, which reads listers, computes the
 * desired state and writes the difference through the client — safe to run again at any time.
 */
import type { Client } from '../client/client.ts';
import type { Clock } from '../client/clock.ts';
import type { EventRecorder } from '../client/events.ts';
import type { ClientLogger } from '../client/logger.ts';
import type { InformerFactory } from '../client/informer.ts';

export type { InformerFactory };

/** What every controller is given. */
export interface ControllerContext {
  client: Client;
  /** Shared informers: one per resource across all controllers. */
  informers: InformerFactory;
  /** An event recorder reporting as `component`. */
  recorder(component: string): EventRecorder;
  log: ClientLogger;
  clock: Clock;
  /** Aborted when the controller must stop (shutdown or lost leadership). */
  signal: AbortSignal;
}

export interface Controller {
  /** Kubernetes' name for it, e.g. `garbage-collector`, `namespace`, `deployment`. */
  name: string;
  /**
   * Registers informer handlers and starts workers; resolves once they run (informers are started
   * and synced by the manager after every controller has registered).
   */
  start(ctx: ControllerContext): Promise<void>;
  /** Stops workers; resolves when they have finished their current item. */
  stop(): Promise<void>;
}
