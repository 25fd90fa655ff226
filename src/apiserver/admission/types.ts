/**
 * Admission: checks and changes that need more than the object itself (other objects, allocators).
 * Plugins run after the strategy's validation and before the store write, in registration order.
 * They throw StatusErrors to refuse. Mutating plugins may change `obj`.
 */
import type { KindDef } from '../../api/kinds/types.ts';
import type { KubeObject } from '../../api/object.ts';
import type { RequestContext } from '../registry/context.ts';

export interface AdmissionAttributes {
  kind: KindDef;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  subresource: string;
  namespace: string;
  name: string;
  obj?: KubeObject;
  old?: KubeObject;
  ctx: RequestContext;
}

export interface AdmissionPlugin {
  name: string;
  admit(a: AdmissionAttributes): Promise<void> | void;
  /**
   * Called after a write failed or was not made (dry run, conflict) so allocations can be released,
   * and after a delete succeeded so resources held by the object can be freed.
   */
  release?(a: AdmissionAttributes, committed: boolean): Promise<void> | void;
}
