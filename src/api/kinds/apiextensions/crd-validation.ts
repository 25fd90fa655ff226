/**
 * Semantic checks of a CustomResourceDefinition, worded and placed as Kubernetes' apiextensions
 * validation does: the name is <plural>.<group>, names are DNS-1035 labels, exactly one storage
 * version, a structural schema per version (a type on every node), valid subresources, printer
 * columns and conversion settings.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../../validation/names.ts';
import { obj, objects, str, type Obj } from '../../validation/util.ts';
import { isObject } from '../../object.ts';

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];
const STRATEGIES = ['None', 'Webhook'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];

function validateNames(names: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, value: string, prefix = '') => {
    const msgs = isDNS1035Label(field === 'kind' || field === 'listKind' ? value.toLowerCase() : value);
    if (value && msgs.length)
      errs.push(fieldError.invalid(`${path}.${field}`, value, prefix + msgs.join(',')));
  };
  const plural = str(names.plural);
  const kind = str(names.kind);
  const listKind = str(names.listKind);
  if (!plural) errs.push(fieldError.required(`${path}.plural`));
  label('plural', plural);
  label('singular', str(names.singular));
  if (!kind) errs.push(fieldError.required(`${path}.kind`));
  label('kind', kind, 'may have mixed case, but should otherwise match: ');
  if (!listKind) errs.push(fieldError.required(`${path}.listKind`));
  label('listKind', listKind, 'may have mixed case, but should otherwise match: ');
  if (kind && kind === listKind) {
    errs.push(
      fieldError.invalid(
        `${path}.listKind`,
        listKind,
        'kind and listKind may not be the same or listKind will be ambiguous',
      ),
    );
  }
  for (const key of ['shortNames', 'categories']) {
    (Array.isArray(names[key]) ? names[key] : []).forEach((v, i) => {
      const msgs = isDNS1035Label(str(v));
      if (msgs.length) errs.push(fieldError.invalid(`${path}.${key}[${i}]`, v, msgs.join(',')));
    });
  }
  return errs;
}

/**
 * A structural schema: every node says its type, unless it is int-or-string or keeps unknown fields;
 * the root is an object.
 */
export function validateStructural(schema: Obj, path: string, root = true): FieldError[] {
  const errs: FieldError[] = [];
  const typed =
    str(schema.type) !== '' ||
    schema['x-kubernetes-int-or-string'] === true ||
    schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (root && str(schema.type) !== 'object')
    errs.push(fieldError.invalid(`${path}.type`, str(schema.type), 'must be object at the root'));
  else if (!root && !typed)
    errs.push(fieldError.required(`${path}.type`, 'must not be empty for specified object fields'));
  for (const [name, sub] of Object.entries(obj(schema.properties))) {
    if (isObject(sub)) errs.push(...validateStructural(sub, `${path}.properties[${name}]`, false));
  }
  if (isObject(schema.items)) errs.push(...validateStructural(schema.items, `${path}.items`, false));
  if (isObject(schema.additionalProperties)) {
    errs.push(...validateStructural(schema.additionalProperties, `${path}.additionalProperties`, false));
  }
  return errs;
}

function validateVersion(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isDNS1035Label(str(v.name))) errs.push(fieldError.invalid(`${path}.name`, str(v.name), m));
  const schema = obj(v.schema).openAPIV3Schema;
  if (!isObject(schema))
    errs.push(fieldError.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else errs.push(...validateStructural(schema, `${path}.schema.openAPIV3Schema`));
  const scale = obj(v.subresources).scale;
  if (isObject(scale)) {
    const p = `${path}.subresources.scale`;
    const spec = str(scale.specReplicasPath);
    const status = str(scale.statusReplicasPath);
    if (!spec) errs.push(fieldError.required(`${p}.specReplicasPath`));
    else if (!spec.startsWith('.spec.'))
      errs.push(fieldError.invalid(`${p}.specReplicasPath`, spec, 'should be a json path under .spec'));
    if (!status) errs.push(fieldError.required(`${p}.statusReplicasPath`));
    else if (!status.startsWith('.status.'))
      errs.push(fieldError.invalid(`${p}.statusReplicasPath`, status, 'should be a json path under .status'));
    const sel = str(scale.labelSelectorPath);
    if (sel && !sel.startsWith('.spec.') && !sel.startsWith('.status.')) {
      errs.push(
        fieldError.invalid(
          `${p}.labelSelectorPath`,
          sel,
          'should be a json path under either .spec or .status',
        ),
      );
    }
  }
  objects(v.additionalPrinterColumns).forEach((c, i) => {
    const p = `${path}.additionalPrinterColumns[${i}]`;
    if (!str(c.name)) errs.push(fieldError.required(`${p}.name`));
    if (!COLUMN_TYPES.includes(str(c.type)))
      errs.push(fieldError.notSupported(`${p}.type`, str(c.type), COLUMN_TYPES));
    if (!str(c.jsonPath)) errs.push(fieldError.required(`${p}.jsonPath`));
  });
  return errs;
}

function validateConversion(conv: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const strategy = str(conv.strategy);
  if (!STRATEGIES.includes(strategy))
    return [fieldError.notSupported(`${path}.strategy`, strategy, STRATEGIES)];
  if (strategy === 'Webhook') {
    if (!isObject(conv.webhook))
      return [fieldError.required(`${path}.webhook`, 'required when strategy is set to Webhook')];
    const versions = Array.isArray(conv.webhook.conversionReviewVersions)
      ? conv.webhook.conversionReviewVersions.map(String)
      : [];
    if (!versions.some((x) => REVIEW_VERSIONS.includes(x))) {
      errs.push(
        fieldError.invalid(
          `${path}.webhook.conversionReviewVersions`,
          versions,
          `must include at least one of ${REVIEW_VERSIONS.join(', ')}`,
        ),
      );
    }
    const cc = obj(conv.webhook.clientConfig);
    if ((cc.url == null) === (cc.service == null)) {
      errs.push(
        fieldError.required(`${path}.webhook.clientConfig`, 'exactly one of url or service is required'),
      );
    }
  } else if (conv.webhook != null) {
    errs.push(
      fieldError.forbidden(`${path}.webhook`, 'should not be set when strategy is not set to Webhook'),
    );
  }
  return errs;
}

/** All create-time checks of a CustomResourceDefinition. */
export function validateCRD(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const names = obj(spec.names);
  const group = str(spec.group);
  const errs: FieldError[] = [];
  if (o.metadata.name !== `${str(names.plural)}.${group}`) {
    errs.push(
      fieldError.invalid('metadata.name', o.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'),
    );
  }
  if (!group) errs.push(fieldError.required('spec.group'));
  else {
    for (const m of isDNS1123Subdomain(group)) errs.push(fieldError.invalid('spec.group', group, m));
    if (group.split('.').length < 2)
      errs.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (!scope) errs.push(fieldError.required('spec.scope'));
  else if (!SCOPES.includes(scope)) errs.push(fieldError.notSupported('spec.scope', scope, SCOPES));
  errs.push(...validateNames(names, 'spec.names'));
  const versions = objects(spec.versions);
  if (versions.length === 0)
    errs.push(
      fieldError.required('spec.versions', 'must have exactly one version marked as storage version'),
    );
  const seen = new Set<string>();
  let storage = 0;
  let duplicate = false;
  versions.forEach((v, i) => {
    if (seen.has(str(v.name))) duplicate = true;
    seen.add(str(v.name));
    if (v.storage === true) storage++;
    errs.push(...validateVersion(v, `spec.versions[${i}]`));
  });
  if (duplicate)
    errs.push(fieldError.invalid('spec.versions', [...seen], 'must contain unique version names'));
  if (versions.length > 0 && storage !== 1) {
    errs.push(
      fieldError.invalid(
        'spec.versions',
        [...seen],
        'must have exactly one version marked as storage version',
      ),
    );
  }
  if (spec.conversion != null) errs.push(...validateConversion(obj(spec.conversion), 'spec.conversion'));
  if (spec.preserveUnknownFields === true) {
    errs.push(
      fieldError.invalid(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  }
  return errs;
}

/** The name of the version marked as storage, if exactly findable. */
export function storageVersion(o: KubeObject): string | undefined {
  const v = objects(obj(o.spec).versions).find((x) => x.storage === true);
  return v ? str(v.name) : undefined;
}

function isEstablished(o: KubeObject): boolean {
  return objects(obj(o.status).conditions).some((c) => c.type === 'Established' && c.status === 'True');
}

/** Update checks: group and plural never change, scope not once established; stored versions stay served. */
export function validateCRDUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  if (str(spec.group) !== str(oldSpec.group))
    errs.push(fieldError.invalid('spec.group', str(spec.group), 'field is immutable'));
  const plural = str(obj(spec.names).plural);
  if (plural !== str(obj(oldSpec.names).plural))
    errs.push(fieldError.invalid('spec.names.plural', plural, 'field is immutable'));
  if (isEstablished(old) && str(spec.scope) !== str(oldSpec.scope)) {
    errs.push(fieldError.invalid('spec.scope', str(spec.scope), 'field is immutable'));
  }
  const names = new Set(objects(spec.versions).map((v) => str(v.name)));
  const stored = obj(o.status).storedVersions;
  for (const v of Array.isArray(stored) ? stored.map(String) : []) {
    if (!names.has(v))
      errs.push(fieldError.invalid('status.storedVersions', v, 'must appear in spec.versions'));
  }
  return errs;
}
