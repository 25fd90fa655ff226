/**
 * Jobs end to end: `berth server` (Job and ttl-after-finished controllers, scheduler) with
 * `berth sim` nodes finishing pods quickly. The real kubectl creates Jobs, waits for their
 * conditions and describes them: a created Job completes; completions=5 parallelism=2 completes
 * without ever running more than 2 pods; an Indexed Job records completedIndexes "0-2"; a Job
 * whose pods exit 1 (sim exit-code annotation) hits backoffLimit; a finished Job with
 * ttlSecondsAfterFinished goes away.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function jobManifest(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: { annotations },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }] },
      },
    },
  });
}

describe('Jobs on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';

  before(() => {
    sim = spawn(
      berthBin,
      [
        'sim',
        '--kubeconfig',
        s.server.kubeconfig,
        '--nodes',
        '2',
        '--ready-delay',
        '200ms',
        '--job-duration',
        '300ms',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
  });
  after(() => {
    sim?.kill('SIGTERM');
  });

  async function simNodesReady(k: KubectlSession): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const ready = await k.ok([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      if (ready.split('\n').filter((l) => l === 'True').length === 2) return;
      await sleep(200);
    }
    throw new Error(`the simulated nodes did not become Ready; sim log:\n${simLog}`);
  }

  test('kubectl create job completes', { timeout: 90_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await simNodesReady(k);
    await k.ok(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']);
    await k.ok(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s']);
    assert.match(await k.ok(['get', 'job', 'hello']), /hello\s+Complete\s+1\/1/);
    const pod = await k.ok([
      'get',
      'pods',
      '-l',
      'batch.kubernetes.io/job-name=hello',
      '-o',
      'jsonpath={.items[0].status.phase} {.items[0].metadata.finalizers}',
    ]);
    assert.equal(pod.trim(), 'Succeeded'); // counted, so the tracking finalizer is gone
  });

  test(
    'completions=5 parallelism=2 completes with never more than 2 active',
    { timeout: 90_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await simNodesReady(k);
      await k.ok(['apply', '-f', '-'], { input: jobManifest('pi', { completions: 5, parallelism: 2 }) });
      const watch = k.spawn([
        'get',
        'pods',
        '-l',
        'batch.kubernetes.io/job-name=pi',
        '--watch',
        '-o',
        'name',
      ]);
      let maxActive = 0;
      let done = false;
      const sampler = (async () => {
        while (!done) {
          const active = await k.ok(['get', 'job', 'pi', '-o', 'jsonpath={.status.active}']);
          maxActive = Math.max(maxActive, Number(active || '0'));
          await sleep(100);
        }
      })();
      try {
        await k.ok(['wait', '--for=condition=complete', 'job/pi', '--timeout=60s']);
      } finally {
        done = true;
        await sampler;
        await watch.stop();
      }
      assert.ok(maxActive >= 1 && maxActive <= 2, `max active ${maxActive}`);
      assert.equal(new Set(watch.stdout().trim().split('\n')).size, 5, watch.stdout());
      assert.equal(
        await k.ok(['get', 'job', 'pi', '-o', 'jsonpath={.status.succeeded} {.status.failed}']),
        '5 ',
      );
      assert.match(await k.ok(['get', 'job', 'pi']), /pi\s+Complete\s+5\/5/);
    },
  );

  test('an Indexed Job completes with completedIndexes 0-2', { timeout: 90_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await simNodesReady(k);
    await k.ok(['apply', '-f', '-'], {
      input: jobManifest('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }),
    });
    await k.ok(['wait', '--for=condition=complete', 'job/idx', '--timeout=60s']);
    assert.equal(await k.ok(['get', 'job', 'idx', '-o', 'jsonpath={.status.completedIndexes}']), '0-2');
    const pods = await k.ok([
      'get',
      'pods',
      '-l',
      'batch.kubernetes.io/job-name=idx',
      '-o',
      'jsonpath={range .items[*]}{.metadata.annotations.batch\\.kubernetes\\.io/job-completion-index} {.spec.hostname} {.spec.containers[0].env[0].name}{"\\n"}{end}',
    ]);
    assert.deepEqual(pods.trim().split('\n').sort(), [
      '0 idx-0 JOB_COMPLETION_INDEX',
      '1 idx-1 JOB_COMPLETION_INDEX',
      '2 idx-2 JOB_COMPLETION_INDEX',
    ]);
  });

  test('a failing Job hits backoffLimit; describe shows the events', { timeout: 90_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await simNodesReady(k);
    // Pods exit 1; backoffLimit 1 allows one retry, after the 10 s pod failure backoff.
    await k.ok(['apply', '-f', '-'], {
      input: jobManifest('boom', { backoffLimit: 1 }, { 'berth.io/sim-exit-code': '1' }),
    });
    await k.ok(['wait', '--for=condition=failed', 'job/boom', '--timeout=60s']);
    assert.equal(
      await k.ok(['get', 'job', 'boom', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']),
      'BackoffLimitExceeded',
    );
    assert.equal(await k.ok(['get', 'job', 'boom', '-o', 'jsonpath={.status.failed}']), '2');
    const described = await k.ok(['describe', 'job', 'boom']);
    assert.match(described, /Pods Statuses:\s+0 Active .* 0 Succeeded \/ 2 Failed/);
    assert.match(described, /SuccessfulCreate\s+.*Created pod: boom-/);
    assert.match(described, /BackoffLimitExceeded\s+.*Job has reached the specified backoff limit/);
  });

  test('ttlSecondsAfterFinished deletes the finished Job and its pods', { timeout: 90_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await simNodesReady(k);
    await k.ok(['apply', '-f', '-'], { input: jobManifest('brief', { ttlSecondsAfterFinished: 1 }) });
    await k.ok(['wait', '--for=condition=complete', 'job/brief', '--timeout=60s']);
    await k.ok(['wait', '--for=delete', 'job/brief', '--timeout=60s']);
    await k.ok(['wait', '--for=delete', 'pods', '-l', 'batch.kubernetes.io/job-name=brief', '--timeout=60s']);
  });
});
