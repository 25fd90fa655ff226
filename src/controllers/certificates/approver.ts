/**
 * The CSR approver: approves node client certificate requests (signer
 * kubernetes.io/kube-apiserver-client-kubelet) that are well-formed and come from
 * - a bootstrap token (group system:bootstrappers): a joining node's first certificate, or
 * - the very node named in the request (username system:node:NAME = CN): a renewal;
 * and node serving certificate requests (signer kubernetes.io/kubelet-serving) that a node makes for
 * itself (username = CN, group system:nodes) whose every subjectAltName is one of its Node's
 * status.addresses — so a node can never obtain a certificate for another machine's name or IP.
 * Everything else is left Pending for a human (`kubectl certificate approve`). Kubernetes decides
 * client requests with SubjectAccessReviews on certificatesigningrequests/nodeclient and
 * /selfnodeclient and leaves serving requests to an external approver; Berth applies these rules
 * directly. Approval goes through the /approval subresource.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { parseCertificateRequest } from '../../apiserver/pki/csr.ts';
import type { Clock } from '../../client/clock.ts';
import type { Client } from '../../client/client.ts';
import type { SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import type { KubeObject } from '../../api/object.ts';
import {
  hasCondition,
  kubeletClientSigner,
  kubeletServingProblem,
  kubeletServingSigner,
  nodeClientProblem,
  requestPem,
  timestamp,
  type Csr,
} from './csr.ts';

const groupBootstrappers = 'system:bootstrappers';
const groupNodes = 'system:nodes';
const approvedSigners = new Set([kubeletClientSigner, kubeletServingSigner]);

/** The addresses (any type) a Node reports in status.addresses. */
export function nodeAddresses(node: DeepReadonly<KubeObject> | undefined): Set<string> {
  const list = (node?.status as { addresses?: readonly { address?: string }[] } | undefined)?.addresses ?? [];
  return new Set(list.map((a) => a.address ?? '').filter(Boolean));
}

/** Why a kubelet-serving `csr` is auto-approved, or undefined; `node` looks a Node up by name. */
async function servingApproval(
  csr: DeepReadonly<Csr>,
  node: (name: string) => DeepReadonly<KubeObject> | undefined,
): Promise<{ reason: string; message: string } | undefined> {
  let parsed;
  try {
    parsed = await parseCertificateRequest(requestPem(csr));
  } catch {
    return undefined;
  }
  if (kubeletServingProblem(parsed, [...(csr.spec.usages ?? [])])) return undefined;
  if (csr.spec.username !== parsed.commonName || !(csr.spec.groups ?? []).includes(groupNodes))
    return undefined;
  const known = nodeAddresses(node(parsed.commonName.slice('system:node:'.length)));
  const names = parsed.subjectAltNames.map((n) => n.slice(n.indexOf(':') + 1));
  if (!names.every((n) => known.has(n))) return undefined;
  return {
    reason: 'AutoApproved',
    message: 'Auto-approved node serving certificate requested by the node itself for its own addresses',
  };
}

/**
 * Why `csr` is auto-approved (a reason and message), or undefined when it is not. `node` looks up a
 * Node by name (serving requests are checked against its addresses; none = not approved).
 */
export async function autoApproval(
  csr: DeepReadonly<Csr>,
  node: (name: string) => DeepReadonly<KubeObject> | undefined = () => undefined,
): Promise<{ reason: string; message: string } | undefined> {
  if (!approvedSigners.has(csr.spec.signerName)) return undefined;
  if (hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return undefined;
  if (csr.spec.signerName === kubeletServingSigner) return servingApproval(csr, node);
  let parsed;
  try {
    parsed = await parseCertificateRequest(requestPem(csr));
  } catch {
    return undefined; // the signer marks unparsable requests Failed
  }
  if (nodeClientProblem(parsed, [...(csr.spec.usages ?? [])])) return undefined;
  if ((csr.spec.groups ?? []).includes(groupBootstrappers))
    return {
      reason: 'AutoApproved',
      message: 'Auto-approved node client certificate requested with a bootstrap token',
    };
  if (csr.spec.username === parsed.commonName)
    return {
      reason: 'AutoApproved',
      message: 'Auto-approved node client certificate renewal requested by the node itself',
    };
  return undefined;
}

export class CsrApprovingController implements Controller {
  readonly name = 'csrapproving';
  private queue!: WorkQueue<string>;
  private lister!: Lister<Csr>;
  private nodes!: Lister<KubeObject>;
  private client!: Client;
  private clock!: Clock;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private readonly removers: (() => void)[] = [];

  /** Registers handlers and makes the queue, without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    const inf: SharedInformer<Csr> = ctx.informers.forResource<Csr>(
      'certificates.k8s.io',
      'v1',
      'certificatesigningrequests',
    );
    this.lister = inf.lister;
    const nodes = ctx.informers.forResource<KubeObject>('', 'v1', 'nodes');
    this.nodes = nodes.lister;
    const enqueue = (csr: DeepReadonly<Csr>) => {
      if (
        approvedSigners.has(csr.spec.signerName) &&
        !hasCondition(csr, 'Approved') &&
        !hasCondition(csr, 'Denied')
      )
        this.queue.add(csr.metadata.name!);
    };
    this.removers.push(inf.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) }));
    // A serving request may arrive before its Node reports the addresses it names: look again
    // at pending serving requests whenever a Node changes.
    const recheck = () => {
      for (const csr of this.lister.list()) if (csr.spec.signerName === kubeletServingSigner) enqueue(csr);
    };
    this.removers.push(nodes.addEventHandler({ onAdd: recheck, onUpdate: recheck }));
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: 2,
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

  async reconcile(key: string): Promise<ReconcileResult> {
    const csr = this.lister.get('', splitKey(key).name);
    if (!csr) return;
    const why = await autoApproval(csr, (name) => this.nodes.get('', name));
    if (!why) return;
    const now = timestamp(this.clock.now());
    try {
      await this.client.resource<Csr>('certificates.k8s.io', 'v1', 'certificatesigningrequests').patch(
        undefined,
        csr.metadata.name!,
        'merge',
        {
          metadata: { resourceVersion: csr.metadata.resourceVersion },
          status: {
            conditions: [
              { type: 'Approved', status: 'True', ...why, lastUpdateTime: now, lastTransitionTime: now },
            ],
          },
        },
        { subresource: 'approval' },
      );
      this.log.info(
        { csr: key, requester: csr.spec.username, signer: csr.spec.signerName },
        'approved node certificate request',
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
}

export function csrApprovingController(): CsrApprovingController {
  return new CsrApprovingController();
}
