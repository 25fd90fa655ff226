/**
 * The CSR signer: issues certificates from the cluster CA for approved requests addressed to
 * kubernetes.io/kube-apiserver-client-kubelet (node client certificates),
 * kubernetes.io/kubelet-serving (node agents' serving certificates, with their subjectAltNames) and
 * kubernetes.io/kube-apiserver-client (user client certificates). A request that breaks its signer's
 * rules gets a Failed condition instead. The validity is spec.expirationSeconds when given, capped by
 * the signing duration (one year unless told) and by the CA's own expiry.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { CertificateAuthority } from '../../apiserver/pki/issue.ts';
import { parseCertificateRequest, signCertificateRequest } from '../../apiserver/pki/csr.ts';
import type { Clock } from '../../client/clock.ts';
import type { Client } from '../../client/client.ts';
import type { SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import {
  apiserverClientProblem,
  apiserverClientSigner,
  hasCondition,
  kubeletClientSigner,
  kubeletServingProblem,
  kubeletServingSigner,
  nodeClientProblem,
  requestPem,
  timestamp,
  type Csr,
} from './csr.ts';

const signers = new Set([kubeletClientSigner, apiserverClientSigner, kubeletServingSigner]);
const yearSeconds = 365 * 24 * 3600;

export interface CsrSigningOptions {
  ca: CertificateAuthority;
  /** Longest validity issued, seconds (one year unless told). */
  signingDurationSeconds?: number;
}

/** True when the signer should act on `csr`: one of its signers, approved, not failed, not issued. */
export function wantsSigning(csr: DeepReadonly<Csr>): boolean {
  return (
    signers.has(csr.spec.signerName) &&
    hasCondition(csr, 'Approved') &&
    !hasCondition(csr, 'Denied') &&
    !hasCondition(csr, 'Failed') &&
    !csr.status?.certificate
  );
}

export class CsrSigningController implements Controller {
  readonly name = 'csrsigning';
  private readonly opts: CsrSigningOptions;
  private queue!: WorkQueue<string>;
  private lister!: Lister<Csr>;
  private client!: Client;
  private clock!: Clock;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private readonly removers: (() => void)[] = [];

  constructor(opts: CsrSigningOptions) {
    this.opts = opts;
  }

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
    const enqueue = (csr: DeepReadonly<Csr>) => {
      if (wantsSigning(csr)) this.queue.add(csr.metadata.name!);
    };
    this.removers.push(inf.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) }));
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
    const cached = this.lister.get('', splitKey(key).name);
    if (!cached || !wantsSigning(cached)) return;
    const csr = structuredClone(cached) as Csr;
    const usages = csr.spec.usages ?? [];
    let problem: string | undefined;
    let pem = '';
    try {
      const parsed = await parseCertificateRequest(requestPem(csr));
      problem =
        csr.spec.signerName === kubeletClientSigner
          ? nodeClientProblem(parsed, usages)
          : csr.spec.signerName === kubeletServingSigner
            ? kubeletServingProblem(parsed, usages)
            : apiserverClientProblem(usages, parsed);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (!problem) {
      const max = this.opts.signingDurationSeconds ?? yearSeconds;
      const seconds = Math.min(csr.spec.expirationSeconds ?? max, max);
      pem = await signCertificateRequest(this.opts.ca, requestPem(csr), {
        seconds,
        usages,
        // Serving names were checked above (and by the approver against the Node's addresses).
        copySubjectAltNames: csr.spec.signerName === kubeletServingSigner,
      });
    }
    const status = (csr.status ??= {});
    if (problem) {
      const now = timestamp(this.clock.now());
      status.conditions = [
        ...(status.conditions ?? []),
        {
          type: 'Failed',
          status: 'True',
          reason: 'SignerValidationFailure',
          message: problem,
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
      ];
    } else {
      status.certificate = Buffer.from(pem).toString('base64');
    }
    try {
      await this.client
        .resource<Csr>('certificates.k8s.io', 'v1', 'certificatesigningrequests')
        .updateStatus(undefined, csr);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (problem) this.log.warn({ csr: key, problem }, 'certificate signing request failed validation');
    else this.log.info({ csr: key, signer: csr.spec.signerName }, 'signed certificate signing request');
  }
}

export function csrSigningController(opts: CsrSigningOptions): CsrSigningController {
  return new CsrSigningController(opts);
}
