/**
 * A container's environment as the runtime gets it: envFrom sources first (ConfigMaps and Secrets,
 * with an optional prefix, keys that are not valid variable names skipped), then env entries in
 * order (value with $(VAR) expansion against what is defined so far, fieldRef, resourceFieldRef,
 * configMapKeyRef, secretKeyRef). A missing non-optional reference is a CreateContainerConfigError
 * with kubelet's wording; an optional one is skipped.
 */
import type { ConfigSource } from './config-source.ts';
import { podFieldValue, type FieldContext } from './fieldref.ts';
import { resourceFieldValue } from './resources.ts';
import type { RContainer, RPod, ResourceList } from './types.ts';

/** A container cannot be configured yet (a referenced object or key is missing). */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Replaces $(VAR) with defined values; $$ escapes a dollar; unknown references stay as written. */
export function expandVars(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

export interface EnvContext extends FieldContext {
  configs: ConfigSource;
  nodeAllocatable: ResourceList;
}

/** The resolved environment, in definition order (a later definition replaces an earlier one). */
export async function containerEnv(pod: RPod, c: RContainer, ctx: EnvContext): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? '';
  const vars = new Map<string, string>();
  for (const src of c.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    const ref = src.configMapRef ?? src.secretRef;
    if (!ref) continue;
    const isSecret = !!src.secretRef;
    const what = isSecret ? 'secret' : 'configmap';
    const obj = isSecret
      ? await ctx.configs.secret(ns, ref.name ?? '')
      : await ctx.configs.configMap(ns, ref.name ?? '');
    if (!obj) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${what} "${ref.name ?? ''}" not found`);
    }
    for (const [k, v] of Object.entries(obj.data)) {
      const name = prefix + k;
      if (envName.test(name)) vars.set(name, v.toString('utf8'));
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      vars.set(e.name, expandVars(e.value ?? '', vars));
      continue;
    }
    if (vf.fieldRef) {
      vars.set(e.name, podFieldValue(pod, vf.fieldRef.fieldPath, ctx));
    } else if (vf.resourceFieldRef) {
      const r = vf.resourceFieldRef;
      const target = r.containerName
        ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
            (x) => x.name === r.containerName,
          )
        : c;
      vars.set(e.name, resourceFieldValue(target, r.resource, r.divisor, ctx.nodeAllocatable));
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const isSecret = !!vf.secretKeyRef;
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const what = isSecret ? 'secret' : 'configmap';
      const obj = isSecret
        ? await ctx.configs.secret(ns, ref.name ?? '')
        : await ctx.configs.configMap(ns, ref.name ?? '');
      const value = obj?.data[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(
          obj
            ? `couldn't find key ${ref.key} in ${isSecret ? 'Secret' : 'ConfigMap'} ${ns}/${ref.name ?? ''}`
            : `${what} "${ref.name ?? ''}" not found`,
        );
      }
      vars.set(e.name, value.toString('utf8'));
    }
  }
  return vars;
}
