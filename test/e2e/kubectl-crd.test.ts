/**
 * CustomResourceDefinitions with the real kubectl: a CRD becomes Established and shows in
 * api-resources with its short name; its objects are applied, listed with their printer columns,
 * refused when the schema says so (naming the field), watched, scaled and explained; deleting the CRD
 * deletes its objects and the resource type.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the widget should be.
            required: [size]
            properties:
              size:
                type: integer
                minimum: 1
                description: How big the widget is.
              color:
                type: string
                enum: [red, green, blue]
                default: red
                description: The widget's colour.
              replicas:
                type: integer
                default: 1
          status:
            type: object
            properties:
              replicas:
                type: integer
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
`;

function widget(name: string, spec: string): string {
  return `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n${spec}`;
}

function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

describe('kubectl and CustomResourceDefinitions', { skip: e2eSkip() }, () => {
  const s = useServer();

  test('a CRD is established and its kind is served', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.match(
      await k.ok(['apply', '-f', '-'], { input: crd }),
      /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/,
    );
    await k.ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    assert.equal(
      await k.ok([
        'get',
        'crd',
        'widgets.example.com',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      ]),
      'True',
    );
    const line = (await k.ok(['api-resources'])).split('\n').find((l) => /^widgets\s/.test(l));
    assert.ok(line, 'widgets listed by api-resources');
    assert.deepEqual(line.trim().split(/\s+/), ['widgets', 'wd', 'example.com/v1', 'true', 'Widget']);
  });

  test('objects: apply, get with printer columns, schema checks naming the field', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const out = await k.ok(['apply', '-f', '-'], {
      input: `${widget('small', '  size: 1\n')}\n---\n${widget('big', '  size: 9\n  color: blue\n')}`,
    });
    assert.match(out, /widget.example.com\/small created/);
    assert.match(out, /widget.example.com\/big created/);
    const table = rows(await k.ok(['get', 'wd']));
    assert.deepEqual(table[0], ['NAME', 'SIZE', 'COLOR', 'AGE']);
    assert.deepEqual(
      table.slice(1).map((r) => r.slice(0, 3)),
      [
        ['big', '9', 'blue'],
        ['small', '1', 'red'],
      ],
    );
    assert.match(table[1][3], /^\d+s$/);

    const tooSmall = await k.fails(['apply', '-f', '-'], { input: widget('bad', '  size: 0\n') });
    assert.match(tooSmall, /spec.size/);
    assert.match(tooSmall, /greater than or equal to 1/);
    const purple = await k.fails(['apply', '-f', '-'], {
      input: widget('bad', '  size: 2\n  color: purple\n'),
    });
    assert.match(purple, /spec.color: Unsupported value: "purple"/);
    const unknown = await k.fails(['apply', '-f', '-'], {
      input: widget('bad', '  size: 2\n  flavour: lime\n'),
    });
    assert.match(unknown, /unknown field "spec.flavour"/);
    await k.fails(['get', 'wd', 'bad']);
  });

  test('get -w sees a change; scale and explain work', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const watch = k.spawn(['get', 'wd', '-w']);
    await watch.waitFor(/small\s+1\s+red/);
    await k.ok(['patch', 'wd', 'small', '--type=merge', '-p', '{"spec":{"size":4,"color":"green"}}']);
    await watch.waitFor(/small\s+4\s+green/);
    await watch.stop();

    assert.match(await k.ok(['scale', 'wd/big', '--replicas=3']), /widget.example.com\/big scaled/);
    assert.equal(await k.ok(['get', 'wd', 'big', '-o', 'jsonpath={.spec.replicas}']), '3');

    const explain = await k.ok(['explain', 'widget.spec']);
    assert.match(explain, /KIND:\s+Widget/);
    assert.match(explain, /size\s+<integer> -required-/);
    assert.match(explain, /How big the widget is/);
    assert.match(explain, /color\s+<string>/);
  });

  test('deleting the CRD deletes its objects and the resource type', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.match(await k.ok(['delete', 'crd', 'widgets.example.com', '--timeout=30s']), /deleted/);
    await k.fails(['get', 'crd', 'widgets.example.com']);
    const fresh = kubectlSession(t, s.server.kubeconfig);
    assert.match(await fresh.fails(['get', 'wd']), /the server doesn't have a resource type "wd"/);
    assert.doesNotMatch(await fresh.ok(['api-resources']), /widgets/);
    // The objects went with it: a new CRD of the same name starts empty.
    await fresh.ok(['apply', '-f', '-'], { input: crd });
    await fresh.ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    const again = kubectlSession(t, s.server.kubeconfig);
    assert.match(await again.run(['get', 'wd', '-A']).then((r) => r.stdout + r.stderr), /No resources found/);
  });
});
