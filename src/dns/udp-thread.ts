/**
 * One UDP thread of cluster DNS (the worker_threads entry point `UdpThreadPool` starts). It keeps
 * its own replica of the cluster index, fed by the main thread with the same Service and
 * EndpointSlice events the main index gets (a snapshot first, then each event in order), and
 * answers UDP queries on a socket bound with SO_REUSEPORT to the server's address. Every event
 * bumps the replica's generation, so the thread's answer cache is dropped on every change, as in
 * the main thread. Names outside the cluster go through the thread's own forwarder.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ClientLogger } from '../client/logger.ts';
import { ClusterIndex } from './cluster-index.ts';
import { Forwarder } from './forwarder.ts';
import { DnsServer } from './server.ts';
import type { EndpointSlice, Service } from './types.ts';
import type { IndexEvent, ThreadReport, UdpThreadData } from './udp-pool.ts';
import { ClusterZone } from './zone.ts';

/** Applies one index event to `index`. */
export function applyEvent(index: ClusterIndex, ev: IndexEvent): void {
  switch (ev.op) {
    case 'upsertService':
      return index.upsertService(ev.obj as Service);
    case 'deleteService':
      return index.deleteService(ev.obj as Service);
    case 'upsertSlice':
      return index.upsertSlice(ev.obj as EndpointSlice);
    case 'deleteSlice':
      return index.deleteSlice(ev.obj as EndpointSlice);
  }
}

async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as UdpThreadData;
  const report = (r: ThreadReport): void => port.postMessage(r);
  const line =
    (level: 'info' | 'warn' | 'error') =>
    (obj: object, msg?: string): void => {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) fields[k] = v instanceof Error ? v.message : v;
      report({ type: 'log', level, msg: msg ?? '', fields });
    };
  const log: ClientLogger = { info: line('info'), warn: line('warn'), error: line('error') };

  const index = new ClusterIndex(data.domain);
  for (const ev of data.snapshot) applyEvent(index, ev);
  const forwarder = data.upstreams.length
    ? new Forwarder({ upstreams: data.upstreams, timeoutMs: data.upstreamTimeoutMs })
    : undefined;
  const server = new DnsServer({
    zone: new ClusterZone(index, { ttl: data.ttl }),
    forwarder,
    udpSize: data.udpSize,
    reusePort: true,
    logger: log,
  });
  port.on('message', (m: IndexEvent | { op: 'close' }) => {
    if (m.op !== 'close') return applyEvent(index, m);
    void server.close().then(() => {
      forwarder?.close();
      report({ type: 'closed' });
      port.close();
    });
  });
  try {
    await server.listenUdp(data.host, data.port);
    report({ type: 'ready' });
  } catch (err) {
    forwarder?.close();
    report({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
  }
}

if (parentPort) void main();
