/** Table columns many kinds share. */
import type { Column } from '../kinds/types.ts';
import { age } from './duration.ts';

/** AGE: time since creation, with kubectl's rounding. */
export const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created.',
  priority: 0,
  cell: (obj, now) => age(obj.metadata?.creationTimestamp, now),
};

/**
 * CREATED AT: the API server's default column for kinds without a printer (roles, CRDs), as an
 * RFC 3339 UTC time.
 */
export const createdAtColumn: Column = {
  name: 'Created At',
  type: 'date',
  description: 'When the object was created.',
  priority: 0,
  cell: (obj) => {
    const ts = obj.metadata.creationTimestamp;
    if (!ts) return null;
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? ts : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
};
