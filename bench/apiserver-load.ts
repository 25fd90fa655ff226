/**
 * API server request throughput and latency under concurrent load (GET one object, LIST a
 * collection, POST a create), each against a bare Node HTTPS server replaying the same response
 * bytes as the same-run baseline. Args: --concurrency N (8) --duration SECONDS (5) --objects N (100).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { httpsClient, type HttpsClient, type Response } from '../test/helpers/https.ts';
import { startServer } from '../test/helpers/server.ts';
import { createSuite } from './harness.ts';
import type { CannedResponse } from './lib/replay-server.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '8' },
    duration: { type: 'string', default: '5' },
    objects: { type: 'string', default: '100' },
  },
});
const concurrency = Number(values.concurrency);
const durationMs = Number(values.duration) * 1000;
const objects = Number(values.objects);
const ns = 'bench';

function expect(res: Response, status: number, what: string): Response {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 300)}`);
  return res;
}

const cm = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { bench: 'yes' } },
    data: { key: 'x'.repeat(256) },
  });

const server = await startServer();
const work = mkdtempSync(join(tmpdir(), 'bench-apiserver-'));
let replay: ReturnType<typeof spawn> | undefined;
const clients: HttpsClient[] = [];
try {
  const setup = httpsClient(server.connection, 4);
  expect(
    await setup.request('POST', '/api/v1/namespaces', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
      headers: { 'content-type': 'application/json' },
    }),
    201,
    'create namespace',
  );
  for (let i = 0; i < objects; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, objects - i) }, (_, j) =>
        setup
          .request('POST', `/api/v1/namespaces/${ns}/configmaps`, {
            body: cm(`cm-${i + j}`),
            headers: { 'content-type': 'application/json' },
          })
          .then((r) => expect(r, 201, 'create')),
      ),
    );
  }
  const getPath = `/api/v1/namespaces/${ns}/configmaps/cm-0`;
  const listPath = `/api/v1/namespaces/${ns}/configmaps`;
  const sample = {
    get: expect(await setup.request('GET', getPath), 200, 'get'),
    list: expect(await setup.request('GET', listPath), 200, 'list'),
    create: expect(
      await setup.request('POST', listPath, {
        body: cm('sample'),
        headers: { 'content-type': 'application/json' },
      }),
      201,
      'create sample',
    ),
  };
  setup.close();

  // The baseline: same answers from a bare HTTPS server in its own process, with its own cert.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
    ],
    { cwd: work, stdio: 'pipe' },
  );
  const canned = (r: Response): CannedResponse => ({
    status: r.status,
    contentType: String(r.headers['content-type'] ?? 'application/json'),
    body: r.body,
  });
  writeFileSync(
    join(work, 'responses.json'),
    JSON.stringify({
      [`GET ${getPath}`]: canned(sample.get),
      [`GET ${listPath}`]: canned(sample.list),
      [`POST ${listPath}`]: canned(sample.create),
    }),
  );
  replay = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./lib/replay-server.ts', import.meta.url)),
      join(work, 'cert.pem'),
      join(work, 'key.pem'),
      join(work, 'responses.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) =>
    createInterface({ input: replay!.stdout! }).once('line', resolve),
  );
  const baselineConn = {
    server: `https://127.0.0.1:${port}`,
    ca: readFileSync(join(work, 'cert.pem'), 'utf8'),
  };

  // One keep-alive connection per worker on each side, as a pool of clients would hold.
  const subjects = Array.from({ length: concurrency }, () => httpsClient(server.connection));
  const baselines = Array.from({ length: concurrency }, () => httpsClient(baselineConn));
  clients.push(...subjects, ...baselines);

  const suite = createSuite('apiserver-load');
  suite.note('objects', objects);
  suite.note('bytes', {
    get: sample.get.body.length,
    list: sample.list.body.length,
    create: sample.create.body.length,
  });
  const shape = { concurrency, durationMs };
  await suite.load('GET configmap', {
    ...shape,
    fn: async (w) => expect(await subjects[w]!.request('GET', getPath), 200, 'get'),
    baseline: async (w) => expect(await baselines[w]!.request('GET', getPath), 200, 'get'),
  });
  await suite.load(`LIST ${objects} configmaps`, {
    ...shape,
    fn: async (w) => expect(await subjects[w]!.request('GET', listPath), 200, 'list'),
    baseline: async (w) => expect(await baselines[w]!.request('GET', listPath), 200, 'list'),
  });
  await suite.load('POST configmap', {
    ...shape,
    fn: async (w, seq) =>
      expect(
        await subjects[w]!.request('POST', listPath, {
          body: cm(`load-${seq}`),
          headers: { 'content-type': 'application/json' },
        }),
        201,
        'create',
      ),
    baseline: async (w, seq) =>
      expect(
        await baselines[w]!.request('POST', listPath, {
          body: cm(`load-${seq}`),
          headers: { 'content-type': 'application/json' },
        }),
        201,
        'create',
      ),
  });
  suite.finish();
} finally {
  for (const c of clients) c.close();
  replay?.kill('SIGTERM');
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
