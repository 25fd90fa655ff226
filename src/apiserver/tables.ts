/**
 * meta.k8s.io/v1 Tables: what `kubectl get` prints. NAME comes first, then the kind's own columns (or
 * AGE alone for kinds without columns); each row carries the object's metadata so kubectl can show
 * namespaces (-A) and labels (--show-labels), or the whole object when includeObject=Object.
 */
import type { Column, KindDef } from '../api/kinds/types.ts';
import type { KubeObject } from '../api/object.ts';
import { ageColumn } from '../api/table/columns.ts';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace; it identifies the object in URLs.',
  priority: 0,
  cell: (o) => o.metadata.name ?? '',
};

export function columnsOf(kind: KindDef): Column[] {
  const own = kind.columns && kind.columns.length ? kind.columns : [ageColumn];
  // Kinds that place NAME themselves (events put it last, storage classes decorate it) keep their order.
  return own.some((c) => c.name === 'Name' && c.format === 'name') ? own : [nameColumn, ...own];
}

export function columnDefinitions(kind: KindDef): TableColumnDefinition[] {
  return columnsOf(kind).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description,
    priority: c.priority,
  }));
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export function tableRow(kind: KindDef, obj: KubeObject, now: number, include: IncludeObject): TableRow {
  const cells = columnsOf(kind).map((c) => {
    try {
      return c.cell(obj, now);
    } catch {
      return '<error>';
    }
  });
  const row: TableRow = { cells };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') row.object = partialObjectMetadata(obj);
  return row;
}

/** The metadata-only view of an object (meta.k8s.io/v1 PartialObjectMetadata). */
export function partialObjectMetadata(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function table(
  kind: KindDef,
  objs: readonly KubeObject[],
  meta: Record<string, unknown>,
  include: IncludeObject,
  withColumns = true,
): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(kind) : [],
    rows: objs.map((o) => tableRow(kind, o, now, include)),
  };
}

export function includeObjectFrom(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
