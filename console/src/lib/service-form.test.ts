import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyServiceForm, serviceFromForm, targetPortValue } from './service-form.ts';

test('targetPortValue: numbers, names, empty', () => {
  assert.equal(targetPortValue('8080'), 8080);
  assert.equal(targetPortValue(' http '), 'http');
  assert.equal(targetPortValue(''), undefined);
  assert.equal(targetPortValue(undefined), undefined);
});

test('serviceFromForm: NodePort with named and unnamed ports', () => {
  const svc = serviceFromForm({
    name: ' web ',
    namespace: 'shop',
    type: 'NodePort',
    selector: [
      { key: 'app', value: 'web' },
      { key: '', value: 'skipped' },
    ],
    ports: [
      { port: 80, targetPort: '8080', protocol: 'TCP', nodePort: 30080 },
      { name: 'dns', port: 53, targetPort: 'dns-port', protocol: 'UDP' },
      { protocol: 'TCP' },
    ],
  });
  assert.deepEqual(svc, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [
        { name: 'tcp-80', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
        { name: 'dns', port: 53, targetPort: 'dns-port', protocol: 'UDP' },
      ],
    },
  });
});

test('serviceFromForm: ClusterIP drops node ports, an empty target is the port, no selector is left out', () => {
  const svc = serviceFromForm({
    ...emptyServiceForm('x'),
    name: 'db',
    selector: [],
    ports: [{ port: 5432, nodePort: 30001 }],
  });
  assert.deepEqual(svc.spec, {
    type: 'ClusterIP',
    ports: [{ name: 'tcp-5432', port: 5432, targetPort: 5432, protocol: 'TCP' }],
  });
  assert.equal((svc.metadata as { namespace: string }).namespace, 'x');
});
