/**
 * Which Nodes exist, and which node certificates are theirs, for the registry `berth up` runs. A
 * node's client certificate stays valid until it expires, but its pull access should end when the
 * Node object is deleted (as the API server's node authorizer stops serving a node's pods then) —
 * and must not come back when a Node of the same name is created again (a new machine joining under
 * a decommissioned machine's name): the old machine's certificate names that node too.
 *
 * So each Node name has an incarnation: the Node's metadata.uid and `certsFromMs`, the earliest issue
 * time of a certificate that belongs to it. A certificate is issued (TLS bootstrap) before its
 * agent creates the Node, so the Node's creationTimestamp cannot be the bound; the bound is when
 * the previous Node of that name went away: observed as a DELETED event, or — when the deletion was
 * missed (a relist after the watch fell behind) — the new Node's creationTimestamp minus
 * CREATE_GRACE_MS, the time an agent may take from its certificate to its Node. The first Node seen
 * under a name accepts every certificate of that name (nothing older is known). Incarnations are
 * kept in a small JSON file (with `stateFile`) so a restart does not forget a re-creation; they are
 * written only when a Node is created or deleted.
 *
 * A shared informer on nodes keeps this in memory (list, then watch), so the per-request check is a
 * map lookup. Until the first list has arrived nothing counts as existing: node pulls are refused
 * (containerd retries) rather than allowed for a node that may be gone.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KubeObject } from '../api/object.ts';
import type { Client } from '../client/client.ts';
import { deletedObject, SharedInformer } from '../client/informer.ts';
import type { ClientLogger } from '../client/logger.ts';

/** How long after its certificate's issue an agent may create its Node (when a delete was missed). */
export const CREATE_GRACE_MS = 10 * 60 * 1000;

/** One Node name's current incarnation. */
export interface NodeIncarnation {
  uid: string;
  /** Certificates issued before this (ms since the epoch) belong to an earlier Node of the name. */
  certsFromMs: number;
  /** When the Node was seen deleted (ms); cleared when a Node of the name appears again. */
  deletedAtMs?: number;
}

/** The live view of Node names. */
export interface NodePresence {
  /**
   * Whether Node `name` exists (false until the first list arrived) and, given a certificate's issue
   * time, whether that certificate was issued to this Node rather than an earlier one of the name.
   */
  exists(name: string, certIssuedAtMs?: number): boolean;
  /** Resolves true once the first list arrived, false when stopped first. */
  synced(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface NodePresenceOptions {
  logger?: ClientLogger;
  /** Where incarnations are kept across restarts (e.g. REGISTRY_ROOT/node-incarnations.json). */
  stateFile?: string;
  now?: () => number;
}

/**
 * Applies one observation to the incarnations; returns whether anything changed. Pure, for tests:
 * `seen` is a Node that exists now, `gone` one that was deleted.
 */
export function observeNode(
  state: Map<string, NodeIncarnation>,
  ev: { seen: KubeObject } | { gone: KubeObject },
  now: number,
): boolean {
  const node = 'seen' in ev ? ev.seen : ev.gone;
  const name = node.metadata.name ?? '';
  const uid = node.metadata.uid ?? '';
  const cur = state.get(name);
  if ('gone' in ev) {
    if (!cur || cur.uid !== uid || cur.deletedAtMs !== undefined) return false;
    state.set(name, { ...cur, deletedAtMs: now });
    return true;
  }
  if (!cur) {
    state.set(name, { uid, certsFromMs: 0 });
    return true;
  }
  if (cur.uid === uid) {
    if (cur.deletedAtMs === undefined) return false;
    state.set(name, { uid, certsFromMs: cur.certsFromMs }); // a stale delete (relist): still the same Node
    return true;
  }
  const created = Date.parse(node.metadata.creationTimestamp ?? '');
  const missed = Number.isFinite(created) ? created - CREATE_GRACE_MS : now - CREATE_GRACE_MS;
  state.set(name, { uid, certsFromMs: Math.max(cur.certsFromMs, cur.deletedAtMs ?? missed) });
  return true;
}

function load(file: string | undefined, log: ClientLogger | undefined): Map<string, NodeIncarnation> {
  if (!file) return new Map();
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, NodeIncarnation>;
    return new Map(Object.entries(doc));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log?.warn({ err, file }, 'cannot read node incarnations; starting afresh');
    return new Map();
  }
}

function save(file: string, state: Map<string, NodeIncarnation>): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(state), null, 1), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Starts watching Nodes through `client` (which must be allowed to list and watch them). */
export function watchNodes(client: Client, opts: NodePresenceOptions = {}): NodePresence {
  const { logger, stateFile } = opts;
  const now = opts.now ?? Date.now;
  const state = load(stateFile, logger);
  const informer = new SharedInformer(client.resource('', 'v1', 'nodes'), logger ? { logger } : {});
  const apply = (ev: { seen: KubeObject } | { gone: KubeObject }): void => {
    if (!observeNode(state, ev, now()) || !stateFile) return;
    try {
      save(stateFile, state);
    } catch (err) {
      logger?.warn({ err, file: stateFile }, 'cannot save node incarnations');
    }
  };
  informer.addEventHandler({
    onAdd: (n) => apply({ seen: n as KubeObject }),
    onUpdate: (_old, n) => apply({ seen: n as KubeObject }),
    onDelete: (n) => apply({ gone: deletedObject(n) as KubeObject }),
  });
  informer.run();
  return {
    // Cluster-scoped objects are keyed by name alone.
    exists: (name, certIssuedAtMs) => {
      if (!informer.hasSynced() || informer.store.get(name) === undefined) return false;
      if (certIssuedAtMs === undefined) return true;
      return certIssuedAtMs >= (state.get(name)?.certsFromMs ?? 0);
    },
    synced: () => informer.waitForSync(),
    stop: () => informer.stop(),
  };
}
