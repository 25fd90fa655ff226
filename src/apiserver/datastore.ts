/**
 * Opens the datastore a `--datastore` value names: `sqlite` (embedded, in the data directory),
 * `etcd://HOST:PORT[,HOST:PORT...]` (an etcd cluster over plaintext gRPC) or `etcds://…` (the same
 * over TLS to every endpoint, with the --etcd-* files; see etcd-tls.ts). Several API servers may
 * share one etcd. etcd keeps history until compacted, so on etcd the server compacts in the
 * background, keeping the same window as the SQLite store (everything since the previous tick, at
 * least 1,000 revisions).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CompactionWindow } from '../store/compaction-window.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { StoreError } from '../store/types.ts';
import type { Store } from '../store/types.ts';
import { etcdConnectHint, etcdTlsFlagsGiven, loadEtcdTls } from './etcd-tls.ts';
import type { EtcdTlsFiles } from './etcd-tls.ts';

export type { EtcdTlsFiles } from './etcd-tls.ts';

export interface DatastoreOptions {
  dataDir: string;
  log: (msg: string, extra?: object) => void;
  /** The --etcd-cafile/--etcd-certfile/--etcd-keyfile files: only with `etcds://`. */
  etcdTls?: EtcdTlsFiles;
  /**
   * Background compaction on etcd: every `intervalMs`, drop history older than the previous tick
   * while keeping at least `keep` revisions (defaults 5 min, 1000; CompactionWindow).
   */
  compaction?: { intervalMs: number; keep: number };
}

/** What a `--datastore` value and the --etcd-* files name; `tls` is set exactly for `etcds://`. */
export type DatastoreSpec = { kind: 'sqlite' } | { kind: 'etcd'; endpoints: string[]; tls?: EtcdTlsFiles };

/**
 * Checks a `--datastore` value against the --etcd-* files, with one-line errors: TLS files with a
 * plaintext or SQLite datastore are refused (never silently unused), and so is half a client pair.
 */
export function parseDatastore(spec: string | undefined, tls: EtcdTlsFiles = {}): DatastoreSpec {
  const given = etcdTlsFlagsGiven(tls);
  if (!spec || spec === 'sqlite') {
    if (given.length > 0)
      throw new Error(`${given.join(', ')}: only for --datastore etcds://… (TLS to etcd), not sqlite`);
    return { kind: 'sqlite' };
  }
  const scheme = /^(etcds?):\/\//.exec(spec)?.[1];
  if (!scheme) {
    throw new Error(
      `--datastore ${JSON.stringify(spec)}: expected sqlite, etcd://HOST:PORT[,HOST:PORT...] or etcds://HOST:PORT[,HOST:PORT...]`,
    );
  }
  if (scheme === 'etcd' && given.length > 0) {
    throw new Error(`${given.join(', ')}: --datastore etcd://… is plaintext; use etcds://… for TLS to etcd`);
  }
  if (scheme === 'etcds' && (tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new Error('--etcd-certfile and --etcd-keyfile go together (the client certificate and its key)');
  return { kind: 'etcd', endpoints: etcdEndpoints(spec), tls: scheme === 'etcds' ? tls : undefined };
}

/** The etcd endpoints of an `etcd://` (http) or `etcds://` (https) datastore value, as URLs. */
export function etcdEndpoints(spec: string): string[] {
  const [, scheme = '', rest = ''] = /^(etcds?):\/\/(.*)$/.exec(spec) ?? [];
  const hosts = rest
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0)
    throw new Error(`--datastore ${spec}: name at least one etcd endpoint, e.g. etcd://127.0.0.1:2379`);
  return hosts.map((h) => {
    if (!/^[\w.-]+:\d+$|^\[[\da-f:]+\]:\d+$/i.test(h))
      throw new Error(`--datastore: ${JSON.stringify(h)} is not HOST:PORT`);
    return `${scheme === 'etcds' ? 'https' : 'http'}://${h}`;
  });
}

export async function openDatastore(spec: string | undefined, o: DatastoreOptions): Promise<Store> {
  const ds = parseDatastore(spec, o.etcdTls);
  if (ds.kind === 'sqlite') {
    await mkdir(join(o.dataDir, 'db'), { recursive: true, mode: 0o700 });
    return openSqliteStore({ path: join(o.dataDir, 'db', 'state.db'), log: o.log });
  }
  const tls = ds.tls && (await loadEtcdTls(ds.tls));
  // Loaded only for etcd: the gRPC client and protobuf codecs (~120 modules) are memory a SQLite
  // server would otherwise hold for nothing.
  const { openEtcdStore } = await import('../store/etcd.ts');
  const store = await openEtcdStore({ endpoints: ds.endpoints, tls, log: o.log }).catch((err: unknown) => {
    const hint = err instanceof StoreError ? etcdConnectHint(err.message, ds.tls) : '';
    throw hint && err instanceof StoreError ? new StoreError(err.code, `${err.message} (${hint})`) : err;
  });
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
