import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../api/kinds/index.ts';
import type { KubeObject } from '../../api/object.ts';
import { Api } from '../api.ts';
import { deleteObject } from '../registry/delete.ts';
import { patchObject } from '../registry/patch.ts';
import { ctx, json, newApi, rejectsStatus, service } from '../test-fixtures.ts';
import { ipToNumber, parseCidr } from './ip-allocator.ts';
import { ServiceAllocator, serviceAllocation } from './service-allocation.ts';

interface Spec {
  clusterIP?: string;
  clusterIPs?: string[];
  type?: string;
  ports: { name?: string; port: number; nodePort?: number }[];
}
const specOf = (o: KubeObject) => o.spec as unknown as Spec;

function withAllocator(path = ':memory:') {
  const t = newApi(path);
  const allocator = new ServiceAllocator(t.store, {
    serviceCidr: '10.96.0.0/12',
    nodePortRange: { first: 30000, last: 32767 },
  });
  t.api.admission.push(serviceAllocation(t.api, allocator));
  return { ...t, allocator, svcs: t.api.resource('', 'services') };
}

const inRange = (ip: string) => {
  const { base, size } = parseCidr('10.96.0.0/12');
  const n = ipToNumber(ip)!;
  return n > base && n < base + size - 1;
};

test('200 services get distinct cluster IPs from 10.96.0.0/12', async () => {
  const { svcs, done } = withAllocator();
  const ips = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const { obj } = await svcs.create('default', service(`s${i}`), ctx());
    const s = specOf(obj);
    assert.ok(s.clusterIP && inRange(s.clusterIP), s.clusterIP);
    assert.deepEqual(s.clusterIPs, [s.clusterIP]);
    ips.add(s.clusterIP);
  }
  assert.equal(ips.size, 200);
  await done();
});

test('explicit cluster IPs: a taken one or one out of range is 422; headless gets none', async () => {
  const { svcs, allocator, done } = withAllocator();
  const { obj } = await svcs.create('default', service('a', { clusterIP: '10.96.0.10' }), ctx());
  assert.equal(specOf(obj).clusterIP, '10.96.0.10');
  const taken = await rejectsStatus(
    svcs.create('default', service('b', { clusterIP: '10.96.0.10' }), ctx()),
    422,
    'Invalid',
  );
  assert.equal(taken.status.details?.causes?.[0]?.field, 'spec.clusterIPs[0]');
  assert.match(taken.message, /already allocated/);
  const out = await rejectsStatus(
    svcs.create('default', service('c', { clusterIP: '192.168.1.1' }), ctx()),
    422,
    'Invalid',
  );
  assert.match(out.message, /not in the valid range/);
  const headless = (await svcs.create('default', service('h', { clusterIP: 'None' }), ctx())).obj;
  assert.equal(specOf(headless).clusterIP, 'None');
  assert.equal((await allocator.ips.allocated()).length, 1);
  // A failed write (name taken) gives its address back; so does a dry run.
  await rejectsStatus(svcs.create('default', service('a'), ctx()), 409, 'AlreadyExists');
  await svcs.create('default', service('dry'), ctx({ dryRun: true }));
  assert.equal((await allocator.ips.allocated()).length, 1);
  // Deleting frees the address for reuse.
  await deleteObject(svcs, 'default', 'a', {}, ctx());
  assert.equal((await allocator.ips.allocated()).length, 0);
  await svcs.create('default', service('b', { clusterIP: '10.96.0.10' }), ctx());
  // An update that leaves clusterIP out keeps it; changing it is refused.
  const replaced = (await svcs.update('default', 'b', service('b'), ctx())).obj;
  assert.equal(specOf(replaced).clusterIP, '10.96.0.10');
  await rejectsStatus(svcs.update('default', 'b', service('b', { clusterIP: '10.96.0.11' }), ctx()), 422);
  assert.equal((await allocator.ips.allocated()).length, 1);
  assert.equal((await allocator.ips.allocated()).includes(ipToNumber('10.96.0.11')!), false);
  await done();
});

test('node ports come from 30000-32767, are freed on delete and when the type drops them', async () => {
  const { svcs, allocator, done } = withAllocator();
  const two = {
    type: 'NodePort',
    ports: [
      { name: 'http', port: 80 },
      { name: 'https', port: 443 },
    ],
  };
  const { obj } = await svcs.create('default', service('np', two), ctx());
  const ports = specOf(obj).ports.map((p) => p.nodePort!);
  for (const p of ports) assert.ok(p >= 30000 && p <= 32767, String(p));
  assert.notEqual(ports[0], ports[1]);
  assert.equal((await allocator.ports.allocated()).length, 2);
  // Explicit: taken → 422, out of range → 422.
  await rejectsStatus(
    svcs.create(
      'default',
      service('t', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }),
      ctx(),
    ),
    422,
    'Invalid',
  );
  await rejectsStatus(
    svcs.create('default', service('o', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }), ctx()),
    422,
    'Invalid',
  );
  assert.equal((await allocator.ports.allocated()).length, 2);
  // An unconditional replace without node ports keeps them.
  const kept = (await svcs.update('default', 'np', service('np', two), ctx())).obj;
  assert.deepEqual(
    specOf(kept).ports.map((p) => p.nodePort),
    ports,
  );
  // Delete frees both.
  await deleteObject(svcs, 'default', 'np', {}, ctx());
  assert.equal((await allocator.ports.allocated()).length, 0);
  const again = (
    await svcs.create(
      'default',
      service('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }),
      ctx(),
    )
  ).obj;
  assert.equal(specOf(again).ports[0].nodePort, ports[0]);
  // A replace to type ClusterIP without node ports frees them.
  const asClusterIP = (
    await svcs.update('default', 'np2', service('np2', { type: 'ClusterIP', ports: [{ port: 80 }] }), ctx())
  ).obj;
  assert.equal(specOf(asClusterIP).ports[0].nodePort, undefined);
  assert.equal((await allocator.ports.allocated()).length, 0);
  await done();
});

// `kubectl patch svc x -p '{"spec":{"type":"ClusterIP"}}'` on a NodePort service: Kubernetes drops the
// node ports that the type no longer uses (dropTypeDependentFields) and frees them.
test('a patch of type NodePort → ClusterIP drops and frees the node ports', async () => {
  const { svcs, allocator, done } = withAllocator();
  await svcs.create('default', service('np', { type: 'NodePort' }), ctx());
  assert.equal((await allocator.ports.allocated()).length, 1);
  const { obj } = await patchObject(
    svcs,
    'default',
    'np',
    'merge',
    json({ spec: { type: 'ClusterIP' } }),
    ctx(),
    '',
  );
  assert.equal(specOf(obj).type, 'ClusterIP');
  assert.equal(specOf(obj).ports[0].nodePort, undefined);
  assert.equal((await allocator.ports.allocated()).length, 0);
  await done();
});

test('allocations are rebuilt from the stored services after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-svcalloc-'));
  try {
    const path = join(dir, 'state.db');
    const first = withAllocator(path);
    const made: KubeObject[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await first.svcs.create('default', service(`s${i}`, { type: 'NodePort' }), ctx())).obj);
    await first.done();

    const second = withAllocator(path);
    const used = made.map((o) => specOf(o).clusterIP!);
    const usedPorts = made.map((o) => specOf(o).ports[0].nodePort!);
    await rejectsStatus(second.svcs.create('default', service('dupip', { clusterIP: used[2] }), ctx()), 422);
    await rejectsStatus(
      second.svcs.create(
        'default',
        service('dupport', { type: 'NodePort', ports: [{ port: 80, nodePort: usedPorts[3] }] }),
        ctx(),
      ),
      422,
    );
    assert.equal((await second.allocator.ips.allocated()).length, 5);
    assert.equal((await second.allocator.ports.allocated()).length, 5);
    // New allocations never collide with the old ones.
    for (let i = 0; i < 20; i++) {
      const s = specOf(
        (await second.svcs.create('default', service(`n${i}`, { type: 'NodePort' }), ctx())).obj,
      );
      assert.ok(!used.includes(s.clusterIP!), s.clusterIP);
      assert.ok(!usedPorts.includes(s.ports[0].nodePort!), String(s.ports[0].nodePort));
    }
    await second.done();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ExternalName services hold nothing', async () => {
  const { svcs, allocator, done } = withAllocator();
  const { obj } = await svcs.create(
    'default',
    service('ext', { type: 'ExternalName', externalName: 'example.com', ports: [] }),
    ctx(),
  );
  assert.equal(specOf(obj).clusterIP, undefined);
  assert.equal((await allocator.ips.allocated()).length, 0);
  await done();
});

test('two API servers on one datastore never hand out the same address or port', async () => {
  const first = withAllocator();
  const api2 = new Api(builtinRegistry(), first.store, () => {});
  const allocator2 = new ServiceAllocator(first.store, {
    serviceCidr: '10.96.0.0/12',
    nodePortRange: { first: 30000, last: 32767 },
  });
  api2.admission.push(serviceAllocation(api2, allocator2));
  const svcs2 = api2.resource('', 'services');
  const made = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? first.svcs : svcs2).create('default', service(`s${i}`, { type: 'NodePort' }), ctx()),
    ),
  );
  const ips = made.map((r) => specOf(r.obj).clusterIP!);
  const ports = made.map((r) => specOf(r.obj).ports[0].nodePort!);
  assert.equal(new Set(ips).size, 60);
  assert.equal(new Set(ports).size, 60);
  // An address one server handed out is refused by the other.
  await rejectsStatus(svcs2.create('default', service('dup', { clusterIP: ips[1] }), ctx()), 422, 'Invalid');
  // A port freed through one server can be claimed through the other at once.
  await deleteObject(first.svcs, 'default', 's1', {}, ctx());
  await svcs2.create(
    'default',
    service('again', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[1] }] }),
    ctx(),
  );
  api2.stop();
  await first.done();
});

test('a dry run shows the address it would get and writes no allocation', async () => {
  const { svcs, store, allocator, done } = withAllocator();
  await svcs.create('default', service('real'), ctx());
  const rev = await store.currentRevision();
  const { obj } = await svcs.create('default', service('dry', { type: 'NodePort' }), ctx({ dryRun: true }));
  assert.ok(inRange(specOf(obj).clusterIP!));
  assert.ok(specOf(obj).ports[0].nodePort! >= 30000);
  assert.equal(await store.currentRevision(), rev);
  assert.equal((await allocator.ips.allocated()).length, 1);
  await done();
});

test('a Service with a finalizer frees what it holds when the last finalizer goes', async () => {
  const { svcs, allocator, done } = withAllocator();
  const svc = service('fin', { type: 'NodePort' });
  svc.metadata.finalizers = ['example.com/hold'];
  await svcs.create('default', svc, ctx());
  await deleteObject(svcs, 'default', 'fin', {}, ctx());
  assert.equal((await allocator.ports.allocated()).length, 1, 'still held while terminating');
  await patchObject(svcs, 'default', 'fin', 'merge', json({ metadata: { finalizers: null } }), ctx(), '');
  await assert.rejects(svcs.get('default', 'fin'));
  assert.equal((await allocator.ips.allocated()).length, 0);
  assert.equal((await allocator.ports.allocated()).length, 0);
  await done();
});
