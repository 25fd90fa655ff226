/**
 * Runs one probe once: exec (through the runtime, exit code 0 = success), httpGet (status
 * 200–399; redirects are not followed), tcpSocket (a connection opens). Each attempt is bounded by
 * the probe's timeoutSeconds. Named ports are looked up in the container's ports.
 */
import { request } from '../../client/node-http.ts';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { RuntimeService } from '../cri/service.ts';
import type { DeepReadonly } from '../../api/object.ts';
import type { ContainerPort, LifecycleHandler, Probe } from './types.ts';

/** Where a probe goes: the container's id, the pod's IP and the container's ports. */
export interface ProbeTarget {
  containerId: string;
  podIP: string;
  ports: readonly DeepReadonly<ContainerPort>[];
}

export interface ProbeResult {
  ok: boolean;
  message: string;
}

export type Prober = (
  probe: DeepReadonly<Probe | LifecycleHandler>,
  target: ProbeTarget,
  timeoutMs: number,
) => Promise<ProbeResult>;

function resolvePort(port: number | string, ports: readonly DeepReadonly<ContainerPort>[]): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = ports.find((x) => x.name === port);
  if (!p) throw new Error(`port ${JSON.stringify(port)} not found in the container's ports`);
  return p.containerPort;
}

/** The prober that talks to the runtime and the pod network. */
export function runtimeProber(cri: Pick<RuntimeService, 'execSync'>): Prober {
  return async (probe, t, timeoutMs) => {
    try {
      if (probe.exec) {
        const r = await cri.execSync(
          t.containerId,
          [...(probe.exec.command ?? [])],
          Math.max(1, Math.ceil(timeoutMs / 1000)),
        );
        const out = (r.stdout.toString() + r.stderr.toString()).slice(0, 1024);
        return {
          ok: r.exit_code === 0,
          message: r.exit_code === 0 ? out : `command failed with exit code ${r.exit_code}: ${out}`.trim(),
        };
      }
      if (probe.httpGet) return await httpProbe(probe.httpGet, t, timeoutMs);
      if (probe.tcpSocket) {
        const port = resolvePort(probe.tcpSocket.port, t.ports);
        return await tcpProbe(probe.tcpSocket.host || t.podIP, port, timeoutMs);
      }
      return { ok: false, message: 'probe has no handler this node supports' };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  };
}

function httpProbe(
  h: NonNullable<DeepReadonly<Probe>['httpGet']>,
  t: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeResult> {
  const port = resolvePort(h.port, t.ports);
  const host = h.host || t.podIP;
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.32', accept: '*/*' };
  for (const x of h.httpHeaders ?? []) headers[x.name.toLowerCase()] = x.value;
  const https = (h.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : request)(
      {
        host,
        port,
        path: h.path || '/',
        method: 'GET',
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({
          ok: code >= 200 && code < 400,
          message: `HTTP probe ${code >= 200 && code < 400 ? 'succeeded' : 'failed'} with statuscode: ${code}`,
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`Get "http://${host}:${port}${h.path || '/'}": context deadline exceeded`)),
    );
    req.on('error', (err) => resolve({ ok: false, message: err.message }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    s.on('connect', () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.on('timeout', () => {
      s.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    s.on('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
