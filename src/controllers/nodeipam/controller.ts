/**
 * The node IPAM controller: every Node without spec.podCIDR gets the next free subnet of the
 * cluster CIDR (10.244.0.0/16 cut into /24s unless told), written as spec.podCIDR and
 * spec.podCIDRs. The allocation map lives in memory and is rebuilt from the Nodes' podCIDRs before
 * the first allocation, so a restart never hands out a subnet twice; a deleted Node's subnet goes
 * back to the pool. When the range is full the Node gets a CIDRNotAvailable event and waits for a
 * subnet to be released.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { CidrSet } from './cidr-set.ts';
import type { Node } from '../nodelifecycle/types.ts';

export const defaultClusterCidr = '10.244.0.0/16';
export const defaultNodeCidrMaskSize = 24;

export interface NodeIpamOptions {
  /** The range pod subnets come from (default 10.244.0.0/16). */
  clusterCidr?: string;
  /** Prefix length of each node's subnet (default 24). */
  nodeCidrMaskSize?: number;
  workers?: number;
}

/** Allocates pod CIDRs to Nodes; see the file comment. */
export class NodeIpamController implements Controller {
  readonly name = 'nodeipam';
  /** The address plan (exposed for tests and status lines). */
  readonly cidrs: CidrSet;
  private readonly opts: NodeIpamOptions;
  /** What this controller accounts each Node for: its podCIDR, or the one being written to it. */
  private readonly assigned = new Map<string, string>();
  private informer!: SharedInformer<Node>;
  private nodes!: ResourceClient<Node>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private queue!: WorkQueue<string>;
  private workers: Promise<void> | undefined;
  private rebuilt = false;
  private readonly removers: (() => void)[] = [];

  /** Throws when the CIDR options are invalid, so `berth server` fails at start with the reason. */
  constructor(opts: NodeIpamOptions = {}) {
    this.opts = opts;
    this.cidrs = new CidrSet(
      opts.clusterCidr ?? defaultClusterCidr,
      opts.nodeCidrMaskSize ?? defaultNodeCidrMaskSize,
    );
  }

  /** Registers handlers and makes the queue without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.log = ctx.log;
    this.recorder = ctx.recorder('node-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.nodes = ctx.client.resource<Node>('', 'v1', 'nodes');
    this.informer = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    this.removers.push(
      this.informer.addEventHandler({
        onAdd: (n) => this.queue.add(n.metadata.name ?? ''),
        onUpdate: (old, n) => {
          if ((old.spec?.podCIDR ?? '') !== (n.spec?.podCIDR ?? '') || !n.spec?.podCIDR)
            this.queue.add(n.metadata.name ?? '');
        },
        onDelete: (v) => this.queue.add(deletedObject(v).metadata.name ?? ''),
      }),
    );
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.opts.workers ?? 1,
      reconcile: (k) => this.reconcile(k),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /**
   * Accounts for every podCIDR the cache holds. Runs once, before the first allocation: the
   * informer delivers its whole first list before any key reaches a worker.
   */
  private rebuild(): void {
    if (this.rebuilt) return;
    this.rebuilt = true;
    for (const n of this.informer.lister.list()) this.account(n);
    this.log.info(
      { cidr: this.cidrs.cluster, allocated: this.cidrs.allocated, of: this.cidrs.size },
      'node IPAM: allocations rebuilt from existing nodes',
    );
  }

  /** Records a Node's existing podCIDR as taken (those outside the cluster CIDR are left alone). */
  private account(n: DeepReadonly<Node>): void {
    const name = n.metadata.name ?? '';
    const cidr = n.spec?.podCIDR;
    if (!cidr || this.assigned.get(name) === cidr) return;
    const prev = this.assigned.get(name);
    if (prev) this.cidrs.release(prev);
    if (this.cidrs.occupy(cidr)) this.assigned.set(name, cidr);
    else this.log.info({ node: name, podCIDR: cidr }, 'node podCIDR is outside the cluster CIDR; ignored');
  }

  /** Gives one Node a podCIDR if it has none, or frees the subnet of a Node that is gone. */
  async reconcile(name: string): Promise<void> {
    this.rebuild();
    const node = this.informer.lister.get('', name);
    if (!node) return this.release(name);
    if (node.spec?.podCIDR) return this.account(node);
    let cidr = this.assigned.get(name);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.recorder.event(
          node,
          'Warning',
          'CIDRNotAvailable',
          `Node ${name} status is now: CIDRNotAvailable (no free /${this.cidrs.subnetBits} left in the cluster CIDR ${this.opts.clusterCidr ?? defaultClusterCidr})`,
        );
        this.log.warn({ node: name }, 'node IPAM: cluster CIDR exhausted');
        return;
      }
      this.assigned.set(name, cidr);
    }
    const next = structuredClone(node) as Node;
    next.spec = { ...next.spec, podCIDR: cidr, podCIDRs: [cidr] };
    try {
      await this.nodes.update(undefined, next);
      this.log.info({ node: name, podCIDR: cidr }, 'node IPAM: podCIDR assigned');
    } catch (err) {
      // The subnet stays reserved for this Node: the retry (or the delete event) settles it.
      if (isNotFound(err)) return this.release(name);
      throw err;
    }
  }

  /** Returns a vanished Node's subnet and looks again at Nodes that were waiting for one. */
  private release(name: string): void {
    const cidr = this.assigned.get(name);
    if (!cidr) return;
    this.assigned.delete(name);
    this.cidrs.release(cidr);
    for (const n of this.informer.lister.list())
      if (!n.spec?.podCIDR && !this.assigned.has(n.metadata.name ?? ''))
        this.queue.add(n.metadata.name ?? '');
  }
}

/** Makes the node IPAM controller; throws on an invalid cluster CIDR or mask size. */
export function nodeIpamController(opts: NodeIpamOptions = {}): NodeIpamController {
  return new NodeIpamController(opts);
}
