/**
 * The worker side of prober.ts: GETs one path on the API server at a fixed rate over its own
 * keep-alive connection until the parent says 'stop', then posts the result. It posts 'ready' once
 * a first GET succeeded, so the measurement never includes connection setup.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { httpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { probeUntil, type ProberConfig } from './prober.ts';

const config = workerData as ProberConfig;
const port = parentPort!;
const transport = httpTransport(await loadKubeconfig(config.kubeconfig), {
  maxSockets: 8,
  timeoutMs: 60_000,
  connectTimeoutMs: 60_000,
});
const get = async (): Promise<void> => {
  const res = await transport.request({ method: 'GET', path: config.path });
  if (res.status !== 200) throw new Error(`GET ${config.path}: ${res.status}`);
};
await get();
const stop = new AbortController();
port.once('message', () => stop.abort());
port.postMessage('ready');
const result = await probeUntil({ rate: config.rate, fn: get, signal: stop.signal });
transport.close();
port.postMessage(result);
