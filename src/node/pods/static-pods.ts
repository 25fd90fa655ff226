/**
 * Static pods: pods the agent runs from manifest files in a directory (`--pod-manifest-path`),
 * without the API server's help, as kubelet does — so a control plane can run as pods.
 *
 * - Every `*.yaml`, `*.yml` and `*.json` file in the directory (not hidden ones) may hold one or
 *   more Pod manifests (`---`-separated). Each becomes a static pod named NAME-NODENAME in its
 *   namespace (default `default`), bound to this node, whose uid is the manifest's hash
 *   (annotation kubernetes.io/config.hash; config.source=file). An edited manifest is a new pod.
 *   automountServiceAccountToken defaults to false (no API object to bind a token to).
 * - The directory is read again every `periodMs` (default 20 s) and soon after it changes
 *   (fs.watch); the pod sync loop runs what it finds and stops what disappeared.
 * - For each static pod a mirror pod is kept in the API: the same pod with annotation
 *   kubernetes.io/config.mirror = the hash and an ownerReference to the Node. Its status is the
 *   static pod's; deleting it only makes the agent create it again; a mirror whose manifest is gone
 *   (or changed) is deleted.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock, ClockTimer } from '../../client/clock.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.ts';
import type { Pod, PodStatus, RPod } from './types.ts';

export const configHashAnnotation = 'kubernetes.io/config.hash';
export const configMirrorAnnotation = 'kubernetes.io/config.mirror';
export const configSourceAnnotation = 'kubernetes.io/config.source';
export const configSeenAnnotation = 'kubernetes.io/config.seen';

/** Whether `pod` is a static pod the agent read from a file (not its mirror). */
export function isStaticPod(pod: RPod): boolean {
  const a = pod.metadata.annotations ?? {};
  return a[configSourceAnnotation] === 'file' && !(configMirrorAnnotation in a);
}

/** Whether `pod` is a mirror pod (the API's copy of a static pod). */
export function isMirrorPod(pod: RPod): boolean {
  return configMirrorAnnotation in (pod.metadata.annotations ?? {});
}

/** What reading the manifest directory found. */
export interface ManifestRead {
  pods: Pod[];
  /** One line per file or document that could not be used. */
  errors: string[];
}

/** Reads the manifests in `dir` and turns them into this node's static pods. */
export function readManifests(dir: string, nodeName: string, seenAt = new Date()): ManifestRead {
  const out: ManifestRead = { pods: [], errors: [] };
  let files: string[];
  try {
    files = readdirSync(dir).sort();
  } catch (err) {
    out.errors.push(`${dir}: ${(err as Error).message}`);
    return out;
  }
  for (const f of files) {
    if (f.startsWith('.') || !/\.(ya?ml|json)$/i.test(f)) continue;
    const path = join(dir, f);
    let text: string;
    try {
      if (!statSync(path).isFile()) continue;
      text = readFileSync(path, 'utf8');
    } catch (err) {
      out.errors.push(`${path}: ${(err as Error).message}`);
      continue;
    }
    parseAllDocuments(text).forEach((doc, i) => {
      if (doc.errors.length) {
        out.errors.push(`${path} document ${i + 1}: ${doc.errors[0]!.message}`);
        return;
      }
      const obj: unknown = doc.toJS();
      if (obj === null || obj === undefined) return;
      const pod = staticPod(obj, nodeName, `${path}#${i}`, seenAt);
      if (typeof pod === 'string') out.errors.push(`${path} document ${i + 1}: ${pod}`);
      else out.pods.push(pod);
    });
  }
  const names = new Set<string>();
  out.pods = out.pods.filter((p) => {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (names.has(key)) out.errors.push(`static pod ${key} is defined twice; the later one is ignored`);
    return names.has(key) ? false : (names.add(key), true);
  });
  return out;
}

/** A manifest document as this node's static pod, or why it is not one. */
export function staticPod(obj: unknown, nodeName: string, source: string, seenAt: Date): Pod | string {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'not an object';
  const m = obj as Pod;
  if (m.kind !== 'Pod' || m.apiVersion !== 'v1')
    return `kind ${String(m.kind)} (${String(m.apiVersion)}): only v1 Pod manifests are static pods`;
  const name = m.metadata?.name;
  if (!name) return 'metadata.name is required';
  if (!m.spec?.containers?.length) return 'spec.containers must not be empty';
  const hash = createHash('sha256')
    .update(JSON.stringify(m))
    .update(`\0${nodeName}\0${source}`)
    .digest('hex')
    .slice(0, 32);
  const { uid: _uid, resourceVersion: _rv, ...meta } = m.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: `${name}-${nodeName}`,
      namespace: m.metadata.namespace || 'default',
      uid: hash,
      annotations: {
        ...(m.metadata.annotations ?? {}),
        [configHashAnnotation]: hash,
        [configSourceAnnotation]: 'file',
        [configSeenAnnotation]: seenAt.toISOString(),
      },
    },
    // No API object backs a static pod, so no service-account token can be bound to it.
    spec: { automountServiceAccountToken: false, ...m.spec, nodeName },
  };
}

/** The mirror pod of a static pod: the same pod, marked and owned by the Node. */
export function mirrorPod(pod: RPod, node: { name: string; uid?: string }): Pod {
  const copy = JSON.parse(JSON.stringify(pod)) as Pod;
  const { uid: _uid, ...meta } = copy.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...(meta.annotations ?? {}), [configMirrorAnnotation]: pod.metadata.uid ?? '' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid ?? '', controller: true },
      ],
    },
    spec: copy.spec,
  };
}

export interface StaticPodsOptions {
  dir: string;
  nodeName: string;
  /** The API's pods, as this node may use them. */
  pods: ResourceClient<Pod>;
  clock: Clock;
  log: ClientLogger;
  /** The Node's uid (for the mirror pods' ownerReference). */
  nodeUid?: () => string | undefined;
  /** Called with the full set of static pods whenever it changed. */
  onChange: (pods: readonly RPod[]) => void;
  /** Called with the status written for a static pod (to its mirror). */
  onStatus?: (uid: string, status: PodStatus) => void;
  /** How often the directory is read again (default 20 s). */
  periodMs?: number;
  /** Whether to watch the directory for changes (default true). */
  watch?: boolean;
}

/** Reads the manifest directory and keeps the mirror pods; see the file comment. */
export class StaticPods {
  private readonly o: StaticPodsOptions;
  private current = new Map<string, Pod>();
  private timer: ClockTimer | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private stopped = false;
  private mirrorSync: Promise<void> = Promise.resolve();
  private mirrorAgain = false;
  private lastErrors = '';

  constructor(o: StaticPodsOptions) {
    this.o = o;
  }

  /** The static pods as last read. */
  list(): RPod[] {
    return [...this.current.values()];
  }

  /** Reads the directory once, then keeps reading it until `stop`. */
  start(): void {
    this.stopped = false;
    this.rescan();
    if (this.o.watch !== false) {
      try {
        this.watcher = watch(this.o.dir, () => {
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => this.rescan(), 200);
        });
        this.watcher.on('error', () => undefined);
      } catch (err) {
        this.o.log.warn({ err, dir: this.o.dir }, 'cannot watch the pod manifest directory; polling only');
      }
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.watcher?.close();
    clearTimeout(this.debounce);
    await this.mirrorSync;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.after(this.o.periodMs ?? 20_000, () => {
      this.rescan();
      this.schedule();
    });
  }

  /** Reads the directory; tells the loop when the set changed; brings the mirror pods in line. */
  rescan(): void {
    if (this.stopped) return;
    const read = readManifests(this.o.dir, this.o.nodeName, new Date(this.o.clock.now()));
    const errors = read.errors.join('\n');
    if (errors && errors !== this.lastErrors)
      for (const e of read.errors) this.o.log.warn({ dir: this.o.dir }, `static pod manifest: ${e}`);
    this.lastErrors = errors;
    const next = new Map<string, Pod>();
    for (const p of read.pods) {
      // Keep the object (and its config.seen) of a pod that did not change.
      const uid = p.metadata.uid!;
      next.set(uid, this.current.get(uid) ?? p);
    }
    const changed = next.size !== this.current.size || [...next.keys()].some((uid) => !this.current.has(uid));
    this.current = next;
    if (changed) this.o.onChange(this.list());
    this.syncMirrors();
  }

  /** Records the status the loop computed for a static pod (kept for the next mirror creation). */
  setStatus(uid: string, status: PodStatus): void {
    const p = this.current.get(uid);
    if (p) this.current.set(uid, { ...p, status });
    this.o.onStatus?.(uid, status);
  }

  /** Brings the mirror pods in line with the static pods (serialized; coalesces repeat calls). */
  syncMirrors(): Promise<void> {
    if (this.mirrorAgain) return this.mirrorSync;
    this.mirrorAgain = true;
    this.mirrorSync = this.mirrorSync.then(async () => {
      this.mirrorAgain = false;
      if (this.stopped) return;
      try {
        await this.syncMirrorsOnce();
      } catch (err) {
        this.o.log.warn({ err }, 'syncing mirror pods failed; retrying at the next rescan');
      }
    });
    return this.mirrorSync;
  }

  private async syncMirrorsOnce(): Promise<void> {
    const pods = this.o.pods;
    const onNode = (
      await pods.list(undefined, { fieldSelector: `spec.nodeName=${this.o.nodeName}` })
    ).items.filter((p) => isMirrorPod(p));
    const byName = new Map<string, Pod>(onNode.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    const wanted = new Map<string, RPod>(
      this.list().map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
    );
    for (const [key, m] of byName) {
      const s = wanted.get(key);
      const stale =
        !s ||
        m.metadata.annotations?.[configMirrorAnnotation] !== s.metadata.uid ||
        m.metadata.deletionTimestamp;
      if (!stale) continue;
      await this.deleteMirror(m);
      byName.delete(key);
    }
    for (const [key, s] of wanted) {
      if (byName.has(key)) continue;
      const mirror = mirrorPod(s, { name: this.o.nodeName, uid: this.o.nodeUid?.() });
      try {
        const created = await pods.create(s.metadata.namespace, mirror);
        this.o.log.info({ pod: key }, 'created mirror pod');
        if (s.status)
          await pods.updateStatus(s.metadata.namespace, { ...created, status: s.status as PodStatus });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  private async deleteMirror(m: DeepReadonly<Pod>): Promise<void> {
    try {
      await this.o.pods.delete(m.metadata.namespace, m.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: m.metadata.uid ?? '' },
      });
      this.o.log.info({ pod: `${m.metadata.namespace}/${m.metadata.name}` }, 'deleted mirror pod');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /**
   * The pods client the pod syncer writes through: a static pod's status goes to its mirror pod
   * (found by name, checked by its config.mirror hash); everything else passes through.
   */
  statusWriter(inner: ResourceClient<Pod>): ResourceClient<Pod> {
    const w = Object.create(inner) as ResourceClient<Pod>;
    w.updateStatus = async (ns, obj, opts) => {
      if (!isStaticPod(obj)) return inner.updateStatus(ns, obj, opts);
      const uid = obj.metadata.uid ?? '';
      if (obj.status) this.setStatus(uid, obj.status);
      for (let attempt = 0; ; attempt++) {
        let mirror: Pod;
        try {
          mirror = await inner.get(ns, obj.metadata.name ?? '');
        } catch (err) {
          if (isNotFound(err)) return obj; // created with this status by the next mirror sync
          throw err;
        }
        if (mirror.metadata.annotations?.[configMirrorAnnotation] !== uid) return obj;
        try {
          await inner.updateStatus(ns, { ...mirror, status: obj.status }, opts);
          return obj;
        } catch (err) {
          if (!isConflict(err) || attempt >= 2) throw err;
        }
      }
    };
    return w;
  }
}
