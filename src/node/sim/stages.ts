/**
 * Pod lifecycle stages as data, in the manner of kwok: each stage has a selector over the pod
 * (match expressions on dotted paths such as `.status.phase`), a delay with jitter (optionally read
 * from an annotation), and what comes next — a named status template to write, or deletion.
 * The engine applies the first stage whose selector matches; writing the next status makes the
 * pod match a later stage, and so the lifecycle unfolds. Changing simulated behaviour means
 * changing this table, not the engine.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Pod } from '../../scheduler/types.ts';

export interface StageExpression {
  /** Path into the pod, e.g. `.spec.restartPolicy`, `.metadata.annotations["berth.io/x"]`. */
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface StageDelay {
  durationMs: number;
  /** A random extra up to this much is added. */
  jitterMs?: number;
  /** An annotation whose duration ("2s") replaces durationMs when the pod has it. */
  durationFromAnnotation?: string;
}

/**
 * The status templates (pod-status.ts): `running` (started and Ready), `succeeded` (exit 0),
 * `finished` (exit with the pod's sim exit code: Succeeded for 0, Failed otherwise) and
 * `restarted` (the containers exited with the sim exit code and were restarted in place).
 */
export type StageStatus = 'running' | 'succeeded' | 'finished' | 'restarted';

export type StageNext = { status: StageStatus } | { delete: true };

export interface Stage {
  name: string;
  selector: { matchExpressions: StageExpression[] };
  delay: StageDelay;
  next: StageNext;
}

/** One step of a path: a field name, or the first list element whose `field` equals `value`. */
type Segment = string | { field: string; value: string };

/** The segments of `.a.b["c.d/e"]` and `.status.conditions[type=Ready].status`. */
function segments(path: string): Segment[] {
  return [...path.matchAll(/\.([^.[\]"]+)|\["([^"]+)"\]|\[([^=\]"]+)=([^\]"]*)\]/g)].map((m) =>
    m[3] !== undefined ? { field: m[3], value: m[4]! } : (m[1] ?? m[2]!),
  );
}

/**
 * The value at a path such as `.status.phase`, `.metadata.annotations["berth.io/x"]` or
 * `.status.conditions[type=Ready].status` (the first list element whose field has that value), as
 * a string (objects as JSON); undefined when absent or null.
 */
export function valueAt(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of segments(path)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    if (typeof part === 'string') cur = (cur as Record<string, unknown>)[part];
    else
      cur = Array.isArray(cur)
        ? (cur as unknown[]).find(
            (e) =>
              typeof e === 'object' &&
              e !== null &&
              (e as Record<string, unknown>)[part.field] === part.value,
          )
        : undefined;
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

/** True when every expression holds for the pod. */
export function stageMatches(stage: Stage, pod: DeepReadonly<Pod>): boolean {
  return stage.selector.matchExpressions.every((e) => {
    const v = valueAt(pod, e.key);
    switch (e.operator) {
      case 'In':
        return v !== undefined && (e.values ?? []).includes(v);
      case 'NotIn':
        return v === undefined || !(e.values ?? []).includes(v);
      case 'Exists':
        return v !== undefined;
      case 'DoesNotExist':
        return v === undefined;
      default:
        return false;
    }
  });
}

/**
 * The stage that marks a running pod Ready again after someone else (the node lifecycle
 * controller) marked it not Ready; the sim lets it apply only while the pod's node is Ready.
 */
export const readyAgainStage = 'pod-ready-again';

/** The annotation that makes any pod finish (Succeeded) after the given duration. */
export const simDurationAnnotation = 'berth.io/sim-duration';

/**
 * The annotation giving the exit code a pod's containers finish with (default 0). Non-zero: a pod
 * with restartPolicy Never ends Failed; with OnFailure or Always its containers are restarted in
 * place (restartCount goes up) every duration, like a crash loop.
 */
export const simExitCodeAnnotation = 'berth.io/sim-exit-code';

export interface StageOptions {
  /** Bound → Running/Ready (default 1 s). */
  readyDelayMs?: number;
  /** Running → Succeeded for Job-like pods (default 2 s). */
  jobDurationMs?: number;
  /** Fraction of each delay added at random (default 0.1). */
  jitter?: number;
}

/**
 * The default lifecycle: delete when deleting, start when bound, restart crashing containers of
 * pods that may restart, finish Job-like pods (with their sim exit code).
 */
export function defaultStages(o: StageOptions = {}): Stage[] {
  const ready = o.readyDelayMs ?? 1000;
  const job = o.jobDurationMs ?? 2000;
  const jitter = o.jitter ?? 0.1;
  const notDeleting: StageExpression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
  const running: StageExpression = { key: '.status.phase', operator: 'In', values: ['Running'] };
  const finish = { durationMs: job, jitterMs: job * jitter, durationFromAnnotation: simDurationAnnotation };
  const exitsNonZero: StageExpression[] = [
    { key: `.metadata.annotations["${simExitCodeAnnotation}"]`, operator: 'Exists' },
    { key: `.metadata.annotations["${simExitCodeAnnotation}"]`, operator: 'NotIn', values: ['0'] },
  ];
  return [
    {
      name: 'pod-delete',
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
      delay: { durationMs: 0 },
      next: { delete: true },
    },
    {
      name: 'pod-ready',
      selector: {
        matchExpressions: [
          notDeleting,
          { key: '.status.phase', operator: 'NotIn', values: ['Running', 'Succeeded', 'Failed'] },
        ],
      },
      delay: { durationMs: ready, jitterMs: ready * jitter },
      next: { status: 'running' },
    },
    {
      // A running pod someone else marked not Ready — the node lifecycle controller does so while
      // its node is NotReady — is Ready again once the node reports, as a kubelet's status sync
      // rewrites it. Pods that finish or crash-loop are left to their own stages.
      name: readyAgainStage,
      selector: {
        matchExpressions: [
          notDeleting,
          running,
          { key: '.status.conditions[type=Ready].status', operator: 'In', values: ['False'] },
          { key: `.metadata.annotations["${simExitCodeAnnotation}"]`, operator: 'DoesNotExist' },
        ],
      },
      delay: { durationMs: 0 },
      next: { status: 'running' },
    },
    {
      name: 'pod-restart-failed-container',
      selector: {
        matchExpressions: [
          notDeleting,
          running,
          ...exitsNonZero,
          { key: '.spec.restartPolicy', operator: 'NotIn', values: ['Never'] },
        ],
      },
      delay: finish,
      next: { status: 'restarted' },
    },
    {
      name: 'pod-complete-job',
      selector: {
        matchExpressions: [
          notDeleting,
          running,
          { key: '.spec.restartPolicy', operator: 'In', values: ['Never', 'OnFailure'] },
        ],
      },
      delay: finish,
      next: { status: 'finished' },
    },
    {
      name: 'pod-complete-annotated',
      selector: {
        matchExpressions: [
          notDeleting,
          running,
          { key: `.metadata.annotations["${simDurationAnnotation}"]`, operator: 'Exists' },
        ],
      },
      delay: finish,
      next: { status: 'finished' },
    },
  ];
}
