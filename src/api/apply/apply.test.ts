import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.ts';
import { builtinRegistry } from '../kinds/index.ts';
import { applyConfig, type ApplyInput } from './apply.ts';
import { members, pathString } from './fieldpath.ts';
import type { ManagedField } from './managedfields.ts';

const reg = builtinRegistry();
const kind = reg.byGVK('apps', 'v1', 'Deployment')!;
const schema = reg.definitions[kind.schema];
type Obj = Record<string, unknown>;

function deploy(replicas: number, containers: Obj[] = [{ name: 'app', image: 'nginx:1' }]): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  };
}

function apply(
  live: Obj | undefined,
  config: Obj,
  managed: ManagedField[],
  manager = 'kubectl',
  force = false,
) {
  const input: ApplyInput = {
    live,
    config,
    managed,
    writer: { manager, apiVersion: 'apps/v1', subresource: '' },
    force,
    schema,
    defs: reg.definitions,
    scope: { subresource: '', hasStatus: true },
    now: '2025-06-01T00:00:00Z',
  };
  return applyConfig(input);
}

const spec = (o: Obj) => o.spec as { replicas: number; template: { spec: { containers: Obj[] } } };
const owned = (m: ManagedField[], manager: string) =>
  members(m.find((e) => e.manager === manager)?.set ?? {}).map(pathString);

test('apply creates, re-apply keeps time, a dropped container is removed', () => {
  const first = apply(
    undefined,
    deploy(2, [
      { name: 'app', image: 'nginx:1' },
      { name: 'side', image: 'busybox' },
    ]),
    [],
  );
  assert.equal(spec(first.obj).replicas, 2);
  assert.equal(first.managed.length, 1);
  assert.equal(first.managed[0].operation, 'Apply');
  const again = apply(
    first.obj,
    deploy(2, [
      { name: 'app', image: 'nginx:1' },
      { name: 'side', image: 'busybox' },
    ]),
    first.managed,
  );
  assert.deepEqual(again.obj, first.obj);
  assert.equal(again.managed[0].time, first.managed[0].time);
  const live = { ...first.obj, metadata: { ...(first.obj.metadata as Obj), managedFields: [] } };
  const third = apply(live, deploy(2), first.managed);
  assert.deepEqual(
    spec(third.obj).template.spec.containers.map((c) => c.name),
    ['app'],
  );
  assert.ok(!owned(third.managed, 'kubectl').some((p) => p.includes('side')));
});

test('conflicts: another manager’s field changed → 409 naming it; same value is shared; force takes over', () => {
  const created = apply(undefined, deploy(2), []);
  const scaler: ManagedField = {
    manager: 'kubectl-scale',
    operation: 'Update',
    apiVersion: 'apps/v1',
    subresource: '',
    time: '2025-01-01T00:00:00Z',
    set: { 'f:spec': { 'f:replicas': {} } },
  };
  const managed = [...created.managed, scaler];
  const live = { ...created.obj, spec: { ...(created.obj.spec as Obj), replicas: 5 } };
  try {
    apply(live, deploy(3), managed);
    assert.fail('expected a conflict');
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 409);
    assert.equal(
      err.message,
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
    assert.deepEqual(err.status.details?.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-scale" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  }
  // Applying the value the other manager set is no conflict: both own it.
  const shared = apply(live, deploy(5), managed);
  assert.deepEqual(owned(shared.managed, 'kubectl-scale'), ['.spec.replicas']);
  // Forced: the applier wins and the other manager loses the field (and its now-empty entry).
  const forced = apply(live, deploy(3), managed, 'kubectl', true);
  assert.equal(spec(forced.obj).replicas, 3);
  assert.equal(
    forced.managed.find((m) => m.manager === 'kubectl-scale'),
    undefined,
  );
  assert.ok(owned(forced.managed, 'kubectl').includes('.spec.replicas'));
});

test('two conflicts with two managers: a multi-line message and one cause each', () => {
  const created = apply(undefined, deploy(2), []);
  const a: ManagedField = {
    manager: 'a',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    subresource: '',
    set: { 'f:spec': { 'f:replicas': {} } },
  };
  const b: ManagedField = {
    manager: 'b',
    operation: 'Update',
    apiVersion: 'apps/v1',
    subresource: '',
    set: {
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } },
    },
  };
  try {
    apply(created.obj, deploy(4, [{ name: 'app', image: 'nginx:2' }]), [a, b], 'other');
    assert.fail('expected a conflict');
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(
      err.message,
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\nconflicts with "b" using apps/v1:\n- .spec.template.spec.containers[name="app"].image',
    );
    assert.equal(err.status.details?.causes?.length, 2);
  }
});

test('a field another manager also owns survives when the applier drops it', () => {
  const created = apply(
    undefined,
    { ...deploy(2), metadata: { name: 'web', labels: { a: '1', b: '2' } } },
    [],
  );
  const other: ManagedField = {
    manager: 'labeler',
    operation: 'Update',
    apiVersion: 'apps/v1',
    subresource: '',
    set: { 'f:metadata': { 'f:labels': { 'f:b': {} } } },
  };
  const next = apply(created.obj, { ...deploy(2), metadata: { name: 'web' } }, [...created.managed, other]);
  assert.deepEqual((next.obj.metadata as Obj).labels, { b: '2' });
});
