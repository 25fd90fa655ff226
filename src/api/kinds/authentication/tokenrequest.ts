/**
 * TokenRequest rules for the serviceaccounts/token subresource (served by the core group): the
 * default lifetime of one hour and the bounds Kubernetes puts on requested lifetimes.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { obj, str } from '../../validation/util.ts';

const DEFAULT_SECONDS = 3600;
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;
const BOUND_KINDS = ['Pod', 'Secret', 'Node'];

/** Sets spec.expirationSeconds to one hour when unset. Mutates. */
export function defaultTokenRequest(o: KubeObject): void {
  if (!o.spec || typeof o.spec !== 'object' || Array.isArray(o.spec)) o.spec = {};
  const spec = o.spec as Record<string, unknown>;
  spec.expirationSeconds ??= DEFAULT_SECONDS;
}

/** Lifetime between 10 minutes and 2^32 seconds; a bound object must be a Pod, Secret or Node. */
export function validateTokenRequest(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const secs = spec.expirationSeconds;
  if (typeof secs === 'number') {
    if (secs < MIN_SECONDS)
      errs.push(
        fieldError.invalid('spec.expirationSeconds', secs, 'may not specify a duration less than 10 minutes'),
      );
    if (secs > MAX_SECONDS)
      errs.push(
        fieldError.invalid(
          'spec.expirationSeconds',
          secs,
          'may not specify a duration larger than 2^32 seconds',
        ),
      );
  }
  if (spec.boundObjectRef != null) {
    const kind = str(obj(spec.boundObjectRef).kind);
    if (!BOUND_KINDS.includes(kind))
      errs.push(fieldError.notSupported('spec.boundObjectRef.kind', kind, BOUND_KINDS));
  }
  return errs;
}
