/**
 * Fuzzing the API server over real HTTPS: at least 10,000 random and mutated requests (bad paths,
 * methods, content types, truncated and mistyped bodies, deep nesting, prototype keys, oversized
 * bodies, bad selectors and resource versions). Every answer must be a well-formed response with no
 * 5xx; failures must be Status objects whose code matches the HTTP status; afterwards the server is
 * healthy and objects outside the fuzzed namespace are exactly as they were.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.ts';
import { httpsClient, type HttpsClient } from '../helpers/https.ts';

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.BERTH_FUZZ_SEED ?? Date.now() % 100000);
const rand = prng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const chance = (p: number) => rand() < p;

const total = Number(process.env.BERTH_FUZZ_REQUESTS ?? 10_000);

function deployment(name: string, ns: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'busybox:1.36',
              ports: [{ containerPort: 80 }],
              env: [{ name: 'A', value: '1' }],
            },
          ],
        },
      },
    },
  };
}

function configMap(name: string, ns: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data: { a: '1', b: 'two' },
  };
}

function service(name: string, ns: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

const weird = [
  '',
  ' ',
  '..',
  '%2e%2e',
  '%00',
  'a'.repeat(300),
  'UPPER',
  'ünïcödé',
  '-x-',
  'x'.repeat(64),
  '😀',
  '\\',
  '%',
  '?',
  '#',
  '*',
];

function randomValue(depth = 0): unknown {
  switch (Math.floor(rand() * (depth > 3 ? 5 : 8))) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 65536, 1e308]);
    case 3:
      return pick(weird);
    case 4:
      return pick(['1', '100m', '1Gi', 'RollingUpdate', 'TCP', 'Always', '25%', '2026-01-01T00:00:00Z']);
    case 5:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--)
        o[
          pick([
            'a',
            'spec',
            'metadata',
            'name',
            '__proto__',
            'constructor',
            'replicas',
            'containers',
            '$patch',
            'x',
          ])
        ] = randomValue(depth + 1);
      return o;
    }
  }
}

/** Mutates one random place in a JSON value: delete, replace with a random value, or change type. */
function mutate(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return randomValue();
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0 || chance(0.2)) {
    obj[pick(['__proto__', 'extra', 'spec', 'status', 'metadata', 'kind', 'apiVersion', '0'])] =
      randomValue();
    return obj;
  }
  const k = pick(keys);
  if (chance(0.3)) delete obj[k];
  else if (chance(0.5)) obj[k] = mutate(obj[k]);
  else obj[k] = randomValue();
  return obj;
}

function deepNesting(n: number): string {
  return '{"metadata":{"name":"deep"},"data":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
}

interface Req {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

const contentTypes = [
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  'garbage;;;',
];

const resources = [
  ['/api/v1', 'configmaps', configMap],
  ['/api/v1', 'services', service],
  ['/apis/apps/v1', 'deployments', deployment],
  ['/api/v1', 'secrets', configMap],
  ['/api/v1', 'pods', deployment],
] as const;

function randomRequest(): Req {
  const [base, resource, make] = pick(resources);
  const name = chance(0.7) ? `obj${Math.floor(rand() * 8)}` : pick(weird);
  const ns = chance(0.9) ? 'fuzz' : pick(['nope', ...weird]);
  const sub = chance(0.15)
    ? '/' + pick(['status', 'scale', 'log', 'exec', 'binding', 'eviction', 'bogus', 'status/extra'])
    : '';
  let path = chance(0.05)
    ? pick([
        '/',
        '/api',
        '/apis',
        '/apis/apps',
        '/apis/nope/v1',
        '/openapi/v3',
        '/openapi/v3/apis/apps/v1',
        '/metrics',
        '/version',
        '/%',
        '/api/v1/namespaces',
        '/api/v99/pods',
      ])
    : `${base}/namespaces/${encodeURIComponent(ns)}/${resource}` +
      (chance(0.6) ? `/${encodeURIComponent(name)}${sub}` : '');
  if (chance(0.3)) {
    const q = pick([
      'labelSelector=' +
        encodeURIComponent(pick(['a=b', 'a in (x,y)', '!!', 'a notin', '=', 'x,,y', 'a=' + 'v'.repeat(70)])),
      'fieldSelector=' +
        encodeURIComponent(
          pick(['metadata.name=obj1', 'spec.nodeName=x', 'bad', 'a==', 'status.phase!=Running']),
        ),
      'limit=' + pick(['1', '-1', 'x', '100000000000']),
      'continue=' + pick(['abc', '', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIvIn0']),
      'resourceVersion=' + pick(['0', '1', 'abc', '-5', '99999999']),
      'resourceVersionMatch=' + pick(['Exact', 'NotOlderThan', 'Bogus']),
      'watch=true&timeoutSeconds=' + pick(['1', 'x', '-1']),
      'dryRun=' + pick(['All', 'None', 'x']),
      'fieldValidation=' + pick(['Strict', 'Warn', 'Ignore', 'Bogus']),
      'gracePeriodSeconds=' + pick(['0', '-1', 'x', '30']),
      'propagationPolicy=' + pick(['Foreground', 'Orphan', 'Bogus']),
    ]);
    path += '?' + q;
  }
  // Outside the fuzzed namespace only reads (and creates) are sent, so a DELETE of the whole
  // namespaces collection cannot take the protected namespace with it.
  const scoped = path.includes('/namespaces/') && !/\/namespaces\/protected\b/.test(path);
  const method = scoped
    ? pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'])
    : pick(['GET', 'GET', 'HEAD', 'POST']);
  const headers: Record<string, string> = { 'Content-Type': pick(contentTypes) };
  if (chance(0.2))
    headers.Accept = pick([
      'application/json;as=Table;v=v1;g=meta.k8s.io',
      'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
      'text/html',
      '*/*',
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    ]);
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && chance(0.3))) {
    const obj = make(name, ns);
    const r = rand();
    if (r < 0.3) body = JSON.stringify(obj);
    else if (r < 0.65) body = JSON.stringify(mutate(mutate(obj)));
    else if (r < 0.72) body = JSON.stringify(obj).slice(0, Math.floor(rand() * 60));
    else if (r < 0.77) body = deepNesting(pick([100, 2000, 20000]));
    else if (r < 0.8)
      body = '{"metadata":{"name":"big"},"data":{"a":"' + 'x'.repeat(pick([1024, 3.5 * 1024 * 1024])) + '"}}';
    else if (r < 0.85)
      body = JSON.stringify(
        pick([
          [{ op: 'add', path: '/data/x', value: 'y' }],
          [{ op: 'remove', path: '/nope' }],
          [{ op: 'test', path: '/metadata/name', value: 'z' }],
          [{ op: 'bogus' }],
          [{}],
        ]),
      );
    else if (r < 0.9)
      body = Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('latin1');
    else if (r < 0.95) body = 'a: [unclosed\n  - x: {';
    else body = JSON.stringify(randomValue());
  }
  return { method, path, body, headers };
}

let server: TestServer;
let client: HttpsClient;

before(async () => {
  server = await startServer();
  client = httpsClient(server.connection, 16);
});

after(async () => {
  client?.close();
  await server?.stop();
});

test(
  `fuzz: ${total} random and mutated requests (seed ${seed}) leave the server healthy and data intact`,
  { timeout: 240_000 },
  async () => {
    // A protected namespace the fuzzer never writes to, and a playground namespace it targets.
    for (const ns of ['protected', 'fuzz']) {
      const r = await client.request('POST', '/api/v1/namespaces', {
        body: JSON.stringify({ metadata: { name: ns } }),
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(r.status, 201, r.body);
    }
    const protectedPaths: string[] = [];
    for (let i = 0; i < 5; i++) {
      for (const [base, resource, make] of resources.slice(0, 3)) {
        const r = await client.request('POST', `${base}/namespaces/protected/${resource}`, {
          body: JSON.stringify(make(`keep${i}`, 'protected')),
          headers: { 'Content-Type': 'application/json' },
        });
        assert.equal(r.status, 201, r.body);
        protectedPaths.push(`${base}/namespaces/protected/${resource}/keep${i}`);
      }
    }
    // What a client wrote and the server owns of it; controllers may add status, annotations and
    // managed fields to the protected deployments meanwhile, legitimately.
    const stable = (body: string): string => {
      const o = JSON.parse(body) as { metadata: Record<string, unknown>; spec?: unknown; data?: unknown };
      const m = o.metadata;
      return JSON.stringify({
        uid: m.uid,
        name: m.name,
        namespace: m.namespace,
        labels: m.labels,
        generation: m.generation,
        creationTimestamp: m.creationTimestamp,
        spec: o.spec,
        data: o.data,
      });
    };
    const snapshot = new Map<string, string>();
    for (const p of protectedPaths) snapshot.set(p, stable((await client.request('GET', p)).body));

    const failures: string[] = [];
    const codes = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        const req = randomRequest();
        let res;
        try {
          res = await client.request(req.method, req.path, {
            body: req.body,
            headers: req.headers,
            timeoutMs: 20_000,
          });
        } catch (err) {
          failures.push(`${req.method} ${req.path}: transport error ${(err as Error).message}`);
          continue;
        }
        codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        // 504 "Too large resource version" is Kubernetes' answer to a resourceVersion from the future
        // (client-go retries it); every other 5xx is a server fault.
        const tooLarge =
          res.status === 504 && (req.method === 'HEAD' || res.body.includes('ResourceVersionTooLarge'));
        if (res.status >= 500 && !tooLarge)
          failures.push(
            `${req.method} ${req.path} [${req.headers['Content-Type']}] → ${res.status} ${res.body.slice(0, 300)}`,
          );
        if (res.status >= 400 && req.method !== 'HEAD') {
          try {
            const st = JSON.parse(res.body) as { kind?: string; code?: number };
            if (st.kind !== 'Status' || st.code !== res.status)
              failures.push(
                `${req.method} ${req.path} → ${res.status} without a matching Status: ${res.body.slice(0, 200)}`,
              );
          } catch {
            failures.push(
              `${req.method} ${req.path} → ${res.status} with a non-JSON body: ${res.body.slice(0, 200)}`,
            );
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.deepEqual(failures.slice(0, 20), [], `seed ${seed}: ${failures.length} bad answers`);
    assert.ok(sent >= total);
    // Healthy: ready, and still serving writes and reads.
    assert.equal((await client.request('GET', '/readyz')).status, 200);
    // (The fuzzed namespace itself may have been deleted — e.g. via a `..` path segment — so write to a new one.)
    const made = await client.request('POST', '/api/v1/namespaces', {
      body: JSON.stringify({ metadata: { name: 'after-fuzz' } }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(made.status, 201, made.body);
    const ok = await client.request('POST', '/api/v1/namespaces/after-fuzz/configmaps', {
      body: JSON.stringify(configMap('after-fuzz', 'after-fuzz')),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(ok.status, 201, ok.body);
    // Intact: everything outside the fuzzed namespace is what it was.
    for (const [p, before] of snapshot)
      assert.equal(stable((await client.request('GET', p)).body), before, p);
    const list = await client.request('GET', '/api/v1/configmaps');
    assert.equal(list.status, 200);
    JSON.parse(list.body);
    // Some of each kind of answer happened, so the fuzzer really exercised the paths.
    for (const code of [200, 201, 400, 404, 422])
      assert.ok((codes.get(code) ?? 0) > 0, `no ${code} answers: ${JSON.stringify([...codes])}`);
  },
);
