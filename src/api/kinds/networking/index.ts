/** networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy. */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { ingress } from './ingress.ts';
import { ingressClass } from './ingressclass.ts';
import { networkPolicy } from './networkpolicy.ts';

export const module: GroupModule = {
  kinds: [ingress, ingressClass, networkPolicy],
  definitions,
};
