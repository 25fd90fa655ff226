/**
 * Issue 6 §7, end to end on a 3-node cluster of namespace machines with the real kubectl (cluster
 * set-up in network-acceptance-cluster.ts, workloads in network-acceptance-manifests.ts). Machines
 * A, B, C; echo pods on B and C behind a LoadBalancer Service `echo` (named targetPort), a client on
 * A. Checks: the client reaches `echo` and both backends answer; nslookup from a pod of a Service,
 * a headless Service and the StatefulSet pod name web-0.web.default.svc.cluster.local (and NXDOMAIN);
 * the NodePort from the host on every node's address; the LoadBalancer address from the host (routed
 * via A) and from the pod; a guestbook-style frontend on A (busybox nc speaking redis' inline
 * protocol) writes through `redis-leader` (redis image, B) and reads back through `redis-follower`
 * (C, a replica of the leader by Service name); a
 * host-side `berth ingress` routes two hosts and two paths to different Services, serves TLS with a
 * Secret's certificate and keeps serving when one Ingress is invalid; a default-deny NetworkPolicy
 * blocks and an allow rule re-opens exactly the port and peers it names; deleting every machine
 * leaves `ip link`, `ip route`, `nft list ruleset` and `iptables-save` as they were.
 * Skipped unless root with containerd, runc, CNI, kubectl, nginx and the redis image.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createCertificateAuthority, issueServingCert } from '../../src/apiserver/pki/issue.ts';
import { findNginx } from '../../src/ingress/nginx.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import { PackageSourceError, debianImagePreflight } from '../../src/node/images/debian-packages.ts';
import { ensureRedisImage, type RedisImage } from '../../src/node/images/redis.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { eventually, hostSnapshot, sh, startCluster, type Cluster } from './network-acceptance-cluster.ts';
import { list, policyWorkloads, workloads } from './network-acceptance-manifests.ts';

function redisImage(): { image?: RedisImage; skip?: string } {
  const why = debianImagePreflight();
  if (why) return { skip: why };
  try {
    return { image: ensureRedisImage() };
  } catch (err) {
    if (err instanceof PackageSourceError) return { skip: err.message };
    throw err;
  }
}

const early =
  (process.getuid?.() !== 0 ? 'needs root (network namespaces)' : undefined) ??
  runtimePreflightMessage() ??
  (e2eSkip() || undefined) ??
  (existsSync(findNginx()) ? undefined : 'nginx is not installed (apt-get install nginx)');
const built = early ? {} : redisImage();
const skip = early ?? built.skip ?? false;

/** One HTTP(S) request with a Host header (and SNI); status and body. */
function request(
  url: string,
  opts: { host?: string; ca?: string } = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: opts.host ? { Host: opts.host } : {},
        servername: opts.host,
        ca: opts.ca,
        agent: false,
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('network acceptance on three namespace machines (issue 6 §7)', { skip, timeout: 600_000 }, () => {
  let c: Cluster;
  let before_: Record<string, string[]>;
  let A = '';
  let B = '';
  let C = '';

  /** `kubectl exec` in a pod; exit code and output. */
  const exec = async (pod: string, cmd: string[], ns = 'default') => {
    const r = await c.k.run(['exec', '-n', ns, pod, '--', ...cmd]);
    return { code: r.code, out: (r.stdout + r.stderr).trim() };
  };
  /** busybox wget bounded by timeout(1) (its own -T crashes). */
  const fetch = (pod: string, url: string, ns = 'default') =>
    exec(pod, ['timeout', '2', 'wget', '-qO-', url], ns);
  const jsonpath = async (args: string[], path: string) =>
    (await c.k.ok(['get', ...args, '-o', `jsonpath=${path}`])).trim();

  before(async () => {
    before_ = hostSnapshot();
    c = await startCluster(built.image!);
    [A, B, C] = c.names;
  });

  after(async (ctx) => {
    if ((ctx as { passed?: boolean }).passed === false && c)
      process.stderr.write(`--- berth ingress log ---\n${c.ingressLog().slice(-4000)}\n`);
    if (
      (ctx as { passed?: boolean }).passed === false &&
      c &&
      existsSync(`${c.dir}/ingress/nginx/nginx.conf`)
    )
      process.stderr.write(
        `--- nginx.conf ---\n${readFileSync(`${c.dir}/ingress/nginx/nginx.conf`, 'utf8')}\n`,
      );
    await c?.close();
  });

  test('three Nodes Ready; the workloads run where they are pinned', async () => {
    await eventually('three nodes Ready', async () => {
      const out = await c.k.ok([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}',
      ]);
      return [A, B, C].every((n) => out.includes(`${n}=True`)) ? true : undefined;
    });
    await c.k.ok(['apply', '-f', '-'], { input: list([...workloads(c.names), ...policyWorkloads(c.names)]) });
    const pods = ['echo-b', 'echo-c', 'client', 'web-0', 'redis-leader', 'redis-follower', 'frontend'];
    await c.k.ok(['wait', '--for=condition=Ready', '--timeout=120s', ...pods.map((p) => `pod/${p}`)], {
      timeoutMs: 150_000,
    });
    await c.k.ok(
      ['wait', '-n', 'np', '--for=condition=Ready', '--timeout=120s', 'pod/srv', 'pod/allowed', 'pod/other'],
      {
        timeoutMs: 150_000,
      },
    );
    assert.equal(await jsonpath(['pod', 'echo-b'], '{.spec.nodeName}'), B);
    assert.equal(await jsonpath(['pod', 'echo-c'], '{.spec.nodeName}'), C);
    assert.equal(await jsonpath(['pod', 'client'], '{.spec.nodeName}'), A);
  });

  test('a pod on A reaches the Service whose pods are on B and C, and load is spread', async () => {
    const seen = new Set<string>();
    await eventually(
      'both backends answer through http://echo',
      async () => {
        const r = await exec('client', [
          'sh',
          '-c',
          'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do timeout 3 wget -qO- http://echo/; done',
        ]);
        for (const line of r.out.split('\n')) if (/^echo echo-[bc]$/.test(line)) seen.add(line);
        return seen.size === 2 ? true : undefined;
      },
      60_000,
    );
    assert.deepEqual([...seen].sort(), ['echo echo-b', 'echo echo-c']);
  });

  test('nslookup from a pod: a Service, a headless Service, a StatefulSet pod name', async () => {
    const clusterIP = await jsonpath(['svc', 'echo'], '{.spec.clusterIP}');
    const podIPs = (await jsonpath(['pod', 'echo-b', 'echo-c'], '{.items[*].status.podIP}'))
      .split(' ')
      .sort();
    const web0 = await jsonpath(['pod', 'web-0'], '{.status.podIP}');
    const answers = async (name: string): Promise<string[]> => {
      const r = await exec('client', ['nslookup', name]);
      assert.equal(r.code, 0, r.out);
      // The server's own address comes first; the answers follow the queried name.
      const tail = r.out.slice(r.out.indexOf(`Name:`));
      return [...tail.matchAll(/Address:\s+(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!).sort();
    };
    await eventually('DNS answers', async () =>
      (await answers('echo.default.svc.cluster.local')).includes(clusterIP) ? true : undefined,
    );
    assert.deepEqual(await answers('echo.default.svc.cluster.local'), [clusterIP]);
    assert.deepEqual(await answers('echo-headless.default.svc.cluster.local'), podIPs);
    assert.deepEqual(await answers('web-0.web.default.svc.cluster.local'), [web0]);
    const missing = await exec('client', ['nslookup', 'nothere.default.svc.cluster.local']);
    assert.notEqual(missing.code, 0, missing.out);
    assert.match(missing.out, /NXDOMAIN/, missing.out);
  });

  test('the NodePort answers from the host on every node address', async () => {
    const nodePort = await jsonpath(['svc', 'echo'], '{.spec.ports[0].nodePort}');
    assert.match(nodePort, /^\d+$/);
    for (const n of [A, B, C]) {
      const r = await eventually(`NodePort on ${n}`, async () => {
        const x = await request(`http://${c.addresses[n]}:${nodePort}/`);
        return x.status === 200 ? x : undefined;
      });
      assert.match(r.body, /^echo echo-[bc]$/);
    }
  });

  test('the LoadBalancer address answers from the host', async () => {
    const ip = await eventually('status.loadBalancer.ingress', async () => {
      const v = await jsonpath(['svc', 'echo'], '{.status.loadBalancer.ingress[0].ip}');
      return v || undefined;
    });
    assert.ok(ip.startsWith(c.lbPool.split('.').slice(0, 3).join('.') + '.'), ip);
    // Both backends (on B and C) answer through the address, which the host routes via A.
    const seen = new Set<string>();
    await eventually('both backends answer through the LoadBalancer address', async () => {
      const x = await request(`http://${ip}/`);
      if (x.status === 200) seen.add(x.body);
      return seen.size === 2 ? true : undefined;
    });
    assert.deepEqual([...seen].sort(), ['echo echo-b', 'echo echo-c']);
    // Pods use it too: the client on A through the LoadBalancer address and through C's NodePort.
    const nodePort = await jsonpath(['svc', 'echo'], '{.spec.ports[0].nodePort}');
    for (const url of [`http://${ip}/`, `http://${c.addresses[C]}:${nodePort}/`]) {
      // Every try answers (whichever backend the node picks), not just one of them.
      const r = await exec('client', [
        'sh',
        '-c',
        `for i in 1 2 3 4 5 6 7 8; do timeout 2 wget -qO- ${url} || echo FAIL; done`,
      ]);
      const answers = r.out.split('\n');
      assert.equal(answers.length, 8, r.out);
      for (const a of answers) assert.match(a, /^echo echo-[bc]$/, `${url}:\n${r.out}`);
    }
  });

  test('guestbook: a frontend on A writes via redis-leader (B) and reads via redis-follower (C)', async () => {
    // The frontend speaks redis' inline protocol with busybox nc, by Service name.
    const redis = (host: string, command: string) =>
      exec('frontend', [
        'sh',
        '-c',
        'printf "%s\\r\\nQUIT\\r\\n" "$1" | timeout 5 nc "$2" 6379',
        'redis',
        command,
        host,
      ]);
    await eventually('the follower is linked to the leader', async () =>
      /master_link_status:up/.test((await redis('redis-follower', 'INFO replication')).out)
        ? true
        : undefined,
    );
    const push = await redis('redis-leader', 'RPUSH guestbook hello-from-A');
    assert.match(push.out, /^:1\r?$/m, push.out);
    await eventually('the entry replicated to the follower', async () =>
      (await redis('redis-follower', 'LRANGE guestbook 0 -1')).out.includes('hello-from-A')
        ? true
        : undefined,
    );
    // The follower is read-only: writes go to the leader.
    assert.match((await redis('redis-follower', 'SET x 1')).out, /READONLY/);
  });

  test('Ingress: two hosts and two paths, TLS from a Secret, and an invalid Ingress does not break it', async () => {
    const ca = await createCertificateAuthority('acceptance-ca');
    const leaf = await issueServingCert(
      { caCert: ca.cert, caKey: ca.key },
      { dnsNames: ['secure.example.com'], ips: [], commonName: 'secure.example.com' },
    );
    const backend = (svc: string) => ({ service: { name: svc, port: { number: 80 } } });
    const ing = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace: 'default' },
      spec,
    });
    const rule = (host: string, paths: Array<[string, string]>) => ({
      host,
      http: { paths: paths.map(([path, svc]) => ({ path, pathType: 'Prefix', backend: backend(svc) })) },
    });
    await c.k.ok(['apply', '-f', '-'], {
      input: list([
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'secure-tls', namespace: 'default' },
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(leaf.cert).toString('base64'),
            'tls.key': Buffer.from(leaf.key).toString('base64'),
          },
        },
        ing('routes', {
          rules: [
            rule('a.example.com', [
              ['/echo', 'echo'],
              ['/web', 'web'],
            ]),
            rule('b.example.com', [['/', 'web']]),
          ],
        }),
        ing('secure', {
          tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
          rules: [rule('secure.example.com', [['/', 'echo']])],
        }),
      ]),
    });
    const get = (path: string, host: string) => request(`${c.ingressHttp}${path}`, { host });
    // Both Ingresses may land in separate reloads: wait until every route answers together.
    const routes = async () =>
      [
        (await get('/echo/', 'a.example.com')).body.replace(/echo-[bc]$/, 'echo-X'),
        (await get('/web/', 'a.example.com')).body,
        (await get('/', 'b.example.com')).body,
      ].join(',');
    const want = 'echo echo-X,web web-0,web web-0';
    await eventually('two hosts and two paths routed', async () =>
      (await routes()) === want ? true : undefined,
    );
    assert.equal(await routes(), want);
    assert.equal((await get('/echo/', 'nobody.example.com')).status, 404);
    const tls = await eventually('TLS served with the Secret certificate', async () => {
      const r = await request(`${c.ingressHttps}/`, { host: 'secure.example.com', ca: ca.cert });
      return r.status === 200 ? r : undefined;
    });
    assert.match(tls.body, /^echo echo-[bc]$/);
    const published = await eventually(
      'status.loadBalancer of the Ingress',
      async () =>
        (await jsonpath(['ingress', 'routes'], '{.status.loadBalancer.ingress[0].ip}')) || undefined,
    );
    assert.equal(published, '127.0.0.1');

    // One invalid Ingress (its TLS Secret does not exist) next to a valid one made after it.
    await c.k.ok(['apply', '-f', '-'], {
      input: list([
        ing('broken', {
          tls: [{ hosts: ['broken.example.com'], secretName: 'missing' }],
          rules: [rule('broken.example.com', [['/', 'echo']])],
        }),
        ing('later', { rules: [rule('later.example.com', [['/', 'web']])] }),
      ]),
    });
    await eventually('the later Ingress served', async () =>
      (await get('/', 'later.example.com')).body === 'web web-0' ? true : undefined,
    );
    assert.equal((await get('/web/', 'a.example.com')).body, 'web web-0');
    assert.equal((await get('/', 'broken.example.com')).status, 404);
    const events = await eventually('a Warning event on the invalid Ingress', async () => {
      const out = await c.k.ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=broken',
        '-o',
        'json',
      ]);
      const items = (JSON.parse(out) as { items: Array<{ type: string; message: string }> }).items;
      return items.some((e) => e.type === 'Warning') ? items : undefined;
    });
    assert.match(events.map((e) => e.message).join('\n'), /missing/);
  });

  test('a default-deny NetworkPolicy blocks; an allow rule re-opens exactly what it names', async () => {
    const srv = await jsonpath(['-n', 'np', 'pod', 'srv'], '{.status.podIP}');
    const ok = async (from: string, port: number, ns = 'np') =>
      (await fetch(from, `http://${srv}:${port}/`, ns)).code === 0;
    await eventually('open before any policy', async () =>
      (await ok('allowed', 8080)) && (await ok('other', 8080)) && (await ok('allowed', 8081))
        ? true
        : undefined,
    );
    const policy = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: 'np' },
      spec,
    });
    await c.k.ok(['apply', '-f', '-'], {
      input: list([policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] })]),
    });
    await eventually('blocked by default-deny', async () =>
      !(await ok('allowed', 8080)) ? true : undefined,
    );
    assert.equal(await ok('other', 8080), false, 'role=other blocked by default-deny');
    await c.k.ok(['apply', '-f', '-'], {
      input: list([
        policy('allow-client', {
          podSelector: { matchLabels: { app: 'srv' } },
          ingress: [
            { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8080 }] },
          ],
        }),
      ]),
    });
    await eventually('re-opened for role=client on 8080', async () =>
      (await ok('allowed', 8080)) ? true : undefined,
    );
    // Still blocked: the port it does not name, a pod it does not name, and role=client in another
    // namespace (a podSelector alone names pods of the policy's own namespace).
    const [port8081, other, elsewhere] = await Promise.all([
      ok('allowed', 8081),
      ok('other', 8080),
      ok('client', 8080, 'default'),
    ]);
    assert.deepEqual({ port8081, other, elsewhere }, { port8081: false, other: false, elsewhere: false });
    // Deleting the allow rule closes it again: the policy follows changes.
    await c.k.ok(['delete', '-n', 'np', 'networkpolicy', 'allow-client']);
    await eventually('blocked again without the allow rule', async () =>
      !(await ok('allowed', 8080)) ? true : undefined,
    );
  });

  test('deleting every machine leaves the host as it was', async () => {
    const r = await c.deleteMachines();
    assert.equal(r.code, 0, r.out);
    for (const n of c.names) {
      assert.ok(!existsSync(`/run/netns/${n}`), `namespace ${n} left`);
      assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth-machine-${n}`), `cgroup of ${n} left`);
    }
    const ps = sh('ps', ['-eo', 'args']).split('\n');
    assert.deepEqual(
      ps.filter((l) => l.includes(`${c.dir}/machines`)),
      [],
      'processes left',
    );
    assert.equal(
      readFileSync('/proc/self/mountinfo', 'utf8').includes(`${c.dir}/machines`),
      false,
      'mounts left',
    );
    await c.close(); // Stops the ingress and drops the LoadBalancer route.
    const after_ = hostSnapshot();
    for (const key of Object.keys(before_)) {
      const was = new Set(before_[key]);
      const now = new Set(after_[key]);
      const added = after_[key]!.filter((l) => !was.has(l));
      const removed = before_[key]!.filter((l) => !now.has(l));
      assert.deepEqual(added.filter(c.mine), [], `${key}: left behind`);
      assert.deepEqual(removed.filter(c.mine), [], `${key}: removed`);
      // Other test files may change the host meanwhile: lines that are not this cluster's are only reported.
      if (added.length || removed.length)
        process.stderr.write(`note: ${key} changed by something else: +${added.length} -${removed.length}\n`);
    }
  });
});
