/**
 * GET /stats/summary on the agent's HTTPS endpoint: the node's, pods' and containers' CPU and memory
 * as JSON in the kubelet's summary layout (see src/node/stats/summary.ts). The API server reads it
 * for metrics.k8s.io; like the stream endpoints, only the API server's kubelet client may call it.
 */
import type { ServerResponse } from 'node:http';
import type { Summary } from '../stats/summary.ts';
import { StreamError } from './container-lookup.ts';

/** Where the summary comes from (a StatsCollector). */
export interface StatsSource {
  summary(): Promise<Summary>;
}

/** Answers GET /stats/summary from `source`. */
export async function serveStatsSummary(
  method: string | undefined,
  res: ServerResponse,
  source: StatsSource | undefined,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD')
    throw new StreamError(405, 'MethodNotAllowed', `${method} is not supported on /stats/summary`);
  if (!source) throw new StreamError(503, 'ServiceUnavailable', 'stats are not collected on this node');
  const body = JSON.stringify(await source.summary());
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}
