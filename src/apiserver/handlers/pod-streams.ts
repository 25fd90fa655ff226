/**
 * pods/log, pods/exec, pods/attach and pods/portforward: the API server checks the request (the pod
 * exists, is bound to a node, names a container it has, is not finished for exec/attach), finds the
 * node agent (the Node's InternalIP and status.daemonEndpoints.kubeletEndpoint.Port), and proxies to
 * it over TLS — verifying the agent's serving certificate against the cluster CA and presenting its
 * own `kube-apiserver-kubelet-client` certificate. Logs stream through as they arrive; exec, attach
 * and port-forward are upgrades (WebSocket or SPDY) whose bytes are piped both ways unread, so the
 * protocol is whatever kubectl and the agent agree on. Authorization happened before: `get
 * pods/log`, and `create pods/exec|attach|portforward` also for the GET a WebSocket upgrade uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import { writeStatus } from '../http/respond.ts';
import { proxyRequest, proxyUpgrade, upgradeOf, type ProxyTarget } from '../http/upgrade-proxy.ts';
import type { ResourceRequest } from '../request-info.ts';
import type { ResourceHandlerContext, SubresourceHandler } from './resource.ts';

/** What the API server needs to reach node agents. */
export interface KubeletClientConfig {
  /** The cluster CA: agents' serving certificates must chain to it. */
  caCert: string;
  /** The API server's client certificate for agents (CN kube-apiserver-kubelet-client) and its key. */
  clientCert: string;
  clientKey: string;
}

interface PodSpecLike {
  nodeName?: string;
  containers?: { name: string }[];
  initContainers?: { name: string }[];
  ephemeralContainers?: { name: string }[];
}

const names = (l?: { name: string }[]) => (l ?? []).map((c) => c.name);

/** The container a request means: the one named, or the only one; Kubernetes' errors otherwise. */
export function resolveContainer(pod: KubeObject, requested: string): string {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const name = pod.metadata.name ?? '';
  const all = [...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers)];
  if (!requested) {
    const app = names(spec.containers);
    if (app.length === 1) return app[0];
    let msg = `a container name must be specified for pod ${name}, choose one of: [${app.join(' ')}]`;
    if (spec.initContainers?.length)
      msg += ` or one of the init containers: [${names(spec.initContainers).join(' ')}]`;
    throw badRequest(msg);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** The agent's address for `node`: InternalIP (else the first address) and the published port. */
export function agentAddress(node: KubeObject): { host: string; port: number } {
  const status = (node.status ?? {}) as {
    addresses?: { type?: string; address?: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
  const addrs = status.addresses ?? [];
  const host =
    addrs.find((a) => a.type === 'InternalIP')?.address ??
    addrs.find((a) => a.type === 'ExternalIP')?.address ??
    addrs[0]?.address;
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port)
    throw new StatusError(
      503,
      'ServiceUnavailable',
      `node "${node.metadata.name}" has no address or port for its agent (known addresses: [${addrs.map((a) => a.address).join(' ')}])`,
    );
  return { host, port };
}

const bool = (q: URLSearchParams, k: string) => (q.get(k) === 'true' || q.get(k) === '1' ? '1' : '');

/** The agent path and query for an API request (the kubelet's own URL layout and parameter names). */
export function agentPath(
  sub: string,
  ns: string,
  pod: string,
  container: string,
  q: URLSearchParams,
): string {
  const seg = (s: string) => encodeURIComponent(s);
  const out = new URLSearchParams();
  if (sub === 'log') {
    for (const k of ['follow', 'previous', 'timestamps']) if (bool(q, k)) out.set(k, 'true');
    for (const k of ['tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes']) {
      const v = q.get(k);
      if (v !== null && v !== '') out.set(k, v);
    }
    return `/containerLogs/${seg(ns)}/${seg(pod)}/${seg(container)}?${out}`;
  }
  if (sub === 'portforward') {
    for (const p of q.getAll('ports').flatMap((v) => v.split(','))) if (p) out.append('port', p);
    return `/portForward/${seg(ns)}/${seg(pod)}${out.size ? `?${out}` : ''}`;
  }
  for (const c of q.getAll('command')) out.append('command', c);
  const map: [string, string][] = [
    ['stdin', 'input'],
    ['stdout', 'output'],
    ['stderr', 'error'],
    ['tty', 'tty'],
  ];
  for (const [from, to] of map) if (bool(q, from)) out.set(to, '1');
  return `/${sub}/${seg(ns)}/${seg(pod)}/${seg(container)}?${out}`;
}

function dialError(res: ServerResponse, err: Error): void {
  writeStatus(res, new StatusError(500, 'InternalError', `error dialing backend: ${err.message}`).status);
}

/** The four stream subresources, proxying to node agents with `cfg`. */
export function podStreamHandlers(cfg: KubeletClientConfig): Map<string, SubresourceHandler> {
  const handler: SubresourceHandler = async (
    req: IncomingMessage,
    res: ServerResponse,
    info: ResourceRequest,
    kind: KindDef,
    c: ResourceHandlerContext,
    q: URLSearchParams,
  ) => {
    const sub = info.subresource;
    const allowed = sub === 'log' ? ['get'] : ['create'];
    if (!allowed.includes(info.verb))
      throw new StatusError(405, 'MethodNotAllowed', `${info.verb} is not supported on pods/${sub}`);
    const pod = await c.api.storeFor(kind).get(info.namespace, info.name);
    const spec = (pod.spec ?? {}) as PodSpecLike;
    const container = sub === 'portforward' ? '' : resolveContainer(pod, q.get('container') ?? '');
    if (sub === 'exec' || sub === 'attach') {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed')
        throw badRequest(
          `cannot ${sub === 'exec' ? 'exec into' : 'attach to'} a container in a completed pod; current phase is ${phase}`,
        );
    }
    if (!spec.nodeName) throw badRequest(`pod ${info.name} does not have a host assigned`);
    const node = await c.api.resource('', 'nodes').get('', spec.nodeName);
    const { host, port } = agentAddress(node);
    const target: ProxyTarget = {
      url: new URL(
        `https://${host.includes(':') ? `[${host}]` : host}:${port}${agentPath(sub, info.namespace, info.name, container, q)}`,
      ),
      tls: { ca: cfg.caCert, cert: cfg.clientCert, key: cfg.clientKey },
    };
    if (sub === 'log') {
      proxyRequest(req, res, target, (err) => dialError(res, err));
      return;
    }
    const up = upgradeOf(req);
    if (!up) throw badRequest('Upgrade request required');
    proxyUpgrade(req, up, res, target, (err) => dialError(res, err));
  };
  return new Map([
    ['/pods/log', handler],
    ['/pods/exec', handler],
    ['/pods/attach', handler],
    ['/pods/portforward', handler],
  ]);
}
