/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2): every 15 s per HPA it reads the target's
 * scale subresource, measures each metric, takes the largest recommendation, passes it through the
 * behavior (stabilization, rate policies, min/max) and writes the new replica count to the scale
 * subresource, recording SuccessfulRescale. Resource and ContainerResource metrics come from the
 * resource metrics API (metrics.k8s.io/v1beta1 PodMetrics), which node agents serve; Pods, Object
 * and External metrics need a custom metrics API, which Berth does not have — such metrics are
 * reported as failing in the ScalingActive condition rather than guessed.
 */
import { parseQuantity, quantityMilliValue, quantityValue } from '../../api/quantity.ts';
import type { DeepReadonly } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { isPodReady } from '../replicaset/pod-state.ts';
import type { Pod } from '../replicaset/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { limitRate, stabilize, type Behavior, type Timed } from './behavior.ts';
import { resourceReplicas, type PodSample, type ResourceTarget } from './replica-calculator.ts';
import type { HorizontalPodAutoscaler, HpaCondition, MetricSpec, PodMetrics, Scale } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface PodAutoscalerOptions {
  /** How often each HPA is evaluated (Kubernetes' --horizontal-pod-autoscaler-sync-period, 15 s). */
  syncPeriodMs?: number;
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function amount(resource: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  try {
    const q = parseQuantity(v);
    return resource === 'cpu' ? quantityMilliValue(q) : quantityValue(q);
  } catch {
    return undefined;
  }
}

function display(resource: string, n: number): string {
  return resource === 'cpu' ? `${Math.round(n)}m` : String(Math.round(n));
}

/** The part of a container the HPA reads. */
interface ContainerRequests {
  name: string;
  resources?: { requests?: Record<string, string> };
}

interface Measured {
  replicas: number;
  /** e.g. "cpu resource utilization (percentage of request)". */
  what: string;
  status: unknown;
}

/** The `horizontal-pod-autoscaler` controller. */
export class PodAutoscalerController implements Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private readonly syncPeriodMs: number;
  private queue!: WorkQueue<string>;
  private client!: Client;
  private hpaLister!: Lister<HorizontalPodAutoscaler>;
  private podLister!: Lister<Pod>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];
  /** Per HPA: recent recommendations (stabilization) and scale changes (rate policies). */
  private readonly recommendations = new Map<string, Timed[]>();
  private readonly scaleEvents = new Map<string, Timed[]>();

  constructor(opts: PodAutoscalerOptions = {}) {
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
  }

  init(ctx: ControllerContext): void {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    const hpas = ctx.informers.forResource<HorizontalPodAutoscaler>(
      'autoscaling',
      'v2',
      'horizontalpodautoscalers',
    );
    this.hpaLister = hpas.lister;
    this.podLister = ctx.informers.forResource<Pod>('', 'v1', 'pods').lister;
    this.removers.push(
      hpas.addEventHandler({
        onAdd: (h) => this.queue.add(metaNamespaceKey(h)),
        onUpdate: (o, n) => {
          if (o.metadata.generation !== n.metadata.generation) this.queue.add(metaNamespaceKey(n));
        },
        onDelete: (v) => {
          const key = metaNamespaceKey(deletedObject(v));
          this.recommendations.delete(key);
          this.scaleEvents.delete(key);
        },
      }),
    );
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: 2,
      reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  private async scaleOf(hpa: RO<HorizontalPodAutoscaler>): Promise<{ path: string; scale: Scale }> {
    const ref = hpa.spec.scaleTargetRef;
    const rc = await this.client.resourceFor(ref.apiVersion ?? 'v1', ref.kind);
    const root = rc.group === '' ? `/api/${rc.version}` : `/apis/${rc.group}/${rc.version}`;
    const ns = encodeURIComponent(hpa.metadata.namespace ?? '');
    const path = `${root}/namespaces/${ns}/${rc.resource}/${encodeURIComponent(ref.name)}/scale`;
    return { path, scale: await this.client.call<Scale>({ method: 'GET', path }) };
  }

  /** Samples of every pod the selector picks, with usage from metrics.k8s.io. */
  private async samples(
    ns: string,
    selector: string,
    resource: string,
    container?: string,
  ): Promise<PodSample[]> {
    const pods = this.podLister
      .namespace(ns)
      .list(selector)
      .filter(
        (p) =>
          !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
      );
    const q = new URLSearchParams({ labelSelector: selector });
    const list = await this.client.call<{ items?: PodMetrics[] }>({
      method: 'GET',
      path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods`,
      query: q,
    });
    const usage = new Map<string, number>();
    for (const m of list.items ?? []) {
      let sum = 0;
      for (const c of m.containers ?? []) {
        if (container !== undefined && c.name !== container) continue;
        sum += amount(resource, c.usage?.[resource]) ?? 0;
      }
      usage.set(m.metadata.name ?? '', sum);
    }
    return pods.map((p) => {
      let request = 0;
      for (const c of (p.spec?.containers ?? []) as readonly ContainerRequests[]) {
        if (container !== undefined && c.name !== container) continue;
        request += amount(resource, c.resources?.requests?.[resource]) ?? 0;
      }
      return {
        name: p.metadata.name ?? '',
        // Only CPU is skewed by start-up; other resources count every running pod.
        ready: resource !== 'cpu' || (p.status?.phase === 'Running' && isPodReady(p)),
        usage: usage.get(p.metadata.name ?? ''),
        request: request || undefined,
      };
    });
  }

  private async measure(m: RO<MetricSpec>, ns: string, selector: string, current: number): Promise<Measured> {
    const src =
      m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    if (!src)
      throw new Error(`unable to get ${m.type} metric: Berth serves no custom or external metrics API`);
    const container = m.type === 'ContainerResource' ? m.containerResource?.container : undefined;
    const t = src.target;
    let target: ResourceTarget;
    if (t.type === 'Utilization' && t.averageUtilization !== undefined)
      target = { type: 'Utilization', averageUtilization: t.averageUtilization };
    else if (t.type === 'AverageValue' && amount(src.name, t.averageValue) !== undefined)
      target = { type: 'AverageValue', averageValue: amount(src.name, t.averageValue)! };
    else throw new Error(`invalid ${src.name} metric target`);
    const rec = resourceReplicas(
      current,
      target,
      await this.samples(ns, selector, src.name, container),
      src.name,
    );
    const currentValue = {
      averageValue: display(src.name, rec.averageValue),
      ...(rec.utilization !== undefined ? { averageUtilization: rec.utilization } : {}),
    };
    const key = m.type === 'Resource' ? 'resource' : 'containerResource';
    return {
      replicas: rec.replicas,
      what:
        target.type === 'Utilization'
          ? `${src.name} ${m.type === 'Resource' ? 'resource' : 'container resource'} utilization (percentage of request)`
          : `${src.name} ${m.type === 'Resource' ? 'resource' : 'container resource'}`,
      status: {
        type: m.type,
        [key]: { name: src.name, ...(container ? { container } : {}), current: currentValue },
      },
    };
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace: ns, name } = splitKey(key);
    const hpa = this.hpaLister.get(ns, name);
    if (!hpa || hpa.metadata.deletionTimestamp) return;
    const now = this.clock.now();
    const next = JSON.parse(JSON.stringify(hpa)) as HorizontalPodAutoscaler;
    const status = (next.status ??= {});
    const conditions = new Map<string, Omit<HpaCondition, 'lastTransitionTime'>>();
    const cond = (type: HpaCondition['type'], ok: boolean, reason: string, message: string): void => {
      conditions.set(type, { type, status: ok ? 'True' : 'False', reason, message });
    };
    const requeue = { requeueAfterMs: this.syncPeriodMs };
    let target: { path: string; scale: Scale };
    try {
      target = await this.scaleOf(hpa);
    } catch (err) {
      const msg = `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`;
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', (err as Error).message);
      cond('AbleToScale', false, 'FailedGetScale', msg);
      await this.writeStatus(hpa, next, conditions, now);
      return requeue;
    }
    const current = target.scale.spec?.replicas ?? 0;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    status.currentReplicas = target.scale.status?.replicas ?? current;
    let desired: number;
    let reason = '';
    if (current === 0 && min !== 0) {
      cond(
        'ScalingActive',
        false,
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
      desired = 0;
    } else if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const selector = target.scale.status?.selector ?? '';
      let best: Measured | undefined;
      const metrics: unknown[] = [];
      const failures: string[] = [];
      for (const m of hpa.spec.metrics ?? []) {
        try {
          const r = await this.measure(m, ns, selector, current);
          metrics.push(r.status);
          if (!best || r.replicas > best.replicas) best = r;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      status.currentMetrics = metrics;
      if (!best) {
        const msg = `the HPA was unable to compute the replica count: ${failures.join('; ')}`;
        this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', msg);
        cond(
          'AbleToScale',
          true,
          'SucceededGetScale',
          "the HPA controller was able to get the target's current scale",
        );
        cond('ScalingActive', false, 'FailedGetResourceMetric', msg);
        await this.writeStatus(hpa, next, conditions, now);
        return requeue;
      }
      cond(
        'ScalingActive',
        true,
        'ValidMetricFound',
        `the HPA was able to successfully calculate a replica count from ${best.what}`,
      );
      const history = (this.recommendations.get(key) ?? []).filter((r) => r.at > now - 3600_000);
      const events = (this.scaleEvents.get(key) ?? []).filter((r) => r.at > now - 3600_000);
      const stabilized = stabilize(
        best.replicas,
        current,
        hpa.spec.behavior as Behavior | undefined,
        history,
        now,
      );
      history.push({ at: now, replicas: best.replicas });
      this.recommendations.set(key, history);
      const limited = limitRate(
        stabilized,
        current,
        min,
        max,
        hpa.spec.behavior as Behavior | undefined,
        events,
        now,
      );
      desired = limited.replicas;
      if (limited.reason) cond('ScalingLimited', true, limited.reason, limited.message!);
      else
        cond(
          'ScalingLimited',
          false,
          'DesiredWithinRange',
          'the desired count is within the acceptable range',
        );
      reason = desired > current ? `${best.what} above target` : 'All metrics below target';
    }
    if (desired !== current) {
      const scale = JSON.parse(JSON.stringify(target.scale)) as Scale;
      scale.spec = { ...scale.spec, replicas: desired };
      try {
        await this.client.call({ method: 'PUT', path: target.path, body: scale });
      } catch (err) {
        this.recorder.event(
          hpa,
          'Warning',
          'FailedRescale',
          `New size: ${desired}; reason: ${reason}; error: ${(err as Error).message}`,
        );
        cond(
          'AbleToScale',
          false,
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${(err as Error).message}`,
        );
        await this.writeStatus(hpa, next, conditions, now);
        return requeue;
      }
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      const events = this.scaleEvents.get(key) ?? [];
      events.push({ at: now, replicas: desired - current });
      this.scaleEvents.set(key, events);
      status.lastScaleTime = rfc3339(now);
      cond(
        'AbleToScale',
        true,
        'SucceededRescale',
        'the HPA controller was able to update the target scale to ' + desired,
      );
    } else if (!conditions.has('AbleToScale'))
      cond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
    status.desiredReplicas = desired;
    await this.writeStatus(hpa, next, conditions, now);
    return requeue;
  }

  /** Writes status with conditions merged (transition times kept when a condition's status holds). */
  private async writeStatus(
    hpa: RO<HorizontalPodAutoscaler>,
    next: HorizontalPodAutoscaler,
    conds: Map<string, Omit<HpaCondition, 'lastTransitionTime'>>,
    now: number,
  ): Promise<void> {
    const status = (next.status ??= {});
    const old = hpa.status?.conditions ?? [];
    const merged: HpaCondition[] = [];
    for (const type of ['AbleToScale', 'ScalingActive', 'ScalingLimited'] as const) {
      const c = conds.get(type);
      const prev = old.find((o) => o.type === type);
      if (!c) {
        if (prev) merged.push({ ...prev });
        continue;
      }
      merged.push({
        ...c,
        lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : rfc3339(now),
      });
    }
    status.conditions = merged;
    if (hpa.metadata.generation !== undefined) status.observedGeneration = hpa.metadata.generation;
    if (JSON.stringify(status) === JSON.stringify(hpa.status)) return;
    await this.client
      .resource<HorizontalPodAutoscaler>('autoscaling', 'v2', 'horizontalpodautoscalers')
      .updateStatus(hpa.metadata.namespace, next);
  }
}
