import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultIngressClass, isOurIngress } from './ingress-class.ts';
import type { Ingress, IngressClass } from './types.ts';

const cls = (name: string, controller: string, isDefault = false): IngressClass => ({
  metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} },
  spec: { controller },
});
const ing = (className?: string, legacy?: string): Ingress => ({
  metadata: {
    name: 'i',
    namespace: 'd',
    annotations: legacy ? { 'kubernetes.io/ingress.class': legacy } : {},
  },
  spec: className ? { ingressClassName: className } : {},
});

test('which Ingresses are ours', () => {
  const berth = defaultIngressClass();
  const other = cls('other', 'example.com/other');
  const otherDefault = cls('other', 'example.com/other', true);
  const cases: [string, Ingress, IngressClass[], boolean][] = [
    ['our class by name', ing('berth'), [berth, other], true],
    ['another class', ing('other'), [berth, other], false],
    ['an unknown class', ing('missing'), [berth], false],
    ['no class, our class is the default', ing(), [berth, other], true],
    [
      'no class, the default is another controller',
      ing(),
      [cls('berth', 'berth.io/ingress-nginx'), otherDefault],
      false,
    ],
    ['legacy annotation naming our class', ing(undefined, 'berth'), [berth], true],
    ['legacy annotation naming another class', ing(undefined, 'other'), [berth, other], false],
  ];
  for (const [name, i, classes, want] of cases) assert.equal(isOurIngress(i, classes), want, name);
  assert.deepEqual(berth.spec, { controller: 'berth.io/ingress-nginx' });
});
