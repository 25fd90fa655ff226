/**
 * Reading with kubectl: the server-side Table columns users know (pods, deployments, services,
 * configmaps), output formats (-o wide|yaml|json|jsonpath|name), -A, label and field selectors,
 * --show-labels, --sort-by, NotFound, and `get -w` seeing changes as they happen.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';
import { configMap, deployment, docs, namespace, pod } from './fixtures.ts';

const ns = 'reads';
const other = 'reads-other';

/** Body rows of a table (header dropped), split on runs of 2+ spaces like kubectl aligns them. */
function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/));
}

function names(table: string, column = 0): string[] {
  return rows(table).map((r) => r[column] ?? '');
}

describe('kubectl get', { skip: e2eSkip() }, () => {
  const s = useServer();

  before(async () => {
    const k = kubectlSession(undefined, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], {
      input: docs(
        namespace(ns),
        namespace(other),
        // order values sort c-3, c-1, c-2 — unlike the names, so --sort-by is visible.
        configMap(ns, 'c-1', { e2e: 'get', tier: 'front' }, { order: 'b', k: 'v' }),
        configMap(ns, 'c-2', { e2e: 'get', tier: 'back' }, { order: 'c' }),
        configMap(ns, 'c-3', { e2e: 'get', tier: 'front' }, { order: 'a', k: 'v', j: 'w' }),
        configMap(other, 'c-4', { e2e: 'get' }, {}),
        deployment(ns, 'web', 2),
        pod(ns, 'p1'),
        `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: 8080 }
`,
      ),
    });
    await k.close();
  });

  test('default columns for pods, deployments, services and configmaps', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const pods = await k.ok(['get', 'pods', '-n', ns]);
    assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(pods, /^p1\s+0\/1\s+Pending\s+0\s+\S+$/m);

    const deploys = await k.ok(['get', 'deploy', '-n', ns]);
    assert.match(deploys, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    // The deployment controller runs, but with no nodes nothing becomes available: 0/2, 0 or 2 up to date.
    assert.match(deploys, /^web\s+0\/2\s+[02]\s+0\s+\S+$/m);

    const svcs = await k.ok(['get', 'svc', '-n', ns]);
    assert.match(svcs, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(svcs, /^web\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\S+$/m);

    const cms = await k.ok(['get', 'cm', '-n', ns]);
    assert.match(cms, /^NAME\s+DATA\s+AGE$/m);
    assert.match(cms, /^c-1\s+2\s+\S+$/m);
    assert.match(cms, /^c-3\s+3\s+\S+$/m);
  });

  test('-o wide adds the priority columns', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const deploys = await k.ok(['get', 'deployments', '-n', ns, '-o', 'wide']);
    assert.match(deploys, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(
      deploys,
      /^web\s+0\/2\s+[02]\s+0\s+\S+\s+app,sidecar\s+nginx:1\.25,busybox:1\.36\s+app=web$/m,
    );
    const pods = await k.ok(['get', 'po', '-n', ns, '-o', 'wide']);
    assert.match(
      pods,
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m,
    );
    assert.match(pods, /^p1\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$/m);
    const svcs = await k.ok(['get', 'services', '-n', ns, '-o', 'wide']);
    assert.match(svcs, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/m);
    assert.match(svcs, /^web\s+.*\s+app=web$/m);
  });

  test('-o yaml, -o json, -o name and -o jsonpath', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const y = parse(await k.ok(['get', 'cm', 'c-1', '-n', ns, '-o', 'yaml'])) as {
      apiVersion: string;
      kind: string;
      metadata: {
        name: string;
        namespace: string;
        uid: string;
        resourceVersion: string;
        labels: Record<string, string>;
      };
      data: Record<string, string>;
    };
    assert.equal(y.apiVersion, 'v1');
    assert.equal(y.kind, 'ConfigMap');
    assert.equal(y.metadata.name, 'c-1');
    assert.equal(y.metadata.namespace, ns);
    assert.ok(y.metadata.uid && y.metadata.resourceVersion);
    assert.deepEqual(y.data, { order: 'b', k: 'v' });
    assert.deepEqual(y.metadata.labels, { e2e: 'get', tier: 'front' });

    const list = JSON.parse(await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e=get', '-o', 'json'])) as {
      kind: string;
      items: { kind: string; metadata: { name: string } }[];
    };
    assert.equal(list.kind, 'List');
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['c-1', 'c-2', 'c-3'],
    );
    assert.ok(list.items.every((i) => i.kind === 'ConfigMap'));

    const deploy = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])) as {
      apiVersion: string;
      kind: string;
      metadata: { generation: number };
      spec: { replicas: number; strategy: { type: string }; revisionHistoryLimit: number };
    };
    assert.equal(deploy.apiVersion, 'apps/v1');
    assert.equal(deploy.kind, 'Deployment');
    assert.equal(deploy.metadata.generation, 1);
    assert.equal(deploy.spec.replicas, 2);
    // Defaults a real API server fills in.
    assert.equal(deploy.spec.strategy.type, 'RollingUpdate');
    assert.equal(deploy.spec.revisionHistoryLimit, 10);

    assert.equal(
      await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '-o', 'jsonpath={.items[*].metadata.name}']),
      'c-1 c-2 c-3',
    );
    assert.equal(
      await k.ok([
        'get',
        'cm',
        '-n',
        ns,
        '-l',
        'e2e',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.data.order}{"\\n"}{end}',
      ]),
      'c-1=b\nc-2=c\nc-3=a\n',
    );
    assert.equal(
      await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '-o', 'name']),
      'configmap/c-1\nconfigmap/c-2\nconfigmap/c-3\n',
    );
  });

  test('-A lists every namespace with a NAMESPACE column', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const out = await k.ok(['get', 'cm', '-A', '-l', 'e2e=get']);
    assert.match(out, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
    assert.deepEqual(
      rows(out).map((r) => `${r[0]}/${r[1]}`),
      // Sorted by namespace then name, as by key: 'reads-other' sorts before 'reads/' ('-' < '/').
      [`${other}/c-4`, `${ns}/c-1`, `${ns}/c-2`, `${ns}/c-3`],
    );
  });

  test('label selectors: equality, inequality, set-based, existence', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const cases: { selector: string; want: string[] }[] = [
      { selector: 'tier=front', want: ['c-1', 'c-3'] },
      { selector: 'tier!=front', want: ['c-2', 'kube-root-ca.crt'] }, // every namespace has the root CA ConfigMap
      { selector: 'tier in (back,middle)', want: ['c-2'] },
      { selector: 'tier notin (back),e2e=get', want: ['c-1', 'c-3'] },
      { selector: 'tier', want: ['c-1', 'c-2', 'c-3'] },
      { selector: 'e2e=get,!tier', want: [] },
    ];
    for (const c of cases) {
      const r = await k.run(['get', 'cm', '-n', ns, '-l', c.selector, '-o', 'name']);
      assert.equal(r.code, 0, `-l ${c.selector}: ${r.stderr}`);
      assert.deepEqual(
        r.stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => l.replace('configmap/', '')),
        c.want,
        `-l ${c.selector}`,
      );
    }
    assert.match(await k.fails(['get', 'cm', '-n', ns, '-l', 'tier==in==x']), /selector|parse|unable/i);
  });

  test('--field-selector on metadata.name and metadata.namespace; unsupported fields refused', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.deepEqual(names(await k.ok(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=c-2'])), [
      'c-2',
    ]);
    assert.deepEqual(
      names(await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '--field-selector', 'metadata.name!=c-2'])),
      ['c-1', 'c-3'],
    );
    assert.deepEqual(
      rows(
        await k.ok(['get', 'cm', '-A', '-l', 'e2e', '--field-selector', `metadata.namespace=${other}`]),
      ).map((r) => r[1]),
      ['c-4'],
    );
    // (The deployment's pods are Pending too — no nodes — so narrow to p1's own label as well.)
    assert.deepEqual(
      names(
        await k.ok(['get', 'pods', '-n', ns, '-l', 'app=p1', '--field-selector', 'status.phase=Pending']),
      ),
      ['p1'],
    );
    const bad = await k.fails(['get', 'cm', '-n', ns, '--field-selector', 'data.order=a']);
    assert.match(bad, /field label not supported|not a known field selector|data\.order/i);
  });

  test('--show-labels and --sort-by', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const labeled = await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '--show-labels']);
    assert.match(labeled, /^NAME\s+DATA\s+AGE\s+LABELS$/m);
    assert.match(labeled, /^c-1\s+2\s+\S+\s+e2e=get,tier=front$/m);
    assert.match(labeled, /^c-2\s+1\s+\S+\s+e2e=get,tier=back$/m);

    assert.deepEqual(names(await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '--sort-by=.data.order'])), [
      'c-3',
      'c-1',
      'c-2',
    ]);
    const byTier = names(
      await k.ok(['get', 'cm', '-n', ns, '-l', 'e2e', '--sort-by', '{.metadata.labels.tier}']),
    );
    assert.equal(byTier[0], 'c-2', byTier.join(' '));
    assert.deepEqual(byTier.slice(1).sort(), ['c-1', 'c-3']);
  });

  test('several kinds at once, one name, and NotFound', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const both = await k.ok(['get', 'deploy,svc', '-n', ns]);
    assert.match(both, /^deployment\.apps\/web\s+0\/2/m);
    assert.match(both, /^service\/web\s+ClusterIP/m);
    assert.deepEqual(names(await k.ok(['get', 'configmap', 'c-3', '-n', ns])), ['c-3']);
    const missing = await k.fails(['get', 'cm', 'nope', '-n', ns]);
    assert.match(missing, /Error from server \(NotFound\): configmaps "nope" not found/);
    const missingNs = await k.run(['get', 'cm', '-n', 'no-such-ns']);
    assert.equal(missingNs.code, 0, missingNs.stderr);
    assert.match(missingNs.stderr, /No resources found in no-such-ns namespace/);
  });

  test('get -w prints a new line when an object changes or appears', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: configMap(ns, 'w-1', { watch: 'yes' }, { a: '1' }) });
    const w = k.spawn(['get', 'cm', '-n', ns, '-l', 'watch', '-w']);
    await w.waitFor(/^w-1\s+1\s+\S+$/m);

    await k.ok(['patch', 'cm', 'w-1', '-n', ns, '--type', 'merge', '-p', '{"data":{"b":"2"}}']);
    await w.waitFor(/^w-1\s+2\s+\S+$/m);

    await k.ok(['apply', '-f', '-'], { input: configMap(ns, 'w-2', { watch: 'yes' }, { x: 'y' }) });
    await w.waitFor(/^w-2\s+1\s+\S+$/m);

    // One header only: watch events are rows of the same table.
    assert.equal(w.stdout().match(/^NAME\s+DATA\s+AGE$/gm)?.length, 1, w.stdout());
  });

  test('get NAME -w starts from the current object and follows it', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: configMap(ns, 'w-solo', {}, { a: '1' }) });
    const w = k.spawn(['get', 'cm', 'w-solo', '-n', ns, '-w', '-o', 'jsonpath={.data.a}{"\\n"}']);
    await w.waitFor(/^1$/m);
    await k.ok(['patch', 'cm', 'w-solo', '-n', ns, '-p', '{"data":{"a":"2"}}']);
    await w.waitFor(/^2$/m);
    // The current object may arrive twice (GET, then the watch's initial ADDED); nothing else may.
    assert.match(w.stdout(), /^(1\n)+2\n$/);
  });
});
