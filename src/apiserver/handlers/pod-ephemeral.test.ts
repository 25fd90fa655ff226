import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ephemeralContainersUpdateErrors } from './pod-ephemeral.ts';

const app = { name: 'app', image: 'nginx' };
const dbg = { name: 'dbg', image: 'busybox', targetContainerName: 'app' };

test('ephemeralContainersUpdateErrors: entries may be added, never removed or changed; targets must exist', () => {
  const old = {
    containers: [app],
    initContainers: [{ name: 'init', image: 'busybox' }],
    ephemeralContainers: [dbg],
  };
  const cases: { name: string; next: Record<string, unknown>; want: string[] }[] = [
    { name: 'unchanged', next: old, want: [] },
    {
      name: 'one added, targeting an init container',
      next: {
        ...old,
        ephemeralContainers: [dbg, { name: 'two', image: 'busybox', targetContainerName: 'init' }],
      },
      want: [],
    },
    {
      name: 'removed',
      next: { ...old, ephemeralContainers: [] },
      want: ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed'],
    },
    {
      name: 'changed',
      next: { ...old, ephemeralContainers: [{ ...dbg, image: 'other' }] },
      want: ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed'],
    },
    {
      name: 'unknown target',
      next: {
        ...old,
        ephemeralContainers: [dbg, { name: 'x', image: 'busybox', targetContainerName: 'nope' }],
      },
      want: ['spec.ephemeralContainers[1].targetContainerName: Not found: "nope"'],
    },
  ];
  for (const c of cases)
    assert.deepEqual(
      ephemeralContainersUpdateErrors(c.next, old).map((e) => `${e.field}: ${e.message}`),
      c.want,
      c.name,
    );
});
