/**
 * A PodSyncer wired to fakes for unit tests: FakeCri, FakeClock, a pods client that records
 * status writes and deletions, fixed ConfigMaps/Secrets, a token source, a temp data dir, and a
 * prober whose answers the test sets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceClient } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { silentLogger } from '../../client/logger.ts';
import { VolumeManager } from '../volumes/manager.ts';
import type { TokenSource } from '../volumes/tokens.ts';
import { Backoff } from './backoff.ts';
import { staticConfigSource } from './config-source.ts';
import { FakeCri } from './fake-cri.ts';
import { ImagePuller } from './images.ts';
import { PodSyncer } from './pod-sync.ts';
import type { ProbeResult } from './prober.ts';
import { ProbeManager } from './probes.ts';
import type { Pod, PodStatus, RPod } from './types.ts';

export interface Harness {
  cri: FakeCri;
  clock: FakeClock;
  syncer: PodSyncer;
  probes: ProbeManager;
  dataDir: string;
  /** Status writes, in order. */
  statuses: PodStatus[];
  deletes: Array<{ name: string; grace?: number; uid?: string }>;
  /** What the prober answers, by probe kind (set per test). */
  probeAnswer: { liveness: boolean; readiness: boolean; startup: boolean };
  /** Pod uids whose probes changed. */
  probeChanges: string[];
  /** The pod as the API would hold it after the status writes. */
  current(pod: Pod): Pod;
  close(): void;
}

export function harness(
  o: {
    configMaps?: Record<string, Record<string, string>>;
    secrets?: Record<string, Record<string, string>>;
    crashBackoffMs?: number;
  } = {},
): Harness {
  const clock = new FakeClock();
  const cri = new FakeCri(clock);
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-pods-'));
  const statuses: PodStatus[] = [];
  const deletes: Harness['deletes'] = [];
  const probeAnswer = { liveness: true, readiness: true, startup: true };
  const probeChanges: string[] = [];
  const pods = {
    updateStatus: async (_ns: string | undefined, obj: Pod) => {
      statuses.push(obj.status!);
      return obj;
    },
    get: async () => {
      throw new Error('not used');
    },
    delete: async (
      _ns: string | undefined,
      name: string,
      opts?: { gracePeriodSeconds?: number; preconditions?: { uid?: string } },
    ) => {
      deletes.push({ name, grace: opts?.gracePeriodSeconds, uid: opts?.preconditions?.uid });
      return {};
    },
  } as unknown as ResourceClient<Pod>;
  const configs = staticConfigSource({ configMaps: o.configMaps, secrets: o.secrets });
  const tokens: TokenSource = { token: async (pod) => `token-for-${pod.metadata.name}`, forget: () => {} };
  const probes = new ProbeManager({
    clock,
    // Tests write probes as exec commands ['live'], ['ready'] or ['startup'].
    prober: async (probe): Promise<ProbeResult> => {
      const byCommand: Record<string, keyof typeof probeAnswer> = {
        live: 'liveness',
        ready: 'readiness',
        startup: 'startup',
      };
      const kind = byCommand[probe.exec?.command?.[0] ?? ''];
      const ok = kind ? probeAnswer[kind] : true;
      return { ok, message: ok ? '' : `${kind} says no` };
    },
    onChange: (uid) => probeChanges.push(uid),
  });
  const h: Harness = {
    cri,
    clock,
    probes,
    dataDir,
    statuses,
    deletes,
    probeAnswer,
    probeChanges,
    syncer: new PodSyncer({
      cri,
      pods,
      nodeName: 'n1',
      dataDir,
      clock,
      log: silentLogger,
      volumes: new VolumeManager({ dataDir, configs, tokens, mountTmpfs: () => {} }),
      images: new ImagePuller(cri, new Backoff(clock), configs, () => clock.now()),
      probes,
      crashBackoff: new Backoff(clock, { initialMs: o.crashBackoffMs ?? 10_000 }),
      configs,
      sandbox: {
        nodeName: 'n1',
        dataDir,
        cgroupRoot: '/berth',
        dns: {
          clusterDNS: ['10.96.0.10'],
          clusterDomain: 'cluster.local',
          host: { servers: ['192.168.0.1'], searches: ['lan'], options: [] },
        },
      },
      hostIP: () => '192.168.0.10',
      nodeAllocatable: () => ({ cpu: '2', memory: '4Gi' }),
      removeCgroup: () => {},
    }),
    current(pod) {
      const last = statuses[statuses.length - 1];
      return last ? { ...pod, status: last } : pod;
    },
    close() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Syncs `pod` (with the status written so far) `times` times; returns the last status. */
export async function syncTimes(h: Harness, pod: Pod, times = 1): Promise<PodStatus | undefined> {
  for (let i = 0; i < times; i++) await h.syncer.sync(h.current(pod) as RPod);
  return h.statuses[h.statuses.length - 1];
}
