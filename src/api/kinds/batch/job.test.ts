import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import {
  NOW,
  TEN_MINUTES_AGO,
  cells,
  columnNames,
  created,
  createErrorFields,
  createErrors,
  defaultedTemplate,
  object,
  podTemplate,
  updateErrors,
} from '../apps/fixtures.ts';
import { jobKind as kind } from './job.ts';

const UID = '11111111-2222-3333-4444-555555555555';
const template = (spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
  podTemplate(labels, { restartPolicy: 'Never', ...spec });
const job = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'pi', { template: template(), ...spec });

const generatedLabels = {
  'batch.kubernetes.io/controller-uid': UID,
  'batch.kubernetes.io/job-name': 'pi',
  'controller-uid': UID,
  'job-name': 'pi',
};

describe('Job', () => {
  it('fills the defaults and generates selector and labels like Kubernetes', () => {
    const out = created(kind, job());
    const expectedTemplate = defaultedTemplate(template());
    (expectedTemplate.metadata as Record<string, unknown>).labels = generatedLabels;
    assert.deepEqual(out.spec, {
      template: expectedTemplate,
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
    });
    assert.deepEqual(out.metadata.labels, generatedLabels);
  });

  it('defaults by the other rules of SetDefaults_Job', () => {
    const spec = (o: KubeObject) => o.spec as Record<string, unknown>;
    const queue = created(kind, job({ parallelism: 3 }));
    assert.equal(spec(queue).completions, undefined);
    assert.equal(spec(queue).parallelism, 3);
    const perIndex = created(
      kind,
      job({ completionMode: 'Indexed', completions: 4, backoffLimitPerIndex: 1 }),
    );
    assert.equal(spec(perIndex).backoffLimit, 2147483647);
    const pfp = created(
      kind,
      job({
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      }),
    );
    assert.equal(spec(pfp).podReplacementPolicy, 'Failed');
    assert.deepEqual(spec(pfp).podFailurePolicy, {
      rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    });
  });

  it('keeps a manual selector and the labels the user gave the Job', () => {
    const manual = job({
      manualSelector: true,
      selector: { matchLabels: { app: 'pi' } },
      template: template({}, { app: 'pi' }),
    });
    manual.metadata.labels = { team: 'a' };
    const out = created(kind, manual);
    assert.deepEqual((out.spec as Record<string, unknown>).selector, { matchLabels: { app: 'pi' } });
    assert.deepEqual(out.metadata.labels, { team: 'a' });
    assert.deepEqual(createErrors(kind, manual), []);
  });

  it('gives a Job without a uid one, so the generated selector is never empty', () => {
    const o = job();
    delete o.metadata.uid;
    const out = created(kind, o);
    assert.match(String(out.metadata.uid), /^[0-9a-f-]{36}$/);
    assert.deepEqual(createErrors(kind, o), []);
  });

  const cases: [string, KubeObject, string[]][] = [
    ['a valid job', job(), []],
    [
      'restartPolicy Always',
      job({ template: template({ restartPolicy: 'Always' }) }),
      ['spec.template.spec.restartPolicy'],
    ],
    ['negative parallelism', job({ parallelism: -1 }), ['spec.parallelism']],
    ['negative completions', job({ completions: -1 }), ['spec.completions']],
    ['negative backoffLimit', job({ backoffLimit: -1 }), ['spec.backoffLimit']],
    ['unknown completionMode', job({ completionMode: 'Sometimes' }), ['spec.completionMode']],
    ['Indexed without completions', job({ completionMode: 'Indexed', parallelism: 2 }), ['spec.completions']],
    [
      'Indexed with too many completions',
      job({ completionMode: 'Indexed', completions: 100001 }),
      ['spec.completions'],
    ],
    ['backoffLimitPerIndex without Indexed', job({ backoffLimitPerIndex: 1 }), ['spec.completionMode']],
    [
      'maxFailedIndexes without backoffLimitPerIndex',
      job({ completionMode: 'Indexed', completions: 3, maxFailedIndexes: 1 }),
      ['spec.backoffLimitPerIndex'],
    ],
    [
      'a selector the template does not match',
      job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }),
      ['spec.template.metadata.labels'],
    ],
    [
      'a user selector without manualSelector',
      job({ selector: { matchLabels: { app: 'x' } }, template: template({}, { app: 'x' }) }),
      ['spec.selector'],
    ],
    [
      'a wrong controller-uid label',
      job({ template: template({}, { 'controller-uid': 'other' }) }),
      ['spec.template.metadata.labels[controller-uid]'],
    ],
    [
      'podFailurePolicy with OnFailure',
      job({
        template: template({ restartPolicy: 'OnFailure' }),
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] },
      }),
      ['spec.template.spec.restartPolicy'],
    ],
    [
      'podFailurePolicy rules',
      job({
        podFailurePolicy: {
          rules: [
            { action: 'Explode', onExitCodes: { operator: 'In', values: [0, 2, 1] } },
            { action: 'Ignore' },
            { action: 'Count', onExitCodes: { containerName: 'nope', operator: 'NotIn', values: [1] } },
          ],
        },
      }),
      [
        'spec.podFailurePolicy.rules[0].action',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[0]',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[2]',
        'spec.podFailurePolicy.rules[1]',
        'spec.podFailurePolicy.rules[2].onExitCodes.containerName',
      ],
    ],
    [
      'podReplacementPolicy with podFailurePolicy',
      job({
        podReplacementPolicy: 'TerminatingOrFailed',
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3] } }] },
      }),
      ['spec.podReplacementPolicy'],
    ],
    [
      'successPolicy without Indexed',
      job({ successPolicy: { rules: [{ succeededCount: 1 }] } }),
      ['spec.completionMode'],
    ],
    [
      'successPolicy rules',
      job({
        completionMode: 'Indexed',
        completions: 5,
        successPolicy: {
          rules: [{}, { succeededIndexes: '0-2,7' }, { succeededIndexes: '1-2', succeededCount: 3 }],
        },
      }),
      [
        'spec.successPolicy.rules[0]',
        'spec.successPolicy.rules[1].succeededIndexes',
        'spec.successPolicy.rules[2].succeededCount',
      ],
    ],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('lets an Indexed Job scale completions and parallelism together, nothing else in the template', () => {
    const old = created(kind, job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    const grow = structuredClone(old);
    Object.assign(grow.spec as object, { completions: 5, parallelism: 5 });
    assert.deepEqual(updateErrors(kind, old, grow), []);
    const change = structuredClone(old);
    (
      change.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0].image = 'busybox';
    assert.deepEqual(
      updateErrors(kind, old, change).map((e) => e.field),
      ['spec.template'],
    );
    const nonIndexed = created(kind, job());
    const more = structuredClone(nonIndexed);
    Object.assign(more.spec as object, { completions: 2 });
    assert.deepEqual(
      updateErrors(kind, nonIndexed, more).map((e) => e.field),
      ['spec.completions'],
    );
  });

  it('shows STATUS COMPLETIONS DURATION AGE', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
      wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    });
    const o = created(kind, job());
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = {
      startTime: TEN_MINUTES_AGO,
      completionTime: '2025-01-01T11:50:42Z',
      succeeded: 1,
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    assert.deepEqual(cells(kind, o, NOW), [
      'Complete',
      '1/1',
      '42s',
      '10m',
      'web',
      'nginx:1.27',
      `batch.kubernetes.io/controller-uid=${UID}`,
    ]);
    assert.equal(kind.fieldSelectors?.['status.successful'](o), '1');
  });

  const statuses: [string, Partial<KubeObject>, string][] = [
    ['running', { status: { startTime: TEN_MINUTES_AGO, active: 1 } }, 'Running'],
    ['failed', { status: { conditions: [{ type: 'Failed', status: 'True' }] } }, 'Failed'],
    ['suspended', { status: { conditions: [{ type: 'Suspended', status: 'True' }] } }, 'Suspended'],
    [
      'failure target',
      { status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } },
      'FailureTarget',
    ],
    ['terminating', { metadata: { deletionTimestamp: TEN_MINUTES_AGO }, status: {} }, 'Terminating'],
  ];
  for (const [name, extra, want] of statuses) {
    it(`shows status ${name}`, () => {
      const o = created(kind, job());
      Object.assign(o.metadata, extra.metadata ?? {});
      o.status = extra.status;
      assert.equal(cells(kind, o, NOW)[0], want);
    });
  }

  it('shows work-queue completions and a running duration', () => {
    const o = created(kind, job({ parallelism: 3 }));
    o.status = { startTime: '2025-01-01T11:57:00Z', succeeded: 0 };
    assert.deepEqual(cells(kind, o, NOW).slice(1, 3), ['0/1 of 3', '3m']);
    delete (o.status as Record<string, unknown>).startTime;
    assert.equal(cells(kind, o, NOW)[2], '');
  });
});
