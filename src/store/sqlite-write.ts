/**
 * One write of a group-commit batch: check its condition against the key's newest row (as it stands
 * inside the batch's transaction) and append at most one row. A failed condition appends nothing and
 * becomes that write's own error, so it cannot abort the transaction the other writes share.
 */
import { StoreError } from './types.ts';
import type { KeyValue, WatchEvent } from './types.ts';
import type { LatestRow, RevisionLog } from './sqlite-log.ts';

export type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

/** Either the write's result and its watch event, or why it did not happen. */
export type WriteOutcome = { kv: KeyValue; event: WatchEvent } | { error: StoreError };

/** Applies `op` as revision `id` if its condition holds. Throws only for database failures. */
export function applyWrite(log: RevisionLog, op: WriteOp, id: number): WriteOutcome {
  const cur = log.latest(op.key, Number.MAX_SAFE_INTEGER);
  const live = cur && !cur.deleted ? cur : undefined;
  switch (op.kind) {
    case 'create': {
      if (live)
        return {
          error: new StoreError('KeyExists', `key already exists: ${op.key}`, toKeyValue(op.key, live)),
        };
      // A re-create chains on the tombstone (or on 0 when nothing is retained) for UNIQUE(name, prev_revision).
      log.insert({
        id,
        name: op.key,
        created: true,
        deleted: false,
        createRevision: id,
        prevRevision: cur?.id ?? 0,
        value: op.value,
      });
      return {
        kv: { key: op.key, value: op.value, createRevision: id, modRevision: id },
        event: { type: 'put', key: op.key, value: op.value, revision: id, createRevision: id },
      };
    }
    case 'update': {
      if (!live) return { error: notFound(op.key) };
      if (live.id !== op.expected) return { error: conflict(op.key, op.expected, live) };
      log.insert({
        id,
        name: op.key,
        created: false,
        deleted: false,
        createRevision: live.createRevision,
        prevRevision: live.id,
        value: op.value,
      });
      return {
        kv: { key: op.key, value: op.value, createRevision: live.createRevision, modRevision: id },
        event: {
          type: 'put',
          key: op.key,
          value: op.value,
          revision: id,
          createRevision: live.createRevision,
          prevValue: live.value,
        },
      };
    }
    case 'delete': {
      if (!live) return { error: notFound(op.key) };
      if (op.expected !== undefined && live.id !== op.expected)
        return { error: conflict(op.key, op.expected, live) };
      // The tombstone keeps the deleted value, so delete events (live or replayed) carry it.
      log.insert({
        id,
        name: op.key,
        created: false,
        deleted: true,
        createRevision: live.createRevision,
        prevRevision: live.id,
        value: live.value,
      });
      return {
        kv: { key: op.key, value: live.value, createRevision: live.createRevision, modRevision: id },
        event: {
          type: 'delete',
          key: op.key,
          value: live.value,
          revision: id,
          createRevision: live.createRevision,
        },
      };
    }
  }
}

function toKeyValue(key: string, row: LatestRow): KeyValue {
  return { key, value: row.value, createRevision: row.createRevision, modRevision: row.id };
}

function notFound(key: string): StoreError {
  return new StoreError('NotFound', `key not found: ${key}`);
}

function conflict(key: string, expected: number, cur: LatestRow): StoreError {
  return new StoreError(
    'Conflict',
    `key ${key} was modified: expected modRevision ${expected}, found ${cur.id}`,
    toKeyValue(key, cur),
  );
}
