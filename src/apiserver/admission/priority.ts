/**
 * Priority: a new pod's spec.priority (and spec.preemptionPolicy) come from its PriorityClass —
 * the one spec.priorityClassName names, else the class marked globalDefault (the lowest-valued one
 * if several are), else priority 0 — as Kubernetes' admission plugin of the same name. A class that
 * does not exist, or a priority/preemptionPolicy in the pod that differs from the class's, is
 * refused with 403. For PriorityClasses it keeps globalDefault unique.
 */
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { admissionForbidden } from './forbidden.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

/** The priority of pods when no class applies. */
export const defaultPriorityWhenNoDefaultClassExists = 0;

const group = 'scheduling.k8s.io';

function classValue(pc: KubeObject): number {
  return typeof pc.value === 'number' ? pc.value : 0;
}

function policyOf(pc: KubeObject): string {
  return typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : 'PreemptLowerPriority';
}

/** The Priority admission plugin. */
export function priorityAdmission(api: Api): AdmissionPlugin {
  const classes = () => api.resource(group, 'priorityclasses');

  async function listClasses(): Promise<KubeObject[]> {
    const rs = classes();
    await rs.cache.start();
    return rs.cache.list(rs.prefix('')).map((c) => c.obj);
  }

  /** The named class: from the cache, confirming a miss with a live read (it may be seconds old). */
  async function getClass(name: string): Promise<KubeObject | undefined> {
    const rs = classes();
    await rs.cache.start();
    const cached = rs.cache.get(rs.key('', name))?.obj;
    if (cached) return cached;
    try {
      return (await rs.read('', name)).obj;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** The global default class with the lowest value, if any class is marked globalDefault. */
  async function defaultClass(): Promise<KubeObject | undefined> {
    let best: KubeObject | undefined;
    for (const pc of await listClasses())
      if (pc.globalDefault === true && (!best || classValue(pc) < classValue(best))) best = pc;
    return best;
  }

  async function admitPod(a: AdmissionAttributes, pod: KubeObject): Promise<void> {
    const spec = (pod.spec ?? (pod.spec = {})) as Record<string, unknown>;
    const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
    let priority = defaultPriorityWhenNoDefaultClassExists;
    let policy = 'PreemptLowerPriority';
    if (!className) {
      const dpc = await defaultClass();
      if (dpc) {
        spec.priorityClassName = dpc.metadata.name;
        priority = classValue(dpc);
        policy = policyOf(dpc);
      }
    } else {
      const pc = await getClass(className);
      if (!pc) throw admissionForbidden(a, `no PriorityClass with name ${className} was found`);
      priority = classValue(pc);
      policy = policyOf(pc);
    }
    if (typeof spec.priority === 'number' && spec.priority !== priority) {
      throw admissionForbidden(
        a,
        `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      );
    }
    spec.priority = priority;
    if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== policy) {
      throw admissionForbidden(
        a,
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
      );
    }
    spec.preemptionPolicy = policy;
  }

  async function admitClass(a: AdmissionAttributes, pc: KubeObject): Promise<void> {
    if (pc.globalDefault !== true) return;
    const dpc = await defaultClass();
    if (!dpc) return;
    if (a.operation === 'CREATE' || dpc.metadata.name !== pc.metadata.name) {
      throw admissionForbidden(
        a,
        `PriorityClass ${dpc.metadata.name} is marked as default. Only one default can exist`,
      );
    }
  }

  return {
    name: 'Priority',
    async admit(a) {
      if (a.subresource !== '' || !a.obj) return;
      if (a.kind.group === '' && a.kind.resource === 'pods' && a.operation === 'CREATE')
        return admitPod(a, a.obj);
      if (a.kind.group === group && a.kind.resource === 'priorityclasses' && a.operation !== 'DELETE')
        return admitClass(a, a.obj);
    },
  };
}
