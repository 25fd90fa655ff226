import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { builtinRegistry } from '../../api/kinds/index.ts';
import type { Store } from '../../store/types.ts';
import { Api } from '../api.ts';
import { ctx, newApi, rejectsStatus, service } from '../test-fixtures.ts';
import { ipToNumber, ipToString } from './ip-allocator.ts';
import { nodePortsKey, serviceIPsKey, ServiceAllocator, serviceAllocation } from './service-allocation.ts';
import {
  repairServiceAllocations,
  ServiceAllocationRepair,
  type LeakCounts,
} from './service-allocation-repair.ts';

const specOf = (o: KubeObject) => o.spec as unknown as { clusterIP: string; ports: { nodePort: number }[] };

function setup() {
  const t = newApi();
  const logs: string[] = [];
  const allocator = new ServiceAllocator(t.store, {
    serviceCidr: '10.96.0.0/24',
    nodePortRange: { first: 30000, last: 30099 },
    log: (msg) => logs.push(msg),
  });
  t.api.admission.push(serviceAllocation(t.api, allocator));
  const leaks: LeakCounts = { ips: new Map(), ports: new Map() };
  const repair = (leakThreshold = 3) => repairServiceAllocations(t.api, allocator, leaks, { leakThreshold });
  return { ...t, allocator, logs, repair, svcs: t.api.resource('', 'services') };
}

test('a lost bitmap is rebuilt from the Services, so nothing they hold is handed out again', async () => {
  const { svcs, store, allocator, repair, logs, done } = setup();
  const made: KubeObject[] = [];
  for (let i = 0; i < 5; i++)
    made.push((await svcs.create('default', service(`s${i}`, { type: 'NodePort' }), ctx())).obj);
  await store.delete(serviceIPsKey);
  await store.delete(nodePortsKey);
  const r = await repair();
  assert.equal(r.ips.missing.length, 5);
  assert.equal(r.ports.missing.length, 5);
  assert.ok(r.ips.written && r.ports.written);
  assert.ok(logs.some((l) => /cluster IPs held by Services but not marked allocated/.test(l)));
  assert.deepEqual(
    (await allocator.ips.allocated()).map(ipToString).sort(),
    made.map((o) => specOf(o).clusterIP).sort(),
  );
  await rejectsStatus(
    svcs.create('default', service('dup', { clusterIP: specOf(made[0]).clusterIP }), ctx()),
    422,
    'Invalid',
  );
  // A second pass finds nothing to do and writes nothing.
  const rev = await store.currentRevision();
  const again = await repair();
  assert.equal(again.ips.written || again.ports.written, false);
  assert.equal(await store.currentRevision(), rev);
  await done();
});

test('a leaked value is freed only after it was seen leaked in three passes in a row', async () => {
  const { svcs, store, allocator, repair, done } = setup();
  // An explicit address: a random one is .200 or .201 about once in a hundred runs, and the
  // allocation below would then be refused (and nothing be leaked).
  await svcs.create('default', service('keep', { clusterIP: '10.96.0.10' }), ctx());
  const leak = ipToNumber('10.96.0.200')!;
  const inFlight = ipToNumber('10.96.0.201')!;
  assert.ok((await allocator.ips.allocate([leak, inFlight], 0)).ok, 'the two addresses were free');
  for (let pass = 1; pass <= 2; pass++) {
    const r = await repair();
    assert.deepEqual(r.ips.leaked.sort(), [leak, inFlight].sort(), `pass ${pass}`);
    assert.deepEqual(r.ips.freed, []);
  }
  // The "in flight" address: admission allocated it, and its Service is stored before the third pass.
  const late = service('late', { clusterIP: '10.96.0.201' });
  await store.create(svcs.key('default', 'late'), JSON.stringify(late));
  const r3 = await repair();
  assert.deepEqual(r3.ips.freed, [leak]);
  assert.deepEqual(r3.ips.leaked, []);
  assert.ok((await allocator.ips.allocated()).includes(inFlight));
  assert.ok(!(await allocator.ips.allocated()).includes(leak));
  await done();
});

test('ServiceAllocationRepair runs a pass at start and stops cleanly', async () => {
  const { api, allocator, store, done } = setup();
  await allocator.ports.allocate([30050], 0);
  const loop = new ServiceAllocationRepair(api, allocator, { intervalMs: 60_000, leakThreshold: 1 });
  await loop.start();
  assert.deepEqual(await allocator.ports.allocated(), [], 'freed by the first pass (threshold 1)');
  loop.stop();
  await store.delete(nodePortsKey).catch(() => {});
  await done();
});

test('an allocation made by another server while a pass runs survives the pass', async () => {
  const { store, allocator: other, done } = setup();
  // This server's view of the store: listing Services lets the other server allocate first.
  let armed = true;
  const view: Store = Object.assign(Object.create(null) as Store, {
    currentRevision: () => store.currentRevision(),
    compactedRevision: () => store.compactedRevision(),
    get: (k: string, rev?: number) => store.get(k, rev),
    count: (p: string) => store.count(p),
    create: (k: string, v: string) => store.create(k, v),
    update: (k: string, v: string, rev: number) => store.update(k, v, rev),
    delete: (k: string, rev?: number) => store.delete(k, rev),
    watch: store.watch.bind(store),
    compact: (rev: number) => store.compact(rev),
    close: () => store.close(),
    async list(p: string, o?: Parameters<Store['list']>[1]) {
      if (armed) {
        armed = false;
        await other.ips.allocate([ipToNumber('10.96.0.77')!], 0);
      }
      return store.list(p, o);
    },
  });
  const api = new Api(builtinRegistry(), view, () => {});
  const mine = new ServiceAllocator(view, {
    serviceCidr: '10.96.0.0/24',
    nodePortRange: { first: 30000, last: 30099 },
  });
  // A Service the bitmap lacks, so the pass has something to write.
  const held = service('held', { clusterIP: '10.96.0.5' });
  await store.create(api.resource('', 'services').key('default', 'held'), JSON.stringify(held));
  const r = await repairServiceAllocations(api, mine, { ips: new Map(), ports: new Map() });
  // The first pass read the bitmap before 10.96.0.77 was allocated: its write lost, and the pass ran again.
  assert.deepEqual(r.ips.missing.map(ipToString), ['10.96.0.5']);
  assert.deepEqual(r.ips.leaked.map(ipToString), ['10.96.0.77']);
  assert.deepEqual((await mine.ips.allocated()).map(ipToString), ['10.96.0.5', '10.96.0.77']);
  api.stop();
  await done();
});
