/**
 * Reads node agents' GET /stats/summary for the metrics API, over TLS with the API server's
 * kubelet-client certificate (the same identity and address rules as the pod stream proxy), with a
 * short timeout, and keeps each node's answer for a few seconds so a burst of `kubectl top` and HPA
 * requests costs one read per node. Concurrent asks for the same node share one request; failures
 * are not cached.
 */
import { request } from 'node:https';
import type { KubeObject } from '../../api/object.ts';
import type { Summary } from '../../node/stats/summary.ts';
import { agentAddress, type KubeletClientConfig } from '../handlers/pod-streams.ts';

export interface KubeletStatsOptions {
  kubelet: KubeletClientConfig;
  /** How long one node's summary is reused (5 s). */
  cacheMs?: number;
  /** Give up on a node after this long (5 s: the agent may take a first reading ~1 s). */
  timeoutMs?: number;
  now?: () => number;
}

/** Fetches `url` with the kubelet-client identity and parses the JSON answer. */
function getJson(url: URL, cfg: KubeletClientConfig, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', ca: cfg.caCert, cert: cfg.clientCert, key: cfg.clientKey, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`agent answered ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the agent within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export class KubeletStats {
  private readonly o: KubeletStatsOptions;
  private readonly cache = new Map<string, { atMs: number; summary: Promise<Summary> }>();

  constructor(o: KubeletStatsOptions) {
    this.o = o;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** The summary of `node`'s agent (cached); rejects when the node has no agent or it fails. */
  summary(node: KubeObject): Promise<Summary> {
    const name = node.metadata.name ?? '';
    const hit = this.cache.get(name);
    if (hit && this.now() - hit.atMs < (this.o.cacheMs ?? 5000)) return hit.summary;
    const { host, port } = agentAddress(node);
    const url = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}/stats/summary`);
    const summary = getJson(url, this.o.kubelet, this.o.timeoutMs ?? 5000) as Promise<Summary>;
    const entry = { atMs: this.now(), summary };
    this.cache.set(name, entry);
    summary.catch(() => {
      if (this.cache.get(name) === entry) this.cache.delete(name);
    });
    return summary;
  }
}
