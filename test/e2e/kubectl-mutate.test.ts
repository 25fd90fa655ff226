/**
 * Changing objects in place with kubectl: describe (read side of the same objects), edit through an
 * EDITOR script, label, annotate, patch in its three flavours (strategic merge, JSON merge, JSON
 * patch), scale through the /scale subresource, and set image.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { configMap, deployment, docs, namespace } from './fixtures.ts';

const ns = 'mutate';

function jp(k: KubectlSession, resource: string, path: string): Promise<string> {
  return k.ok(['get', resource, '-n', ns, '-o', `jsonpath=${path}`]);
}

describe('kubectl describe, edit, label, annotate, patch, scale, set image', { skip: e2eSkip() }, () => {
  const s = useServer();

  before(async () => {
    const k = kubectlSession(undefined, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], {
      input: docs(
        namespace(ns),
        deployment(ns, 'web', 2),
        configMap(ns, 'conf', { app: 'web' }, { color: 'blue', size: 'm' }),
      ),
    });
    await k.close();
  });

  test('describe deployment shows its spec the way kubectl lays it out', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'shown', 3) });
    const out = await k.ok(['describe', 'deployment', 'shown', '-n', ns]);
    const expected: RegExp[] = [
      /^Name:\s+shown$/m,
      new RegExp(`^Namespace:\\s+${ns}$`, 'm'),
      /^CreationTimestamp:\s+\S+/m,
      /^Labels:\s+app=shown$/m,
      /^Selector:\s+app=shown$/m,
      // With no nodes, none of the pods the controllers create becomes available.
      /^Replicas:\s+3 desired \| [0-3] updated \| [0-3] total \| 0 available \| [0-3] unavailable$/m,
      /^StrategyType:\s+RollingUpdate$/m,
      /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m,
      /^Pod Template:$/m,
      /^\s+app:$/m,
      /^\s+Image:\s+nginx:1\.25$/m,
      /^\s+sidecar:$/m,
      /^\s+Image:\s+busybox:1\.36$/m,
      /^\s+Port:\s+80\/TCP$/m,
    ];
    for (const re of expected) assert.match(out, re);
    const missing = await k.fails(['describe', 'deployment', 'nope', '-n', ns]);
    assert.match(missing, /not found/);
  });

  test('edit with an EDITOR script saves the change', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const editor = join(k.home, 'editor.sh');
    // The last-applied annotation holds "color":"blue" (JSON), so only the data field matches.
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  color: blue$/  color: green/" "$1"\n');
    chmodSync(editor, 0o755);
    const out = await k.ok(['edit', 'configmap', 'conf', '-n', ns], { env: { EDITOR: editor } });
    assert.equal(out.trim(), 'configmap/conf edited');
    assert.equal(await jp(k, 'cm/conf', '{.data.color}'), 'green');

    // An editor that changes nothing: kubectl says so and the object keeps its resourceVersion.
    const rv = await jp(k, 'cm/conf', '{.metadata.resourceVersion}');
    const noop = join(k.home, 'noop.sh');
    writeFileSync(noop, '#!/bin/sh\nexit 0\n');
    chmodSync(noop, 0o755);
    const r = await k.run(['edit', 'cm', 'conf', '-n', ns], { env: { EDITOR: noop } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /Edit cancelled, no changes made/);
    assert.equal(await jp(k, 'cm/conf', '{.metadata.resourceVersion}'), rv);

    // An edit the server refuses: kubectl reports the field error.
    const bad = join(k.home, 'bad.sh');
    writeFileSync(bad, '#!/bin/sh\nsed -i "s/^  replicas: .*$/  replicas: -5/" "$1"\n');
    chmodSync(bad, 0o755);
    const refused = await k.run(['edit', 'deploy', 'web', '-n', ns], { env: { EDITOR: bad } });
    assert.notEqual(refused.code, 0);
    // kubectl re-opens the editor with the server's error as a comment; the script changes nothing the
    // second time, so kubectl gives up. Either way the field error or the give-up must be reported.
    assert.match(
      refused.stdout + refused.stderr,
      /spec\.replicas: Invalid value: -5|no valid changes were saved/,
    );
    assert.equal(await jp(k, 'deploy/web', '{.spec.replicas}'), '2');
  });

  test('label: add, refuse to overwrite, overwrite, remove; by selector', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.equal(
      (await k.ok(['label', 'cm', 'conf', '-n', ns, 'tier=gold'])).trim(),
      'configmap/conf labeled',
    );
    assert.equal(await jp(k, 'cm/conf', '{.metadata.labels.tier}'), 'gold');
    assert.match(
      await k.fails(['label', 'cm', 'conf', '-n', ns, 'tier=silver']),
      /already has a value \(gold\)/,
    );
    await k.ok(['label', 'cm', 'conf', '-n', ns, 'tier=silver', '--overwrite']);
    assert.equal(await jp(k, 'cm/conf', '{.metadata.labels.tier}'), 'silver');
    assert.equal((await k.ok(['label', 'cm', 'conf', '-n', ns, 'tier-'])).trim(), 'configmap/conf unlabeled');
    assert.equal(await jp(k, 'cm/conf', '{.metadata.labels}'), '{"app":"web"}');
    assert.match(await k.fails(['label', 'cm', 'conf', '-n', ns, 'bad key=x']), /invalid label|bad key/i);

    assert.match(
      await k.ok(['label', 'deploy,cm', '-n', ns, '-l', 'app=web', 'team=core']),
      /configmap\/conf labeled/,
    );
    assert.deepEqual(
      (await k.ok(['get', 'cm,deploy', '-n', ns, '-l', 'team=core', '-o', 'name'])).trim().split('\n'),
      ['configmap/conf', 'deployment.apps/web'],
    );
  });

  test('annotate: add, overwrite, remove', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.equal(
      (await k.ok(['annotate', 'deploy', 'web', '-n', ns, 'owner=ops team'])).trim(),
      'deployment.apps/web annotated',
    );
    assert.equal(await jp(k, 'deploy/web', '{.metadata.annotations.owner}'), 'ops team');
    assert.match(await k.fails(['annotate', 'deploy', 'web', '-n', ns, 'owner=dev']), /already has a value/);
    await k.ok(['annotate', 'deploy', 'web', '-n', ns, 'owner=dev', '--overwrite']);
    assert.equal(await jp(k, 'deploy/web', '{.metadata.annotations.owner}'), 'dev');
    await k.ok(['annotate', 'deploy', 'web', '-n', ns, 'owner-']);
    assert.equal(await jp(k, 'deploy/web', '{.metadata.annotations.owner}'), '');
  });

  test('patch --type strategic merges containers by name', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'sp', 1) });
    const out = await k.ok([
      'patch',
      'deployment',
      'sp',
      '-n',
      ns,
      '--type',
      'strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}',
    ]);
    assert.equal(out.trim(), 'deployment.apps/sp patched');
    assert.equal(await jp(k, 'deploy/sp', '{.spec.template.spec.containers[*].name}'), 'app sidecar');
    assert.equal(
      await jp(k, 'deploy/sp', '{.spec.template.spec.containers[*].image}'),
      'nginx:1.27 busybox:1.36',
    );
    assert.equal(
      await jp(k, 'deploy/sp', '{.spec.template.spec.containers[0].ports[0].containerPort}'),
      '80',
    );
    // generation counts spec changes.
    assert.equal(await jp(k, 'deploy/sp', '{.metadata.generation}'), '2');

    // $patch: delete removes one list element by its merge key.
    await k.ok([
      'patch',
      'deploy',
      'sp',
      '-n',
      ns,
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}',
    ]);
    assert.equal(await jp(k, 'deploy/sp', '{.spec.template.spec.containers[*].name}'), 'app');
    // Patching to the same value changes nothing. kubectl compares the object it read before the
    // patch with the answer, so a status write by the deployment controller in between would also
    // read as a change: let the controller catch up first, and allow for one such race.
    for (let i = 0; i < 100; i++) {
      const gens = await jp(k, 'deploy/sp', '{.metadata.generation}/{.status.observedGeneration}');
      const [g, o] = gens.split('/');
      if (g === o) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let noop = '';
    for (let i = 0; i < 3 && noop !== 'deployment.apps/sp patched (no change)'; i++)
      noop = (await k.ok(['patch', 'deploy', 'sp', '-n', ns, '-p', '{"spec":{"replicas":1}}'])).trim();
    assert.equal(noop, 'deployment.apps/sp patched (no change)');
  });

  test('patch --type merge replaces lists and deletes keys set to null', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'mp', 1) });
    await k.ok([
      'patch',
      'deploy',
      'mp',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"redis:7"}]}}}}',
    ]);
    assert.equal(await jp(k, 'deploy/mp', '{.spec.template.spec.containers[*].name}'), 'only');
    await k.ok(['apply', '-f', '-'], { input: configMap(ns, 'mcm', {}, { a: '1', b: '2' }) });
    await k.ok(['patch', 'cm', 'mcm', '-n', ns, '--type=merge', '-p', '{"data":{"a":null,"c":"3"}}']);
    assert.equal(await jp(k, 'cm/mcm', '{.data}'), '{"b":"2","c":"3"}');
  });

  test('patch --type json applies operations in order and fails atomically', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'jp', 1) });
    await k.ok([
      'patch',
      'deploy',
      'jp',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/metadata/labels/extra","value":"yes"},{"op":"remove","path":"/spec/template/spec/containers/1"}]',
    ]);
    assert.equal(
      await jp(
        k,
        'deploy/jp',
        '{.spec.replicas} {.metadata.labels.extra} {.spec.template.spec.containers[*].name}',
      ),
      '3 yes app',
    );
    const failed = await k.fails([
      'patch',
      'deploy',
      'jp',
      '-n',
      ns,
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":99}]',
    ]);
    assert.match(failed, /test|failed|Invalid/i);
    assert.equal(await jp(k, 'deploy/jp', '{.spec.replicas}'), '3');
  });

  test('scale deployment --replicas goes through the scale subresource', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'sc', 1) });
    assert.equal(
      (await k.ok(['scale', 'deployment', 'sc', '-n', ns, '--replicas=4'])).trim(),
      'deployment.apps/sc scaled',
    );
    assert.equal(await jp(k, 'deploy/sc', '{.spec.replicas}'), '4');
    // The precondition guards against scaling from a stale count.
    const stale = await k.fails(['scale', 'deploy/sc', '-n', ns, '--current-replicas=2', '--replicas=6']);
    assert.match(stale, /Expected replicas to be 2, was 4/);
    assert.equal(await jp(k, 'deploy/sc', '{.spec.replicas}'), '4');
    assert.match(await k.fails(['scale', 'deploy/sc', '-n', ns, '--replicas=-1']), /replicas/);
    // JSON patches of the scale subresource: applied, or refused as the client's error (never a 500).
    const scalePatch = (p: string) => [
      'patch',
      'deploy/sc',
      '-n',
      ns,
      '--subresource=scale',
      '--type=json',
      '-p',
      p,
    ];
    await k.ok(scalePatch('[{"op":"replace","path":"/spec/replicas","value":2}]'));
    assert.equal(await jp(k, 'deploy/sc', '{.spec.replicas}'), '2');
    const malformed = await k.fails(scalePatch('{"op":"replace"}'));
    assert.match(malformed, /the server rejected our request due to an error in our request/);
    assert.doesNotMatch(malformed, /Internal error/);
  });

  test('set image changes one container image', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], { input: deployment(ns, 'si', 1) });
    assert.equal(
      (await k.ok(['set', 'image', 'deployment/si', '-n', ns, 'app=nginx:1.28'])).trim(),
      'deployment.apps/si image updated',
    );
    assert.equal(
      await jp(k, 'deploy/si', '{.spec.template.spec.containers[*].image}'),
      'nginx:1.28 busybox:1.36',
    );
    assert.match(
      await k.fails(['set', 'image', 'deployment/si', '-n', ns, 'nosuch=x:1']),
      /unable to find container named "nosuch"/,
    );
  });
});
