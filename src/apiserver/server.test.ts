import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from './server.ts';
import { startControlPlane, type ControlPlane } from './start.ts';

const errors: unknown[] = [];
const log: Logger = { debug() {}, info() {}, warn() {}, error: (obj) => void errors.push(obj) };

let dir: string;
let cp: ControlPlane;
let port: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-apiserver-'));
  cp = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, log });
  port = Number(new URL(cp.url).port);
});

after(async () => {
  await cp.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

function call(
  method: string,
  path: string,
  opts: { body?: string | Buffer; headers?: Record<string, string>; anonymous?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const creds = opts.anonymous ? {} : { cert: cp.pki.adminCert, key: cp.pki.adminKey };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: cp.pki.caCert,
        agent: false,
        headers: opts.headers,
        ...creds,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON (metrics, health)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

const cmBody = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' }, ...extra });

test('/version and /healthz answer without credentials', async () => {
  const v = await call('GET', '/version', { anonymous: true });
  assert.equal(v.status, 200);
  assert.match(String(v.json.gitVersion), /^v1\.\d+\.\d+/);
  const h = await call('GET', '/readyz', { anonymous: true });
  assert.equal(h.status, 200);
  assert.equal(h.text, 'ok');
});

test('/api without credentials is a 401 Status', async () => {
  const r = await call('GET', '/api', { anonymous: true });
  assert.equal(r.status, 401);
  assert.equal(r.json.kind, 'Status');
  assert.equal(r.json.reason, 'Unauthorized');
  assert.equal(r.json.code, 401);
});

test('the cluster starts with its namespaces and the kubernetes service', async () => {
  const ns = await call('GET', '/api/v1/namespaces');
  assert.equal(ns.status, 200);
  const names = (ns.json.items as { metadata: { name: string } }[]).map((n) => n.metadata.name);
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    assert.ok(names.includes(n), n);
  const svc = await call('GET', '/api/v1/namespaces/default/services/kubernetes');
  assert.equal((svc.json.spec as { clusterIP: string }).clusterIP, '10.96.0.1');
});

test('create answers 201; unknown fields warn by default; a missing object is a 404 Status', async () => {
  const created = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: cmBody('warned', { extra: true }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(created.status, 201, created.text);
  assert.match(String(created.headers.warning), /^299 - "unknown field \\"extra\\""/);
  assert.equal(created.json.extra, undefined);
  const strict = await call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
    body: cmBody('strict', { extra: true }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(strict.status, 400);
  const missing = await call('GET', '/api/v1/namespaces/default/configmaps/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.reason, 'NotFound');
});

test('a malformed percent-escape in the path is a 400 and the server keeps serving', async () => {
  const r = await call('GET', '/api/v1/namespaces/default/configmaps/%zz');
  assert.equal(r.status, 400);
  assert.equal(r.json.kind, 'Status');
  assert.equal((await call('GET', '/readyz')).status, 200);
});

test('a body over 3 MiB is 413', async () => {
  const big = cmBody('big', { data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const r = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: big,
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(r.status, 413);
  assert.equal(r.json.kind, 'Status');
});

test('an unsupported content type is 415; malformed JSON is 400', async () => {
  const wrong = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: cmBody('t'),
    headers: { 'Content-Type': 'text/plain' },
  });
  assert.equal(wrong.status, 415);
  assert.equal(wrong.json.reason, 'UnsupportedMediaType');
  const patchType = await call('PATCH', '/api/v1/namespaces/default/configmaps/warned', {
    body: '{}',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(patchType.status, 415);
  const bad = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: '{"apiVersion": "v1",',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.reason, 'BadRequest');
  const yaml = await call('POST', '/api/v1/namespaces/default/configmaps', {
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n',
    headers: { 'Content-Type': 'application/yaml' },
  });
  assert.equal(yaml.status, 201, yaml.text);
});

test('Accept as=Table answers a meta.k8s.io/v1 Table', async () => {
  const r = await call('GET', '/api/v1/namespaces', {
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.kind, 'Table');
  assert.equal(r.json.apiVersion, 'meta.k8s.io/v1');
  const cols = r.json.columnDefinitions as { name: string }[];
  assert.equal(cols[0].name, 'Name');
  const rows = r.json.rows as { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
  assert.ok(rows.some((row) => row.cells[0] === 'default'));
  assert.equal(rows[0].object.kind, 'PartialObjectMetadata');
  const one = await call('GET', '/api/v1/namespaces/default?includeObject=Object', {
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  assert.equal(one.json.kind, 'Table');
  assert.equal((one.json.rows as { object: { kind: string } }[])[0].object.kind, 'Namespace');
});

test('/metrics counts requests in apiserver_request_total', async () => {
  await call('GET', '/api/v1/namespaces/default/configmaps');
  const r = await call('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.text, /apiserver_request_total\{[^}]*verb="list"[^}]*\} \d+/);
  assert.match(r.text, /apiserver_request_total\{[^}]*code="401"[^}]*\} \d+/);
  // Every datastore call is timed per operation (reads of the list above, the creates of setup).
  assert.match(r.text, /berth_store_request_duration_seconds_count\{operation="create"\} [1-9]\d*/);
});

test('no request above logged a server error', () => {
  assert.deepEqual(errors, []);
});
