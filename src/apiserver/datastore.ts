/**
 * Opens the datastore a `--datastore` value names: `sqlite` (embedded, in the data directory) or
 * `etcd://HOST:PORT[,HOST:PORT...]` (an etcd cluster; several API servers may share it). etcd keeps
 * history until compacted, so on etcd the server compacts in the background, keeping the same window
 * as the SQLite store (everything since the previous tick, at least 1,000 revisions).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CompactionWindow } from '../store/compaction-window.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';

export interface DatastoreOptions {
  dataDir: string;
  log: (msg: string, extra?: object) => void;
  /**
   * Background compaction on etcd: every `intervalMs`, drop history older than the previous tick
   * while keeping at least `keep` revisions (defaults 5 min, 1000; CompactionWindow).
   */
  compaction?: { intervalMs: number; keep: number };
}

/** The etcd endpoints of an `etcd://` datastore value, as URLs. */
export function etcdEndpoints(spec: string): string[] {
  const hosts = spec
    .slice('etcd://'.length)
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0)
    throw new Error(`--datastore ${spec}: name at least one etcd endpoint, e.g. etcd://127.0.0.1:2379`);
  return hosts.map((h) => {
    if (!/^[\w.-]+:\d+$|^\[[\da-f:]+\]:\d+$/i.test(h))
      throw new Error(`--datastore: ${JSON.stringify(h)} is not HOST:PORT`);
    return `http://${h}`;
  });
}

export async function openDatastore(spec: string | undefined, o: DatastoreOptions): Promise<Store> {
  if (!spec || spec === 'sqlite') {
    await mkdir(join(o.dataDir, 'db'), { recursive: true, mode: 0o700 });
    return openSqliteStore({ path: join(o.dataDir, 'db', 'state.db'), log: o.log });
  }
  if (!spec.startsWith('etcd://')) {
    throw new Error(
      `--datastore ${JSON.stringify(spec)}: expected sqlite or etcd://HOST:PORT[,HOST:PORT...]`,
    );
  }
  // Loaded only for etcd: the gRPC client and protobuf codecs (~120 modules) are memory a SQLite
  // server would otherwise hold for nothing.
  const { openEtcdStore } = await import('../store/etcd.ts');
  const store = await openEtcdStore({ endpoints: etcdEndpoints(spec), log: o.log });
  const { intervalMs, keep } = o.compaction ?? { intervalMs: 5 * 60_000, keep: 1000 };
  const window = new CompactionWindow(keep, await store.currentRevision());
  const timer = setInterval(() => {
    void (async () => {
      const target = window.tick(await store.currentRevision());
      if (target > (await store.compactedRevision())) await store.compact(target);
    })().catch((err: Error) => o.log('etcd compaction failed', { error: err.message }));
  }, intervalMs);
  timer.unref();
  const close = store.close.bind(store);
  store.close = async () => {
    clearInterval(timer);
    await close();
  };
  return store;
}
