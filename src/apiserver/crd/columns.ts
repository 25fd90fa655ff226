/**
 * `kubectl get` columns of a custom resource version from its additionalPrinterColumns, read as the
 * apiextensions table convertor reads them: each cell is the first value the column's JSONPath
 * selects, typed by the column (date columns print as ages); a version without columns gets the
 * single Age column Kubernetes serves by default. NAME is added by the server in front.
 */
import type { Column } from '../../api/kinds/types.ts';
import { ageColumn } from '../../api/table/columns.ts';
import { age } from '../../api/table/duration.ts';
import { compileJsonPath } from './jsonpath.ts';

type Obj = Record<string, unknown>;

const TYPES = new Set(['integer', 'number', 'string', 'boolean', 'date']);

function cellValue(type: Column['type'], v: unknown, now: number): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? age(v, now) : null;
    default:
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  }
}

/**
 * Columns for one version. Columns whose JSONPath is outside the supported subset show `<error>`
 * cells rather than failing the whole table.
 */
export function printerColumns(defs: Obj[]): Column[] {
  if (defs.length === 0) return [ageColumn];
  return defs.map((d) => {
    const type = (TYPES.has(String(d.type)) ? d.type : 'string') as Column['type'];
    let path: ((o: unknown) => unknown[]) | undefined;
    try {
      path = compileJsonPath(String(d.jsonPath ?? ''));
    } catch {
      path = undefined;
    }
    const column: Column = {
      name: String(d.name ?? ''),
      type,
      description: typeof d.description === 'string' ? d.description : '',
      priority: typeof d.priority === 'number' && d.priority > 0 ? 1 : 0,
      cell: (obj, now) => {
        if (!path) return '<error>';
        const found = path(obj);
        return found.length ? cellValue(type, found[0], now) : null;
      },
    };
    if (typeof d.format === 'string' && d.format) column.format = d.format;
    return column;
  });
}
