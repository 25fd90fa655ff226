/**
 * Cluster DNS end to end: a real `berth server`, `berth sim` nodes (their pods get IPs), a running
 * `berth dns` pointed at a fake upstream resolver, objects made with the real kubectl, and every
 * answer read with a real resolver client (`dig`, from bind9-dnsutils). Covers ClusterIP, NXDOMAIN
 * vs NODATA, SRV, PTR, headless services and StatefulSet pod names, ExternalName followed upstream,
 * pod names, TCP, and that changes (a slice edited, a scale-up, a Service deleted) are answered
 * within a second of the API accepting them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { startFakeUpstream, type FakeUpstream } from '../../src/dns/testing.ts';
import { CLASS_IN, RRType } from '../../src/dns/message.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const haveDig = spawnSync('dig', ['-v'], { stdio: 'ignore' }).status === 0;

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: pg
        image: postgres
        ports: [{name: pg, containerPort: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  type: ExternalName
  externalName: outside.example
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  clusterIP: None
  ports: [{name: x, port: 1}]
`;

const manualSlice = (ready: boolean): string => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: manual-1
  labels: {kubernetes.io/service-name: manual}
addressType: IPv4
ports: [{name: x, port: 1, protocol: TCP}]
endpoints:
- addresses: [192.0.2.1]
  conditions: {ready: true}
- addresses: [192.0.2.2]
  conditions: {ready: ${ready}}
`;

describe(
  'cluster DNS with berth server, sim nodes, kubectl and dig',
  { skip: e2eSkip() || (!haveDig && 'dig not installed (apt-get install bind9-dnsutils)') },
  () => {
    const s = useServer();
    const children: ChildProcess[] = [];
    let logs = '';
    let port = 0;
    let upstream: FakeUpstream;
    let finished = false;

    before(async () => {
      upstream = await startFakeUpstream((name) =>
        name.toLowerCase() === 'outside.example'
          ? {
              kind: 'answer',
              records: [{ name: '', type: RRType.A, class: CLASS_IN, ttl: 60, address: '198.51.100.7' }],
            }
          : { kind: 'answer', rcode: 3, soa: { ttl: 60, minimum: 30 } },
      );
      const start = (args: string[]): ChildProcess => {
        const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
        children.push(child);
        return child;
      };
      start(['sim', '--kubeconfig', s.server.kubeconfig, '--nodes', '2', '--ready-delay', '200ms']);
      port = await freePort();
      const dns = start([
        'dns',
        '--kubeconfig',
        s.server.kubeconfig,
        '--listen',
        `127.0.0.1:${port}`,
        '--upstream',
        `127.0.0.1:${upstream.endpoint.port}`,
      ]);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`berth dns did not start:\n${logs}`)), 30_000);
        createInterface({ input: dns.stdout! }).on('line', (line) => {
          if (line.startsWith('berth dns listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    });
    after(async () => {
      for (const child of children) child.kill('SIGTERM');
      await upstream?.close();
      if (!finished || process.env.BERTH_TEST_LOGS === '1')
        process.stderr.write(`\n--- dns/sim log ---\n${logs}\n`);
    });

    /** `dig` with the given arguments against berth dns; the full text of its answer. */
    const dig = (...args: string[]): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile('dig', [`@127.0.0.1`, '-p', String(port), '+tries=1', '+time=2', ...args], (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
    const short = async (...args: string[]): Promise<string[]> =>
      (await dig('+short', ...args)).trim().split('\n').filter(Boolean).sort();
    const status = async (...args: string[]): Promise<string> =>
      /status: (\w+)/.exec(await dig(...args))?.[1] ?? '?';

    async function eventually<T>(
      what: string,
      read: () => Promise<T>,
      ok: (v: T) => boolean,
      ms = 60_000,
    ): Promise<T> {
      const deadline = Date.now() + ms;
      for (;;) {
        const v = await read();
        if (ok(v)) return v;
        if (Date.now() > deadline) throw new Error(`${what}: gave up, last: ${JSON.stringify(v)}`);
        await sleep(200);
      }
    }

    /** Polls dig until `ok`, failing if that takes longer than `ms` (the "within a second" promise). */
    async function within(
      ms: number,
      what: string,
      read: () => Promise<string[] | string>,
      ok: (v: string[] | string) => boolean,
    ): Promise<number> {
      const t0 = Date.now();
      for (;;) {
        const v = await read();
        if (ok(v)) return Date.now() - t0;
        if (Date.now() - t0 > ms)
          throw new Error(`${what}: not seen within ${ms} ms, last: ${JSON.stringify(v)}`);
        await sleep(20);
      }
    }

    const podIPs = async (k: KubectlSession, app: string): Promise<string[]> =>
      (await k.ok(['get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].status.podIP}']))
        .split(' ')
        .filter(Boolean)
        .sort();

    test(
      'answers for Services, headless and StatefulSet pods, SRV, PTR, ExternalName, pods; changes within a second',
      { timeout: 180_000 },
      async (t) => {
        const k = kubectlSession(t, s.server.kubeconfig);
        await eventually(
          'sim nodes Ready',
          () =>
            k.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}']),
          (o) => o.split(' ').filter((x) => x === 'True').length === 2,
        );
        await k.ok(['apply', '-f', '-'], { input: manifests });
        await k.ok(['apply', '-f', '-'], { input: manualSlice(false) });
        await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
        await k.ok(['rollout', 'status', 'statefulset/db', '--timeout=60s']);
        const webIP = await k.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
        const dbIPs = await podIPs(k, 'db');
        assert.equal(dbIPs.length, 2);

        // The kube-dns Service was created at startup, and names itself.
        assert.equal(
          await k.ok(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}']),
          '10.96.0.10',
        );
        assert.deepEqual(await short('kube-dns.kube-system.svc.cluster.local'), ['10.96.0.10']);

        // ClusterIP Service: A, NODATA for AAAA (with the SOA), NXDOMAIN for a missing one, SRV, PTR.
        assert.deepEqual(await short('web.default.svc.cluster.local'), [webIP]);
        const aaaa = await dig('web.default.svc.cluster.local', 'AAAA');
        assert.match(aaaa, /status: NOERROR/);
        assert.match(aaaa, /ANSWER: 0,/);
        assert.match(aaaa, /cluster\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.cluster\.local\./);
        assert.equal(await status('nosuch.default.svc.cluster.local'), 'NXDOMAIN');
        assert.equal(await status('svc.cluster.local'), 'NOERROR');
        assert.equal(await status('web.nosuchns.svc.cluster.local'), 'NXDOMAIN');
        assert.match(
          await dig('web.default.svc.cluster.local'),
          /web\.default\.svc\.cluster\.local\.\s+5\s+IN\s+A/,
        );
        assert.deepEqual(await short('_http._tcp.web.default.svc.cluster.local', 'SRV'), [
          '0 100 80 web.default.svc.cluster.local.',
        ]);
        assert.deepEqual(await short('-x', webIP), ['web.default.svc.cluster.local.']);

        // Headless: every ready pod, StatefulSet pods by name, SRV per pod, PTR of a pod address.
        await eventually(
          'headless answer',
          () => short('db.default.svc.cluster.local'),
          (v) => v.join() === dbIPs.join(),
        );
        const db0 = await k.ok(['get', 'pod', 'db-0', '-o', 'jsonpath={.status.podIP}']);
        assert.deepEqual(await short('db-0.db.default.svc.cluster.local'), [db0]);
        assert.deepEqual(await short('_pg._tcp.db.default.svc.cluster.local', 'SRV'), [
          '0 50 5432 db-0.db.default.svc.cluster.local.',
          '0 50 5432 db-1.db.default.svc.cluster.local.',
        ]);
        assert.deepEqual(await short('-x', db0), ['db-0.db.default.svc.cluster.local.']);

        // ExternalName: CNAME, then the target's address from upstream; other names forwarded.
        assert.deepEqual(await short('ext.default.svc.cluster.local'), ['198.51.100.7', 'outside.example.']);
        assert.deepEqual(await short('outside.example'), ['198.51.100.7']);
        assert.equal(await status('missing.example'), 'NXDOMAIN');
        // Pod names and TCP.
        assert.deepEqual(await short(`${db0.replace(/\./g, '-')}.default.pod.cluster.local`), [db0]);
        assert.deepEqual(await short('+tcp', 'web.default.svc.cluster.local'), [webIP]);

        // Changes: a not-ready endpoint becoming ready (slice edited by hand) ...
        assert.deepEqual(await short('manual.default.svc.cluster.local'), ['192.0.2.1']);
        await k.ok(['apply', '-f', '-'], { input: manualSlice(true) });
        const edit = await within(
          1000,
          'slice edit',
          () => short('manual.default.svc.cluster.local'),
          (v) => (v as string[]).length === 2,
        );
        // ... a scale-up, seen within a second of its EndpointSlice listing the new pod ...
        await k.ok(['scale', 'statefulset', 'db', '--replicas=3']);
        await k.ok(['rollout', 'status', 'statefulset/db', '--timeout=60s']);
        await eventually(
          'slice lists three ready pods',
          () =>
            k.ok([
              'get',
              'endpointslices',
              '-l',
              'kubernetes.io/service-name=db',
              '-o',
              'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}',
            ]),
          (o) => o.split(' ').filter(Boolean).length === 3,
        );
        const scale = await within(
          1000,
          'scale-up',
          () => short('db.default.svc.cluster.local'),
          (v) => (v as string[]).length === 3,
        );
        assert.equal((await short('db-2.db.default.svc.cluster.local')).length, 1);
        // ... and a deleted Service turning into NXDOMAIN.
        await k.ok(['delete', 'svc', 'web', '--wait=false']);
        const del = await within(
          1000,
          'service deletion',
          () => status('web.default.svc.cluster.local'),
          (v) => v === 'NXDOMAIN',
        );
        t.diagnostic(`change → answer: slice edit ${edit} ms, scale-up ${scale} ms, deletion ${del} ms`);
        finished = true;
      },
    );
  },
);
