import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { kubectl, kubectlPath, kubectlSession, spawnKubectl } from './kubectl.ts';

const skip = existsSync(kubectlPath) ? false : `no kubectl at ${kubectlPath}`;

test('kubectl runs with its own HOME and reports exit codes', { skip }, async () => {
  const ok = await kubectl(['version', '--client', '-o', 'json'], { kubeconfig: '/dev/null' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /"clientVersion"/);
  const bad = await kubectl(['no-such-subcommand'], { kubeconfig: '/dev/null' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown command/i);
});

test('the environment is clean: only what the test passes reaches kubectl', { skip }, async () => {
  // kubectl's plugin mechanism is not needed here: `config view` shows which kubeconfig it read.
  const saved = process.env.KUBE_EDITOR;
  process.env.KUBE_EDITOR = 'should-not-leak';
  try {
    const r = await kubectl(['config', 'view', '-o', 'jsonpath={.kind}'], { kubeconfig: '/dev/null' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Config');
  } finally {
    if (saved === undefined) delete process.env.KUBE_EDITOR;
    else process.env.KUBE_EDITOR = saved;
  }
});

test('a session keeps one HOME and removes it when the test ends', { skip }, async (t) => {
  let home = '';
  await t.test('inner', async (t2) => {
    const k = kubectlSession(t2, '/dev/null');
    home = k.home;
    assert.match(await k.ok(['version', '--client']), /Client Version/);
    assert.match(await k.fails(['get', '--bogus-flag']), /unknown flag/);
    assert.ok(existsSync(home));
  });
  assert.ok(
    home && !existsSync(home),
    `home ${home} left behind: ${existsSync(home) ? readdirSync(home).join(',') : ''}`,
  );
});

test('spawnKubectl: waitFor sees output and rejects when the process exits first', { skip }, async () => {
  const r = spawnKubectl(['version', '--client'], { kubeconfig: '/dev/null' });
  const m = await r.waitFor(/Client Version: (\S+)/);
  assert.ok(m[1]);
  assert.equal((await r.exited).code, 0);
  const r2 = spawnKubectl(['version', '--client'], { kubeconfig: '/dev/null' });
  await assert.rejects(r2.waitFor(/never printed/, { timeoutMs: 10_000 }), /exited before/);
});
