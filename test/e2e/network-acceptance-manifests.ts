/**
 * The workloads of the network acceptance test, as plain objects for `kubectl apply`: busybox httpd
 * pods pinned to nodes (each answering its backend name and hostname on every path), the Services in
 * front of them (a LoadBalancer with a named targetPort, a headless one), a StatefulSet `web` behind
 * its headless Service, the guestbook's redis leader and follower with their Services, and the pods
 * the NetworkPolicy checks use.
 */
import { REDIS_REF } from '../../src/node/images/redis.ts';

type Obj = Record<string, unknown>;

/** A busybox shell that serves `TEXT $HOSTNAME` on every listed port, at /, /echo/ and /web/. */
export function httpdScript(text: string, ports: number[]): string {
  return [
    'mkdir -p /tmp/w/echo /tmp/w/web',
    `for d in /tmp/w /tmp/w/echo /tmp/w/web; do echo "${text} $HOSTNAME" > $d/index.html; done`,
    ...ports.slice(1).map((p) => `httpd -p ${p} -h /tmp/w`),
    `exec httpd -f -p ${ports[0]} -h /tmp/w`,
  ].join(' && ');
}

/** A pod on `node`. */
export function pod(
  name: string,
  node: string,
  opts: { ns?: string; labels?: Record<string, string>; image?: string; command: string[]; ports?: Obj[] },
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.ns ?? 'default', labels: opts.labels ?? {} },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: opts.image ?? 'busybox:1.35',
          imagePullPolicy: opts.image ? 'Never' : 'IfNotPresent',
          command: opts.command,
          ports: opts.ports ?? [],
        },
      ],
    },
  };
}

function service(name: string, spec: Obj, ns = 'default'): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}

/** Everything in namespace default, for nodes [A, B, C]. */
export function workloads([A, B, C]: readonly string[]): Obj[] {
  const echo = (n: string, node: string) =>
    pod(n, node, {
      labels: { app: 'echo' },
      command: ['sh', '-c', httpdScript('echo', [8080])],
      ports: [{ name: 'http', containerPort: 8080 }],
    });
  const redis = (name: string, node: string, args: string[]) =>
    pod(name, node, {
      labels: { app: 'redis', role: name },
      image: REDIS_REF,
      command: ['redis-server', '--protected-mode', 'no', '--save', '', ...args],
      ports: [{ name: 'redis', containerPort: 6379 }],
    });
  return [
    echo('echo-b', B!),
    echo('echo-c', C!),
    pod('client', A!, { labels: { role: 'client' }, command: ['sleep', '3600'] }),
    service('echo', {
      type: 'LoadBalancer',
      selector: { app: 'echo' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    }),
    service('echo-headless', { clusterIP: 'None', selector: { app: 'echo' }, ports: [{ port: 8080 }] }),
    service('web', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        serviceName: 'web',
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'main',
                image: 'busybox:1.35',
                command: ['sh', '-c', httpdScript('web', [80])],
                ports: [{ name: 'http', containerPort: 80 }],
              },
            ],
          },
        },
      },
    },
    redis('redis-leader', B!, []),
    redis('redis-follower', C!, ['--replicaof', 'redis-leader', '6379']),
    pod('frontend', A!, { labels: { app: 'frontend' }, command: ['sleep', '3600'] }),
    service('redis-leader', {
      selector: { role: 'redis-leader' },
      ports: [{ port: 6379, targetPort: 'redis' }],
    }),
    service('redis-follower', {
      selector: { role: 'redis-follower' },
      ports: [{ port: 6379, targetPort: 'redis' }],
    }),
  ];
}

/** Namespace `np`: a server on B (ports 8080 and 8081), an `allowed` and an `other` client on A. */
export function policyWorkloads([A, B]: readonly string[]): Obj[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'np' } },
    pod('srv', B!, {
      ns: 'np',
      labels: { app: 'srv' },
      command: ['sh', '-c', httpdScript('srv', [8080, 8081])],
    }),
    pod('allowed', A!, { ns: 'np', labels: { role: 'client' }, command: ['sleep', '3600'] }),
    pod('other', A!, { ns: 'np', labels: { role: 'other' }, command: ['sleep', '3600'] }),
  ];
}

/** `items` as a stream of JSON documents, for one `kubectl apply -f -`. */
export function list(items: Obj[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n');
}
