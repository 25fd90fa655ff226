/**
 * Real bodies from the real kubectl: a small recording API server (plain HTTP on loopback, minimal
 * legacy discovery) captures what `kubectl create …`, `autoscale`, `create token` and `auth can-i`
 * POST as protobuf, and the decoded objects must equal what the same command prints with
 * `--dry-run=client -o json` (kubectl's JSON form of the very object it would send).
 *
 * Normalization: Go prints a zero `metadata.creationTimestamp` as null; the decoder omits it, so nulls
 * are removed from the client JSON before comparing. Nothing else is adjusted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath } from '../../../test/helpers/kubectl.ts';
import { decodeProtobufObject, protobufMediaType } from './object.ts';

type Json = Record<string, unknown>;

const resources: Record<string, [string, string, boolean, string[]?][]> = {
  // groupVersion → [plural, Kind, namespaced, shortNames]
  v1: [
    ['namespaces', 'Namespace', false, ['ns']],
    ['configmaps', 'ConfigMap', true, ['cm']],
    ['secrets', 'Secret', true],
    ['services', 'Service', true, ['svc']],
    ['serviceaccounts', 'ServiceAccount', true, ['sa']],
    ['resourcequotas', 'ResourceQuota', true, ['quota']],
    ['pods', 'Pod', true, ['po']],
  ],
  'apps/v1': [
    ['deployments', 'Deployment', true, ['deploy']],
    ['deployments/scale', 'Scale', true],
  ],
  'batch/v1': [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true, ['cj']],
  ],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
    ['clusterroles', 'ClusterRole', false],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true, ['ing']]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false, ['pc']]],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa']]],
  'autoscaling/v1': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa']]],
  'authorization.k8s.io/v1': [['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false]],
};

function discovery(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = new Map<string, string[]>();
    for (const gv of Object.keys(resources)) {
      if (gv === 'v1') continue;
      const [g, v] = gv.split('/');
      groups.set(g, [...(groups.get(g) ?? []), v]);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, vs]) => ({
        name,
        versions: vs.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] },
      })),
    };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice(6) : '';
  const list = resources[gv];
  if (!list) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: list.map(([name, kind, namespaced, shortNames]) => ({
      name,
      singularName: kind.toLowerCase(),
      namespaced,
      kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      ...(shortNames ? { shortNames } : {}),
      ...(kind === 'Scale' ? { group: 'autoscaling', version: 'v1', singularName: '' } : {}),
    })),
  };
}

interface Recorded {
  method: string;
  path: string;
  contentType: string;
  object?: Json;
  error?: string;
}

const recorded: Recorded[] = [];
let server: ReturnType<typeof createServer>;
let dir = '';
let kubeconfig = '';
const haveKubectl = existsSync(kubectlPath);

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET') {
    if (url.pathname === '/apis/apps/v1/namespaces/default/deployments/d') {
      return send(res, 200, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'd' } },
          template: {
            metadata: { labels: { app: 'd' } },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      });
    }
    const d = discovery(url.pathname);
    return d === undefined
      ? send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 })
      : send(res, 200, d);
  }
  const rec: Recorded = {
    method: req.method ?? '',
    path: url.pathname,
    contentType: req.headers['content-type'] ?? '',
  };
  recorded.push(rec);
  try {
    rec.object =
      rec.contentType === protobufMediaType
        ? decodeProtobufObject(body)
        : (JSON.parse(body.toString()) as Json);
  } catch (err) {
    rec.error = (err as Error).message;
    return send(res, 400, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: rec.error,
      reason: 'BadRequest',
      code: 400,
    });
  }
  const answer: Json = structuredClone(rec.object);
  if (answer.kind === 'TokenRequest')
    answer.status = { token: 'tok-123', expirationTimestamp: '2030-01-01T00:00:00Z' };
  if (answer.kind === 'SelfSubjectAccessReview') answer.status = { allowed: true };
  send(res, 201, answer);
}

before(async () => {
  if (!haveKubectl) return;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'berth-protobuf-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]',
      'current-context: c',
      '',
    ].join('\n'),
  );
});

after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Removes nulls (Go's zero Time) recursively. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, dropNulls(x)]),
    );
  }
  return v;
}

// [command words, the path kubectl POSTs to]
const creates: [string[], string][] = [
  [['create', 'namespace', 'x'], '/api/v1/namespaces'],
  [
    ['create', 'configmap', 'c', '--from-literal=a=b', '--from-literal=empty='],
    '/api/v1/namespaces/default/configmaps',
  ],
  [
    ['create', 'deployment', 'd', '--image=busybox', '--replicas=2', '--port=80'],
    '/apis/apps/v1/namespaces/default/deployments',
  ],
  [
    ['create', 'deployment', 'zero', '--image=busybox', '--replicas=0'],
    '/apis/apps/v1/namespaces/default/deployments',
  ],
  [
    ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--type=Opaque'],
    '/api/v1/namespaces/default/secrets',
  ],
  [
    [
      'create',
      'secret',
      'docker-registry',
      'reg',
      '--docker-server=r.example.com',
      '--docker-username=u',
      '--docker-password=p',
    ],
    '/api/v1/namespaces/default/secrets',
  ],
  [['create', 'service', 'nodeport', 'n', '--tcp=80:8080'], '/api/v1/namespaces/default/services'],
  [['create', 'service', 'clusterip', 'headless', '--clusterip=None'], '/api/v1/namespaces/default/services'],
  [['create', 'serviceaccount', 'sa'], '/api/v1/namespaces/default/serviceaccounts'],
  [['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'], '/apis/batch/v1/namespaces/default/jobs'],
  [
    ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure'],
    '/apis/batch/v1/namespaces/default/cronjobs',
  ],
  [
    ['create', 'role', 'r', '--verb=get', '--verb=list', '--resource=pods', '--resource-name=p1'],
    '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles',
  ],
  [
    ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/logs'],
    '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ],
  [
    ['create', 'rolebinding', 'rb', '--clusterrole=view', '--serviceaccount=default:sa', '--user=u'],
    '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings',
  ],
  [
    ['create', 'clusterrolebinding', 'crb', '--clusterrole=view', '--group=g'],
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  ],
  [
    ['create', 'ingress', 'i', '--rule=a.com/b=svc:80', '--rule=c.com/*=svc2:http,tls=sec', '--class=nginx'],
    '/apis/networking.k8s.io/v1/namespaces/default/ingresses',
  ],
  [
    ['create', 'pdb', 'p', '--selector=app=x', '--min-available=1'],
    '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
  ],
  [
    ['create', 'pdb', 'p2', '--selector=app=x', '--max-unavailable=50%'],
    '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
  ],
  [
    ['create', 'priorityclass', 'pc', '--value=100', '--description=d', '--preemption-policy=Never'],
    '/apis/scheduling.k8s.io/v1/priorityclasses',
  ],
  [['create', 'priorityclass', 'pc0', '--value=0'], '/apis/scheduling.k8s.io/v1/priorityclasses'],
  [
    ['create', 'quota', 'q', '--hard=pods=3,requests.cpu=500m', '--scopes=BestEffort'],
    '/api/v1/namespaces/default/resourcequotas',
  ],
];

/** Adds flags before a `--` (after it they would be the container's command). */
function withFlags(args: string[], ...flags: string[]): string[] {
  const i = args.indexOf('--');
  return i < 0 ? [...args, ...flags] : [...args.slice(0, i), ...flags, ...args.slice(i)];
}

for (const [args, path] of creates) {
  test(
    `kubectl ${args.join(' ')}: the protobuf body decodes to kubectl's own JSON`,
    { skip: !haveKubectl && 'no kubectl' },
    async () => {
      const before = recorded.length;
      const real = await kubectl(withFlags(args, '-o', 'name'), { kubeconfig });
      assert.equal(real.code, 0, real.stderr);
      const mine = recorded.slice(before).filter((r) => r.method === 'POST');
      assert.equal(mine.length, 1, JSON.stringify(recorded.slice(before)));
      assert.equal(mine[0].path, path);
      assert.equal(mine[0].contentType, protobufMediaType, 'kubectl sent protobuf');
      assert.equal(mine[0].error, undefined);
      const client = await kubectl(withFlags(args, '--dry-run=client', '-o', 'json'), { kubeconfig });
      assert.equal(client.code, 0, client.stderr);
      assert.deepEqual(mine[0].object, dropNulls(JSON.parse(client.stdout)));
    },
  );
}

test(
  'kubectl autoscale, create token and auth can-i send bodies the decoder reads',
  { skip: !haveKubectl && 'no kubectl' },
  async () => {
    const cases: [string[], string, RegExp, Json][] = [
      [
        ['autoscale', 'deployment', 'd', '--min=2', '--max=5', '--cpu-percent=80'],
        '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers',
        /autoscaled/,
        {
          kind: 'HorizontalPodAutoscaler',
          apiVersion: 'autoscaling/v1',
          metadata: { name: 'd' },
          spec: {
            scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' },
            minReplicas: 2,
            maxReplicas: 5,
            targetCPUUtilizationPercentage: 80,
          },
          status: { currentReplicas: 0, desiredReplicas: 0 },
        },
      ],
      [
        ['create', 'token', 'sa', '--duration=10m', '--audience=a1'],
        '/api/v1/namespaces/default/serviceaccounts/sa/token',
        /tok-123/,
        {
          kind: 'TokenRequest',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: {},
          spec: { audiences: ['a1'], expirationSeconds: 600 },
          status: { token: '' },
        },
      ],
      [
        ['auth', 'can-i', 'list', 'deployments.apps', '-n', 'ns1'],
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        /yes/,
        {
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          metadata: {},
          spec: {
            resourceAttributes: { namespace: 'ns1', verb: 'list', group: 'apps', resource: 'deployments' },
          },
          status: { allowed: false },
        },
      ],
      [
        ['auth', 'can-i', 'get', '/healthz'],
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        /yes/,
        {
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          metadata: {},
          spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
          status: { allowed: false },
        },
      ],
    ];
    for (const [args, path, out, want] of cases) {
      const before = recorded.length;
      const r = await kubectl(args, { kubeconfig });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, out);
      const posts = recorded.slice(before).filter((x) => x.method === 'POST');
      assert.equal(posts.length, 1, args.join(' '));
      assert.equal(posts[0].path, path);
      assert.equal(posts[0].contentType, protobufMediaType);
      assert.deepEqual(posts[0].object, want, args.join(' '));
    }
  },
);
