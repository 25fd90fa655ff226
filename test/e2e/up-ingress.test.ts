/**
 * The ingress controller as part of `berth up` (without agent and registry, so no containerd is
 * needed): `berth up` prints the ingress addresses given with --ingress-http-listen/-https-listen,
 * its nginx serves an Ingress of the default class `berth` for a Service whose EndpointSlice points
 * at an HTTP server in this process on 127.0.0.1, the Ingress gets the listen address in its status,
 * and stopping `berth up` (SIGTERM) stops nginx. `--no-ingress` is checked by the banner line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/api/object.ts';
import { Client } from '../../src/client/client.ts';
import { httpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { findNginx } from '../../src/ingress/nginx.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { startBerthUp, until, type BerthUp } from '../helpers/berth-up.ts';
import { freePort } from '../helpers/server.ts';

const skip = e2eSkip({ kubectl: false }) || (existsSync(findNginx()) ? false : 'nginx is not installed');

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/', headers: { Host: host }, agent: false, timeout: 5_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** `berth up` without the parts that need containerd or a registry, plus `extra`. */
const up = (extra: string[]): Promise<BerthUp> =>
  startBerthUp(['--no-agent', '--no-registry', ...extra], { dirPrefix: 'berth-uping-' });

describe('the ingress controller in berth up', { skip, timeout: 120_000 }, () => {
  test('serves an Ingress on the ports it prints, and stops with berth up', async () => {
    const backend = http.createServer((_req, res) => res.end('hello through berth up'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const backendPort = (backend.address() as AddressInfo).port;
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const b = await up([
      '--ingress-http-listen',
      `127.0.0.1:${httpPort}`,
      '--ingress-https-listen',
      `127.0.0.1:${httpsPort}`,
    ]);
    try {
      assert.match(
        b.out(),
        new RegExp(
          `Ingress \\(class berth\\): http://127\\.0\\.0\\.1:${httpPort} and https://127\\.0\\.0\\.1:${httpsPort}`,
        ),
      );
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(b.out())![1]!;
      const transport = httpTransport(await loadKubeconfig(kubeconfig));
      const client = new Client(transport);
      try {
        await client.resource<KubeObject>('', 'v1', 'services').create('default', {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'default' },
          spec: { ports: [{ name: 'http', port: 80, targetPort: backendPort }] },
        } as KubeObject);
        await client.resource<KubeObject>('discovery.k8s.io', 'v1', 'endpointslices').create('default', {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
          addressType: 'IPv4',
          ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
          endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        } as KubeObject);
        const ingresses = client.resource<KubeObject>('networking.k8s.io', 'v1', 'ingresses');
        await ingresses.create('default', {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            rules: [
              {
                host: 'web.example',
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: 'web', port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
        } as KubeObject);
        const r = await until(
          'the Ingress served',
          30_000,
          async () => {
            const x = await get(httpPort, 'web.example');
            return x.status === 200 ? x : undefined;
          },
          b.out,
        );
        assert.equal(r.body, 'hello through berth up');
        assert.equal((await get(httpPort, 'other.example')).status, 404, 'unknown hosts are not routed');
        await until(
          'status.loadBalancer of the Ingress',
          30_000,
          async () => {
            const ing = (await ingresses.get('default', 'web')) as KubeObject & {
              status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
            };
            return ing.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1' ? true : undefined;
          },
          b.out,
        );
      } finally {
        transport.close();
      }
      await b.stop();
      await assert.rejects(get(httpPort, 'web.example'), 'nginx stopped with berth up');
    } finally {
      await b.stop();
      backend.close();
    }
  });

  test('--no-ingress: no controller, and the banner says so', async () => {
    const b = await up(['--no-ingress']);
    try {
      assert.match(b.out(), /No ingress controller: turned off with --no-ingress\./);
    } finally {
      await b.stop();
    }
  });
});
