/**
 * Which Ingresses are Berth's: those whose class (spec.ingressClassName, or the legacy
 * kubernetes.io/ingress.class annotation) is an IngressClass with controller berth.io/ingress-nginx,
 * and those naming no class while a default IngressClass of that controller exists. Berth's own
 * class `berth` is created, as the default, when missing.
 */
import type { DeepReadonly } from '../api/object.ts';
import {
  CONTROLLER_NAME,
  DEFAULT_CLASS_ANNOTATION,
  DEFAULT_CLASS_NAME,
  LEGACY_CLASS_ANNOTATION,
  type Ingress,
  type IngressClass,
} from './types.ts';

/** The IngressClass Berth creates when it is missing. */
export function defaultIngressClass(name = DEFAULT_CLASS_NAME): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    spec: { controller: CONTROLLER_NAME },
  };
}

/** True when `ing` belongs to this controller given the known IngressClasses. */
export function isOurIngress(
  ing: DeepReadonly<Ingress>,
  classes: readonly DeepReadonly<IngressClass>[],
  controller = CONTROLLER_NAME,
): boolean {
  const named = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (named !== undefined && named !== '') {
    return classes.some((c) => c.metadata.name === named && c.spec?.controller === controller);
  }
  return classes.some(
    (c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true' && c.spec?.controller === controller,
  );
}
