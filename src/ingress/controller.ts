/**
 * The ingress controller. Informers on Ingresses, IngressClasses, Services, EndpointSlices and
 * Secrets feed one work-queue key ("sync"): any change marks the whole configuration dirty, and a
 * burst of changes collapses into one sync. A sync builds the model from the caches, renders it,
 * checks it with `nginx -t`, and only then swaps it in and reloads nginx — and only when the text
 * changed. When nginx rejects a candidate, the Ingress owning the failing line (or, when the line
 * says nothing, each Ingress tried alone) is left out and the rest is tried again, so one bad
 * Ingress never takes the others down. Rejections become Warning events on the Ingress; accepted
 * Ingresses get status.loadBalancer set to the publish address.
 */
import { mkdir, rename, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import type { Client } from '../client/client.ts';
import { EventRecorder } from '../client/events.ts';
import { SharedInformer } from '../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../client/logger.ts';
import { isAlreadyExists, isNotFound } from '../client/status.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { lookupUser, removeUnusedFiles, writeModelFiles } from './files.ts';
import { defaultIngressClass, isOurIngress } from './ingress-class.ts';
import { buildModel, ingressKey, type IngressModel, type ModelInput } from './model.ts';
import { Nginx } from './nginx.ts';
import { parseListen } from './nginx-syntax.ts';
import { renderConfig, type RenderedConfig, type RenderOptions } from './render.ts';
import {
  DEFAULT_CLASS_NAME,
  SERVICE_NAME_LABEL,
  type EndpointSlice,
  type Ingress,
  type IngressClass,
  type LoadBalancerIngress,
  type Secret,
  type Service,
} from './types.ts';

export interface IngressControllerOptions {
  client: Client;
  /** The controller's directory: nginx's prefix, configuration, certificates, logs. */
  dataDir: string;
  /** `PORT`, `IP:PORT` or `[IPv6]:PORT` (default 80 and 443). */
  httpListen?: string;
  httpsListen?: string;
  /** The address written to status.loadBalancer.ingress (an IP, or a host name); none: status untouched. */
  publishAddress?: string;
  nginxBinary?: string;
  /** User for nginx worker processes when running as root (default: root). */
  nginxUser?: string;
  workerProcesses?: number | 'auto';
  accessLog?: boolean;
  /** The IngressClass created when missing (default "berth"). */
  className?: string;
  logger?: ClientLogger;
}

/** What one sync decided. */
export interface SyncResult {
  /** The configuration changed and nginx was (re)loaded. */
  reloaded: boolean;
  accepted: string[];
  /** Ingress key → why it was left out (model checks and nginx -t alike). */
  rejected: Map<string, string>;
}

const SYNC = 'sync';

/** The first `[emerg]` line of nginx's output, without the file position. */
function nginxComplaint(output: string): string {
  const line = output.split('\n').find((l) => l.includes('[emerg]')) ?? output.split('\n')[0] ?? '';
  return line
    .replace(/^nginx: /, '')
    .replace(/ in \S+:\d+$/, '')
    .trim();
}

/** The configuration without its upstream `server` lines: what an endpoint-only change leaves equal. */
function withoutEndpoints(text: string): string {
  return text.replace(/^ *server \S+ max_fails=0;\n/gm, '');
}

export class IngressController {
  readonly nginx: Nginx;
  private readonly o: IngressControllerOptions;
  private readonly log: ClientLogger;
  private readonly queue = new WorkQueue<string>();
  private readonly recorder: EventRecorder;
  private readonly ingresses: SharedInformer<Ingress>;
  private readonly classes: SharedInformer<IngressClass>;
  private readonly services: SharedInformer<Service>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly secrets: SharedInformer<Secret>;
  private readonly dir: string;
  private readonly filesDir: string;
  private readonly confPath: string;
  private readonly candidatePath: string;
  private readonly render: RenderOptions;
  private workerOwner: { uid: number; gid: number } | undefined;
  private live = '';
  private previous = '';
  /** Ingress key → the last warning reported, so a repeat is not written again on every sync. */
  private readonly reported = new Map<string, string>();
  /** Ingress key → generation last reported as synced. */
  private readonly synced = new Map<string, string>();
  private worker: Promise<void> | undefined;

  constructor(opts: IngressControllerOptions) {
    this.o = opts;
    this.log = opts.logger ?? stderrLogger;
    const c = opts.client;
    const inf = <T extends Ingress | IngressClass | Service | EndpointSlice | Secret>(
      g: string,
      v: string,
      r: string,
      indexers?: Record<string, (o: DeepReadonly<T>) => string[]>,
    ): SharedInformer<T> => new SharedInformer<T>(c.resource<T>(g, v, r), { logger: this.log, indexers });
    this.ingresses = inf('networking.k8s.io', 'v1', 'ingresses');
    this.classes = inf('networking.k8s.io', 'v1', 'ingressclasses');
    this.services = inf('', 'v1', 'services');
    this.slices = inf<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices', {
      service: (s) => {
        const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
        return svc ? [`${s.metadata.namespace ?? ''}/${svc}`] : [];
      },
    });
    this.secrets = inf('', 'v1', 'secrets');
    this.recorder = new EventRecorder({ client: c, component: 'berth-ingress', logger: this.log });

    this.dir = join(opts.dataDir, 'nginx');
    this.filesDir = join(this.dir, 'files');
    this.confPath = join(this.dir, 'nginx.conf');
    this.candidatePath = join(this.dir, 'candidate.conf');
    const http = parseListen(opts.httpListen ?? '80');
    const https = parseListen(opts.httpsListen ?? '443');
    const root = process.getuid?.() === 0;
    this.render = {
      dir: this.dir,
      filesDir: this.filesDir,
      httpListen: http.address,
      httpsListen: https.address,
      httpsPort: https.port,
      defaultCertFile: join(this.dir, 'default-tls.pem'),
      workerProcesses: opts.workerProcesses,
      user: root ? (opts.nginxUser ?? 'root') : undefined,
      accessLog: opts.accessLog,
    };
    this.nginx = new Nginx({
      binary: opts.nginxBinary,
      prefix: this.dir,
      confPath: this.confPath,
      pidPath: join(this.dir, 'nginx.pid'),
      logger: this.log,
    });
  }

  /** Prepares the data dir, ensures the IngressClass, fills the caches, applies the first configuration and starts nginx. */
  async start(): Promise<void> {
    await this.prepareDirs();
    await this.ensureClass();
    const enqueue = {
      onAdd: () => this.queue.add(SYNC),
      onUpdate: () => this.queue.add(SYNC),
      onDelete: () => this.queue.add(SYNC),
    };
    const all = [
      this.ingresses,
      this.classes,
      this.services,
      this.slices,
      this.secrets,
    ] as unknown as SharedInformer<KubeObject>[];
    for (const i of all) {
      i.addEventHandler(enqueue);
      i.run();
    }
    for (const i of all)
      if (!(await i.waitForSync())) throw new Error('ingress controller stopped before its caches synced');
    await this.sync();
    this.worker = this.runWorker();
  }

  /** Stops the informers and the worker, then nginx (gracefully). */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(
      [this.ingresses, this.classes, this.services, this.slices, this.secrets].map((i) => i.stop()),
    );
    await this.worker;
    await this.recorder.flush();
    await this.nginx.stop();
  }

  /** Runs one sync now: build, render, test, swap, reload, report. */
  async sync(): Promise<SyncResult> {
    const classes = this.classes.store.list();
    const ours = this.ingresses.store.list().filter((i) => isOurIngress(i, classes));
    const lookup: Omit<ModelInput, 'ingresses'> = {
      getService: (ns, name) => this.services.store.get(`${ns}/${name}`),
      endpointSlices: (ns, svc) => this.slices.store.byIndex('service', `${ns}/${svc}`),
      getSecret: (ns, name) => this.secrets.store.get(`${ns}/${name}`),
    };
    const excluded = new Map<string, string>();
    let chosen: { model: IngressModel; rendered: RenderedConfig } | undefined;
    for (let attempt = 0; attempt <= ours.length && !chosen; attempt++) {
      const model = buildModel({ ...lookup, ingresses: ours.filter((i) => !excluded.has(ingressKey(i))) });
      const rendered = renderConfig(model, this.render);
      if (rendered.text === this.live) {
        chosen = { model, rendered };
        break;
      }
      // Only upstream server lines (checked addresses) changed: nginx accepted this shape already.
      if (this.live !== '' && withoutEndpoints(rendered.text) === withoutEndpoints(this.live)) {
        chosen = { model, rendered };
        break;
      }
      const test = await this.test(model, rendered, this.candidatePath);
      if (test.ok) {
        chosen = { model, rendered };
        break;
      }
      const culprits = await this.culprits(test.output, rendered, model, ours, lookup);
      if (culprits.length === 0) {
        this.log.error(
          { output: test.output },
          'nginx rejected the configuration and no Ingress could be blamed; keeping the running one',
        );
        break;
      }
      for (const k of culprits)
        excluded.set(k, `nginx rejected the configuration: ${nginxComplaint(test.output)}`);
    }
    if (!chosen) return { reloaded: false, accepted: [], rejected: excluded };

    let reloaded = false;
    if (chosen.rendered.text !== this.live || !this.nginx.running) {
      if (chosen.rendered.text !== this.live) {
        await writeFile(this.candidatePath, chosen.rendered.text, { mode: 0o600 });
        await rename(this.candidatePath, this.confPath);
        this.previous = this.live;
        this.live = chosen.rendered.text;
      }
      if (this.nginx.running) this.nginx.reload();
      else await this.nginx.start();
      reloaded = true;
      // Keep the previous configuration's files too: old workers may still be finishing requests.
      await removeUnusedFiles(this.filesDir, [this.live, this.previous]);
      this.log.info({ accepted: chosen.model.accepted.length }, 'nginx configuration applied');
    }

    const rejected = new Map([...chosen.model.rejected, ...excluded]);
    this.report(chosen.model, rejected);
    await this.writeStatus(chosen.model.accepted);
    return { reloaded, accepted: chosen.model.accepted, rejected };
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.sync();
        this.queue.forget(key);
      } catch (err) {
        this.log.error({ err }, 'ingress sync failed; retrying');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async test(
    model: IngressModel,
    rendered: RenderedConfig,
    path: string,
  ): Promise<{ ok: true } | { ok: false; output: string }> {
    await writeModelFiles(this.filesDir, model.files, this.workerOwner);
    await writeFile(path, rendered.text, { mode: 0o600 });
    return this.nginx.test(path);
  }

  /** The Ingresses to leave out for nginx's complaint: the owner of the failing line, else each one that fails alone. */
  private async culprits(
    output: string,
    rendered: RenderedConfig,
    model: IngressModel,
    ours: readonly DeepReadonly<Ingress>[],
    lookup: Omit<ModelInput, 'ingresses'>,
  ): Promise<string[]> {
    const at = new RegExp(`${this.candidatePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(output);
    const owner = at ? rendered.owners[Number(at[1]) - 1] : undefined;
    if (owner) return [owner];
    const out: string[] = [];
    const alonePath = join(this.dir, 'candidate-one.conf');
    for (const key of model.accepted) {
      const one = buildModel({ ...lookup, ingresses: ours.filter((i) => ingressKey(i) === key) });
      if (!(await this.test(one, renderConfig(one, this.render), alonePath)).ok) out.push(key);
    }
    return out;
  }

  /** Warning events for rejected Ingresses and lost paths (once per distinct message); Normal Sync for the rest. */
  private report(model: IngressModel, rejected: Map<string, string>): void {
    const find = (key: string): DeepReadonly<Ingress> | undefined => this.ingresses.store.get(key);
    for (const [key, why] of rejected) {
      const ing = find(key);
      if (!ing || this.reported.get(key) === why) continue;
      this.reported.set(key, why);
      this.synced.delete(key);
      this.recorder.event(ing, 'Warning', 'Rejected', `Ingress left out of the nginx configuration: ${why}`);
      this.log.warn({ ingress: key, reason: why }, 'ingress rejected');
    }
    for (const key of model.accepted) {
      const ing = find(key);
      if (!ing) continue;
      const lost = model.conflicts.get(key);
      const why = lost ? lost.join('; ') : '';
      if (why && this.reported.get(key) !== why)
        this.recorder.event(ing, 'Warning', 'Conflict', `Some paths are served by an older Ingress: ${why}`);
      if (why) this.reported.set(key, why);
      else this.reported.delete(key);
      const gen = String(ing.metadata.generation ?? ing.metadata.resourceVersion ?? '');
      if (this.synced.get(key) !== gen) {
        this.synced.set(key, gen);
        this.recorder.event(ing, 'Normal', 'Sync', 'Scheduled for sync');
      }
    }
    const known = new Set([...model.accepted, ...rejected.keys()]);
    for (const key of [...this.reported.keys()]) if (!known.has(key)) this.reported.delete(key);
    for (const key of [...this.synced.keys()]) if (!known.has(key)) this.synced.delete(key);
  }

  /** Points status.loadBalancer.ingress of every accepted Ingress at the publish address. */
  private async writeStatus(accepted: readonly string[]): Promise<void> {
    const addr = this.o.publishAddress;
    if (!addr) return;
    const want: LoadBalancerIngress[] = [isIP(addr) ? { ip: addr } : { hostname: addr }];
    const failures: unknown[] = [];
    for (const key of accepted) {
      const ing = this.ingresses.store.get(key);
      if (!ing || JSON.stringify(ing.status?.loadBalancer?.ingress ?? []) === JSON.stringify(want)) continue;
      try {
        await this.ingresses.client.patch(
          ing.metadata.namespace,
          ing.metadata.name ?? '',
          'merge',
          { status: { loadBalancer: { ingress: want } } },
          { subresource: 'status' },
        );
      } catch (err) {
        if (!isNotFound(err)) failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  private async ensureClass(): Promise<void> {
    const name = this.o.className ?? DEFAULT_CLASS_NAME;
    const classes = this.o.client.resource<IngressClass>('networking.k8s.io', 'v1', 'ingressclasses');
    try {
      await classes.get(undefined, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await classes.create(undefined, defaultIngressClass(name));
        this.log.info({ ingressClass: name }, 'created the default IngressClass');
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
  }

  private async prepareDirs(): Promise<void> {
    for (const d of [this.dir, this.filesDir, join(this.dir, 'logs'), join(this.dir, 'tmp')])
      await mkdir(d, { recursive: true, mode: 0o700 });
    const user = this.render.user;
    if (user && user !== 'root') {
      this.workerOwner = lookupUser(user);
      if (!this.workerOwner) throw new Error(`nginx user ${JSON.stringify(user)} does not exist`);
      // Workers need to pass through to tmp/ and the htpasswd files; listing stays closed.
      for (const d of [this.o.dataDir, this.dir, this.filesDir, join(this.dir, 'tmp')]) await chmod(d, 0o711);
    }
    const cert = this.render.defaultCertFile;
    if (!existsSync(cert)) {
      const { createCertificateAuthority } = await import('../apiserver/pki/issue.ts');
      const self = await createCertificateAuthority('berth-ingress-default-certificate', 3650);
      await writeFile(cert, `${self.cert.trim()}\n${self.key.trim()}\n`, { mode: 0o600 });
    }
  }
}
