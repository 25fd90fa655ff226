/**
 * ObjectMeta checks every kind shares, run by the generic store on each write: names, namespace,
 * labels, annotations, finalizers and ownerReferences on create and update, and the fields that may
 * never change on update. Field paths and messages follow Kubernetes so `kubectl` prints the same.
 */
import { fieldError, type FieldError } from '../errors.ts';
import type { ObjectMeta } from '../object.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.ts';

/** The most bytes all annotation keys and values of one object may hold together (256 KiB). */
export const totalAnnotationSizeLimit = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  /** The kind's name rule; DNS-1123 subdomain when absent. */
  nameRule?: (name: string) => string[];
}

/** Labels: keys are qualified names, values label values. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldError.invalid(path, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(fieldError.invalid(path, v, msg));
  }
  return errs;
}

/** Annotations: keys are qualified names (case-insensitive), total size within 256 KiB. */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > totalAnnotationSizeLimit) errs.push(fieldError.tooLong(path, totalAnnotationSizeLimit));
  return errs;
}

/** Finalizers: qualified names; orphan and foregroundDeletion may not both be set. */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(path, f, msg));
  if (list.includes('orphan') && list.includes('foregroundDeletion'))
    errs.push(fieldError.invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

/** OwnerReferences: apiVersion, kind, name and uid present; at most one controller. */
export function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller: string | undefined;
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version)
      errs.push(fieldError.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(fieldError.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(fieldError.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldError.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) {
      if (controller !== undefined)
        errs.push(
          fieldError.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${ref.name}`,
          ),
        );
      else controller = ref.name;
    }
  }
  return errs;
}

/** Replaces a trailing '-' of a generateName so the prefix can be checked with the name rule. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

/**
 * Checks the metadata of a new or updated object: name (or generateName) against the kind's rule,
 * namespace presence by scope, labels, annotations, finalizers and ownerReferences.
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  opts: ObjectMetaOptions,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  const rule = opts.nameRule ?? isDNS1123Subdomain;
  if (meta.generateName)
    for (const msg of rule(maskTrailingDash(meta.generateName)))
      errs.push(fieldError.invalid(`${path}.generateName`, meta.generateName, msg));
  // The store fills name from generateName before validating; accept either here.
  if (!meta.name) {
    if (!meta.generateName)
      errs.push(fieldError.required(`${path}.name`, 'name or generateName is required'));
  } else for (const msg of rule(meta.name)) errs.push(fieldError.invalid(`${path}.name`, meta.name, msg));
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(fieldError.required(`${path}.namespace`));
    else
      for (const msg of isDNS1123Label(meta.namespace))
        errs.push(fieldError.invalid(`${path}.namespace`, meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(fieldError.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0)
    errs.push(
      fieldError.invalid(`${path}.generation`, meta.generation, 'must be greater than or equal to 0'),
    );
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
}

/**
 * Checks what an update may not do to metadata: change name, namespace, uid or creationTimestamp,
 * set deletionTimestamp (only deletion does), or add finalizers to an object being deleted.
 * The store also runs `validateObjectMeta` on the new metadata.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta,
  oldMeta: ObjectMeta,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const f of immutable)
    if ((meta[f] ?? '') !== (oldMeta[f] ?? ''))
      errs.push(fieldError.invalid(`${path}.${f}`, meta[f], 'field is immutable'));
  if (meta.deletionTimestamp && !oldMeta.deletionTimestamp)
    errs.push(
      fieldError.invalid(
        `${path}.deletionTimestamp`,
        meta.deletionTimestamp,
        'field is immutable; may only be changed via deletion',
      ),
    );
  if (meta.deletionGracePeriodSeconds !== undefined && oldMeta.deletionGracePeriodSeconds === undefined)
    errs.push(
      fieldError.invalid(
        `${path}.deletionGracePeriodSeconds`,
        meta.deletionGracePeriodSeconds,
        'field is immutable; may only be changed via deletion',
      ),
    );
  if (oldMeta.deletionTimestamp) {
    const old = new Set(oldMeta.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !old.has(f));
    if (added.length)
      errs.push(
        fieldError.forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
  }
  return errs;
}
