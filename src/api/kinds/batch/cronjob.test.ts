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
  defaultedTemplate,
  object,
  podTemplate,
} from '../apps/fixtures.ts';
import { cronJobKind as kind } from './cronjob.ts';

const jobTemplate = (spec: Record<string, unknown> = {}) => ({
  spec: { template: podTemplate({}, { restartPolicy: 'OnFailure' }), ...spec },
});
const cron = (spec: Record<string, unknown> = {}, name = 'backup'): KubeObject =>
  object(kind, name, { schedule: '*/5 * * * *', jobTemplate: jobTemplate(), ...spec });

describe('CronJob', () => {
  it('fills the CronJob defaults and the pod defaults inside the job template only', () => {
    const out = created(kind, cron());
    assert.deepEqual(out.spec, {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: defaultedTemplate(podTemplate({}, { restartPolicy: 'OnFailure' })) } },
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
  });

  const cases: [string, KubeObject, string[]][] = [
    ['a valid cronjob', cron({ timeZone: 'Europe/Berlin' }), []],
    ['a missing schedule', cron({ schedule: '' }), ['spec.schedule']],
    ['a bad schedule', cron({ schedule: '* * *' }), ['spec.schedule']],
    ['TZ in the schedule', cron({ schedule: 'CRON_TZ=UTC 0 * * * *' }), ['spec.schedule']],
    ['an unknown time zone', cron({ timeZone: 'Moon/Base' }), ['spec.timeZone']],
    ['an unknown concurrencyPolicy', cron({ concurrencyPolicy: 'Sometimes' }), ['spec.concurrencyPolicy']],
    [
      'negative history limits',
      cron({ successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -1 }),
      ['spec.failedJobsHistoryLimit', 'spec.successfulJobsHistoryLimit'],
    ],
    [
      'negative startingDeadlineSeconds',
      cron({ startingDeadlineSeconds: -10 }),
      ['spec.startingDeadlineSeconds'],
    ],
    [
      'a job template with restartPolicy Always',
      cron({ jobTemplate: { spec: { template: podTemplate() } } }),
      ['spec.jobTemplate.spec.template.spec.restartPolicy'],
    ],
    [
      'a job template with a selector',
      cron({ jobTemplate: jobTemplate({ selector: { matchLabels: {} } }) }),
      ['spec.jobTemplate.spec.selector'],
    ],
    [
      'a job template with manualSelector',
      cron({ jobTemplate: jobTemplate({ manualSelector: true }) }),
      ['spec.jobTemplate.spec.manualSelector'],
    ],
    ['a name over 52 characters', cron({}, 'x'.repeat(53)), ['metadata.name']],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('shows SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
      wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    });
    const o = created(kind, cron());
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    assert.deepEqual(cells(kind, o, NOW), [
      '*/5 * * * *',
      '<none>',
      'False',
      0,
      '<none>',
      '10m',
      'web',
      'nginx:1.27',
      '<none>',
    ]);
    o.status = { active: [{ name: 'backup-1' }], lastScheduleTime: '2025-01-01T11:55:00Z' };
    (o.spec as Record<string, unknown>).timeZone = 'UTC';
    assert.deepEqual(cells(kind, o, NOW).slice(0, 5), ['*/5 * * * *', 'UTC', 'False', 1, '5m']);
    assert.deepEqual([kind.shortNames, kind.categories], [['cj'], ['all']]);
  });
});
