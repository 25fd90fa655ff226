/**
 * Probe workers, one per probe of each running container, on the agent's clock:
 * - startup: until it succeeds, liveness and readiness do not run; started = false;
 * - readiness: `ready` follows the probe (false until the first success);
 * - liveness (and startup): after failureThreshold failures in a row the container is reported as
 *   failed, and the pod worker kills it (the restart policy then decides).
 * Each probe runs first after initialDelaySeconds, then every periodSeconds, bounded by
 * timeoutSeconds; successThreshold/failureThreshold consecutive results flip the state. A change
 * calls `onChange(podUid)` so the pod is synced (and its status written) at once.
 */
import type { Clock, ClockTimer } from '../../client/clock.ts';
import type { DeepReadonly } from '../../api/object.ts';
import type { Prober, ProbeTarget } from './prober.ts';
import type { Probe, RContainer } from './types.ts';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** What the probes of one container say. */
export interface ProbeState {
  /** Startup probe passed (true when there is none). */
  started: boolean;
  /** Readiness probe passing (true when there is none, once started). */
  ready: boolean;
  /** Liveness or startup failed past its threshold: the container must be restarted. */
  failed: boolean;
  /** Message of the probe that failed. */
  message: string;
}

interface Worker {
  kind: ProbeKind;
  probe: DeepReadonly<Probe>;
  timer?: ClockTimer;
  running: boolean;
  successes: number;
  failures: number;
  result: boolean;
}

interface ContainerProbes {
  podUid: string;
  target: ProbeTarget;
  workers: Worker[];
  state: ProbeState;
  stopped: boolean;
}

export interface ProbeManagerOptions {
  clock: Clock;
  prober: Prober;
  onChange: (podUid: string) => void;
}

export class ProbeManager {
  private readonly o: ProbeManagerOptions;
  private readonly byContainer = new Map<string, ContainerProbes>();

  constructor(o: ProbeManagerOptions) {
    this.o = o;
  }

  /** Starts the probes of a running container once; later calls only refresh the pod IP. */
  ensure(podUid: string, c: RContainer, target: ProbeTarget): void {
    const have = this.byContainer.get(target.containerId);
    if (have) {
      have.target = target;
      return;
    }
    const cp: ContainerProbes = {
      podUid,
      target,
      workers: [],
      state: { started: !c.startupProbe, ready: !c.readinessProbe, failed: false, message: '' },
      stopped: false,
    };
    const add = (kind: ProbeKind, probe: DeepReadonly<Probe> | undefined): void => {
      // Before its first success readiness is "not ready" (result false); liveness starts healthy.
      if (probe)
        cp.workers.push({
          kind,
          probe,
          running: false,
          successes: 0,
          failures: 0,
          result: kind === 'liveness',
        });
    };
    add('startup', c.startupProbe);
    add('liveness', c.livenessProbe);
    add('readiness', c.readinessProbe);
    this.byContainer.set(target.containerId, cp);
    for (const w of cp.workers) this.schedule(cp, w, (w.probe.initialDelaySeconds ?? 0) * 1000);
  }

  /** The probe state of a container (all good when it has no probes or is unknown). */
  state(containerId: string): ProbeState {
    return (
      this.byContainer.get(containerId)?.state ?? { started: true, ready: true, failed: false, message: '' }
    );
  }

  /** Stops the probes of the pod's containers that are not in `keep`. */
  retain(podUid: string, keep: ReadonlySet<string>): void {
    for (const [id, cp] of this.byContainer) if (cp.podUid === podUid && !keep.has(id)) this.stopOne(id, cp);
  }

  removePod(podUid: string): void {
    this.retain(podUid, new Set());
  }

  stopAll(): void {
    for (const [id, cp] of this.byContainer) this.stopOne(id, cp);
  }

  private stopOne(id: string, cp: ContainerProbes): void {
    cp.stopped = true;
    for (const w of cp.workers) w.timer?.cancel();
    this.byContainer.delete(id);
  }

  private schedule(cp: ContainerProbes, w: Worker, ms: number): void {
    if (cp.stopped) return;
    w.timer = this.o.clock.after(ms, () => void this.tick(cp, w));
  }

  private async tick(cp: ContainerProbes, w: Worker): Promise<void> {
    const period = (w.probe.periodSeconds ?? 10) * 1000;
    if (cp.stopped) return;
    const gated = w.kind !== 'startup' && !cp.state.started;
    if (gated || cp.state.failed || (w.kind === 'startup' && cp.state.started)) {
      if (!(w.kind === 'startup' && cp.state.started)) this.schedule(cp, w, period);
      return;
    }
    w.running = true;
    const r = await this.o.prober(w.probe, cp.target, (w.probe.timeoutSeconds ?? 1) * 1000);
    w.running = false;
    if (cp.stopped) return;
    if (r.ok) {
      w.successes++;
      w.failures = 0;
    } else {
      w.failures++;
      w.successes = 0;
    }
    const before = JSON.stringify(cp.state);
    if (r.ok && !w.result && w.successes >= (w.kind === 'readiness' ? (w.probe.successThreshold ?? 1) : 1))
      w.result = true;
    if (!r.ok && w.result !== false && w.failures >= (w.probe.failureThreshold ?? 3)) w.result = false;
    if (!r.ok && w.kind === 'startup' && w.failures >= (w.probe.failureThreshold ?? 3)) w.result = false;
    if (w.kind === 'startup') {
      if (w.result) cp.state.started = true;
      else if (w.failures >= (w.probe.failureThreshold ?? 3)) {
        cp.state.failed = true;
        cp.state.message = `Startup probe failed: ${r.message}`;
      }
    } else if (w.kind === 'liveness') {
      if (!w.result) {
        cp.state.failed = true;
        cp.state.message = `Liveness probe failed: ${r.message}`;
      }
    } else {
      cp.state.ready = w.result;
      if (!r.ok) cp.state.message = `Readiness probe failed: ${r.message}`;
    }
    if (JSON.stringify(cp.state) !== before) this.o.onChange(cp.podUid);
    this.schedule(cp, w, period);
  }
}
