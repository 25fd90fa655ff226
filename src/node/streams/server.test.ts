import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueClientCert, issueServingCert } from '../../apiserver/pki/issue.ts';
import { silentLogger } from '../../client/logger.ts';
import type { RuntimeService } from '../cri/service.ts';
import {
  labelContainerName,
  labelNode,
  labelPodName,
  labelPodNamespace,
  labelPodUid,
} from '../pods/labels.ts';
import { StreamServer } from './server.ts';

/** The three CRI calls the log endpoint makes, answered for one pod with one container. */
function fakeCri(logPath: string): RuntimeService {
  const labels = {
    [labelPodName]: 'web',
    [labelPodNamespace]: 'default',
    [labelPodUid]: 'u1',
    [labelNode]: 'n1',
  };
  return {
    listPodSandbox: async (f?: { label_selector?: Record<string, string> }) =>
      f?.label_selector?.[labelPodName] === 'web'
        ? [
            {
              id: 'sb1',
              state: 'SANDBOX_READY',
              created_at: '1',
              labels,
              annotations: {},
              metadata: null,
              runtime_handler: '',
            },
          ]
        : [],
    listContainers: async (f?: { label_selector?: Record<string, string> }) =>
      f?.label_selector?.[labelContainerName] === 'main'
        ? [
            {
              id: 'c1',
              pod_sandbox_id: 'sb1',
              state: 'CONTAINER_EXITED',
              created_at: '2',
              labels,
              annotations: {},
              metadata: { name: 'main', attempt: 0 },
              image: null,
              image_ref: '',
            },
          ]
        : [],
    containerStatus: async () => ({ status: { state: 'CONTAINER_EXITED', log_path: logPath }, info: {} }),
  } as unknown as RuntimeService;
}

test('the endpoint serves only the API server kubelet client of the cluster CA', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streams-srv-'));
  const ca = await createCertificateAuthority();
  const other = await createCertificateAuthority();
  const authority = { caCert: ca.cert, caKey: ca.key };
  const serving = await issueServingCert(authority, { dnsNames: [], ips: ['127.0.0.1'] });
  const apiserver = await issueClientCert(authority, {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: [],
  });
  const node = await issueClientCert(authority, {
    commonName: 'system:node:n2',
    organizations: ['system:nodes'],
  });
  const forged = await issueClientCert(
    { caCert: other.cert, caKey: other.key },
    { commonName: 'kube-apiserver-kubelet-client', organizations: [] },
  );
  const log = join(dir, '0.log');
  writeFileSync(log, '2024-05-01T10:00:01Z stdout F one\n2024-05-01T10:00:02Z stderr F two\n');
  const srv = new StreamServer({
    cri: fakeCri(log),
    nodeName: 'n1',
    cert: serving.cert,
    key: serving.key,
    clientCA: ca.cert,
    log: silentLogger,
  });
  const { port } = await srv.listen('127.0.0.1', 0);
  const get = (path: string, client?: { cert: string; key: string }) =>
    new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, ca: ca.cert, ...(client ?? {}) }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    const cases: [string, { cert: string; key: string } | undefined, number, RegExp][] = [
      ['/containerLogs/default/web/main', apiserver, 200, /^one\ntwo\n$/],
      [
        '/containerLogs/default/web/main?tailLines=1&timestamps=true',
        apiserver,
        200,
        /^2024-05-01T10:00:02Z two\n$/,
      ],
      [
        '/containerLogs/default/web/main?previous=true',
        apiserver,
        400,
        /previous terminated container \\"main\\" in pod \\"web\\" not found/,
      ],
      ['/containerLogs/default/web/main?tailLines=x', apiserver, 400, /tailLines/],
      ['/containerLogs/default/gone/main', apiserver, 404, /not running on this node/],
      ['/exec/default/web/main?command=true&output=1', apiserver, 400, /Upgrade request required/],
      ['/containerLogs/default/web/main', node, 403, /only the API server/],
    ];
    for (const [path, client, code, body] of cases) {
      const r = await get(path, client);
      assert.equal(r.code, code, `${path}: ${r.body}`);
      assert.match(r.body, body, path);
    }
    // No certificate, or one from another CA, does not even complete the handshake.
    await assert.rejects(get('/containerLogs/default/web/main', forged));
    await assert.rejects(get('/containerLogs/default/web/main'));
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
