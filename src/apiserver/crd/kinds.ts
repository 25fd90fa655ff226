/**
 * What serving a CustomResourceDefinition means for the kind registry: one KindDef per served
 * version (names from the accepted names, scope, status and scale subresources, printer columns,
 * selectable fields, a strategy that applies schema defaults and value checks) and the schema
 * definitions they reference. Every version shares one storage, the resource itself; conversion is
 * "None": only apiVersion changes, to the storage version on write and to the served version on read.
 */
import type { KindDef, ScaleRule } from '../../api/kinds/types.ts';
import { formatApiVersion, isObject, type KubeObject } from '../../api/object.ts';
import type { Definitions } from '../../api/schema/types.ts';
import { printerColumns } from './columns.ts';
import { applyDefaults } from './defaults.ts';
import { compileJsonPath, dottedPath } from './jsonpath.ts';
import type { CrdNames } from './names.ts';
import { convertSchema, definitionName, kindDefinition, listDefinition } from './schema.ts';
import { validateValues } from './value-validation.ts';

type Obj = Record<string, unknown>;

/** The kinds and definitions one CRD contributes. */
export interface CrdServing {
  group: string;
  storageVersion: string;
  kinds: KindDef[];
  definitions: Definitions;
}

const PRESERVE: Obj = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function scaleRule(v: unknown): ScaleRule | undefined {
  if (!isObject(v) || typeof v.specReplicasPath !== 'string' || typeof v.statusReplicasPath !== 'string')
    return undefined;
  const rule: ScaleRule = {
    specReplicasPath: dottedPath(v.specReplicasPath),
    statusReplicasPath: dottedPath(v.statusReplicasPath),
  };
  if (typeof v.labelSelectorPath === 'string' && v.labelSelectorPath)
    rule.labelSelectorPath = dottedPath(v.labelSelectorPath);
  return rule;
}

function fieldSelectors(v: unknown): KindDef['fieldSelectors'] {
  const out: NonNullable<KindDef['fieldSelectors']> = {};
  for (const f of objs(v)) {
    if (typeof f.jsonPath !== 'string') continue;
    let path: (o: unknown) => unknown[];
    try {
      path = compileJsonPath(f.jsonPath);
    } catch {
      continue;
    }
    out[dottedPath(f.jsonPath)] = (o) => {
      const found = path(o)[0];
      return found === undefined || found === null ? undefined : String(found);
    };
  }
  return Object.keys(out).length ? out : undefined;
}

/** Builds the kinds of every served version of `crd`, named by `names` (its accepted names). */
export function servingOf(crd: KubeObject, names: CrdNames): CrdServing {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const group = typeof spec.group === 'string' ? spec.group : '';
  const versions = objs(spec.versions);
  const storageVersion = String(versions.find((v) => v.storage === true)?.name ?? versions[0]?.name ?? '');
  const status = isObject(crd.status) ? crd.status : {};
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  // Objects may sit in storage at another version's apiVersion only if storedVersions says so.
  const mixedStorage = stored.some((v) => v !== storageVersion);
  const storageApiVersion = formatApiVersion(group, storageVersion);
  const serving: CrdServing = { group, storageVersion, kinds: [], definitions: {} };
  for (const v of versions) {
    if (v.served !== true || typeof v.name !== 'string') continue;
    const version = v.name;
    const props =
      isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : PRESERVE;
    const schemaName = definitionName(group, version, names.kind);
    serving.definitions[schemaName] = kindDefinition(group, version, names.kind, props);
    serving.definitions[`${schemaName}List`] = listDefinition(group, version, names.kind);
    const structural = convertSchema(props);
    const subresources = isObject(v.subresources) ? v.subresources : {};
    const kind: KindDef = {
      group,
      version,
      kind: names.kind,
      listKind: names.listKind,
      resource: names.plural,
      singular: names.singular,
      namespaced: spec.scope !== 'Cluster',
      schema: schemaName,
      hasStatus: isObject(subresources.status),
      strategy: {
        defaults: (o) => applyDefaults(o, structural),
        validate: (o) => validateValues(o, props),
      },
      columns: printerColumns(objs(v.additionalPrinterColumns)),
    };
    if (names.shortNames.length) kind.shortNames = names.shortNames;
    if (names.categories.length) kind.categories = names.categories;
    const scale = scaleRule(subresources.scale);
    if (scale) kind.scale = scale;
    const selectors = fieldSelectors(v.selectableFields);
    if (selectors) kind.fieldSelectors = selectors;
    if (version !== storageVersion) {
      kind.storedAs = { group, resource: names.plural };
      kind.toStorage = (o) => ({ ...o, apiVersion: storageApiVersion });
    }
    if (version !== storageVersion || mixedStorage) kind.fromStorage = (o) => o;
    serving.kinds.push(kind);
  }
  return serving;
}
